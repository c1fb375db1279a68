package io.github.vpcroutefailover.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sandbox creates and stops resources, so it must never be pointed at a real account by accident. */
class SandboxTest {

    @Test
    void runsOnlyAgainstLoopbackEndpoints() {
        assertThat(Sandbox.loopbackOnly(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5055",
                "AWS_ENDPOINT_URL_DYNAMODB", "http://localhost:8000")::get)).isNull();
        assertThat(Sandbox.loopbackOnly(Map.<String, String>of()::get)).contains("real AWS");
        assertThat(Sandbox.loopbackOnly(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:5055",
                "AWS_ENDPOINT_URL_DYNAMODB", "https://dynamodb.eu-west-1.amazonaws.com")::get)).contains("not on this machine");
        assertThat(Sandbox.loopbackOnly(Map.of("AWS_ENDPOINT_URL", "http://10.0.0.5:4566")::get)).contains("not on this machine");
    }
}
