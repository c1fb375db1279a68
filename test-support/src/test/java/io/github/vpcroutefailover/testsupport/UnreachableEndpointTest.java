package io.github.vpcroutefailover.testsupport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;

/** A stopped emulator must fail the integration suite with instructions, never skip it. */
class UnreachableEndpointTest {

    @Test
    void closedPortFailsWithHowToStartTheTestBed() throws IOException {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        } // closed again: nothing listens there now
        URI uri = URI.create("http://127.0.0.1:" + freePort);

        assertThatThrownBy(() -> LocalAws.requireReachable("EC2", uri, AwsTarget.LOCAL_EMULATORS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EC2 endpoint " + uri + " is not reachable")
                .hasMessageContaining("scripts/local-aws start")
                .hasMessageContaining("scripts/test");
    }

    @Test
    void customEndpointFailureNamesTheVariables() throws IOException {
        int freePort;
        try (ServerSocket s = new ServerSocket(0)) {
            freePort = s.getLocalPort();
        }
        URI uri = URI.create("http://127.0.0.1:" + freePort);

        assertThatThrownBy(() -> LocalAws.requireReachable("DynamoDB", uri, AwsTarget.CUSTOM_ENDPOINTS))
                .hasMessageContaining("AWS_ENDPOINT_URL_<SERVICE>");
    }
}
