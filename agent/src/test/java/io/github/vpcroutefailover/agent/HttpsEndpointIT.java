package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.aws.AwsSettings;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded agent refuses a plain-HTTP CloudWatch endpoint with exit status 2 (a configuration error, which systemd
 * does not restart on) before it sends anything, unless the test-bed opt-in is set; with the opt-in it publishes to
 * the emulator as the other agent ITs do.
 */
@ExtendWith(LocalAwsExtension.class)
class HttpsEndpointIT {

    @Test
    void anHttpEndpointIsAConfigurationErrorWithoutTheTestBedOptIn(LocalAws aws, @TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, """
                instanceId: i-0123456789abcdef0
                region: us-east-1
                interval: 1s
                maintenanceFile: %s
                checks:
                  - {name: service, type: tcp, host: 127.0.0.1, port: 9, timeout: 200ms}
                """.formatted(dir.resolve("maintenance")));
        Path log = dir.resolve("agent.log");
        ProcessBuilder pb = new ProcessBuilder(SigtermDrainIT.java(), "-XX:+UseSerialGC", "-jar", SigtermDrainIT.shadedJar().toString(), "run",
                "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.putAll(aws.environment());
        env.remove(AwsSettings.ALLOW_HTTP_ENDPOINT);
        String endpoint = aws.endpoint("CloudWatch").orElseThrow().toString();
        assertThat(endpoint).as("the test bed's endpoint is plain HTTP").startsWith("http://");
        aws.calls().reset();
        Process agent = pb.start();
        try {
            assertThat(agent.waitFor(60, TimeUnit.SECONDS)).as("agent exited").isTrue();
            String output = Files.readString(log);
            assertThat(agent.exitValue()).as("exit status; log:\n%s", output).isEqualTo(2);
            assertThat(output).contains("is not HTTPS").contains(AwsSettings.ALLOW_HTTP_ENDPOINT + "=true").contains("AWS_ENDPOINT_URL_CLOUDWATCH");
        } finally {
            agent.destroyForcibly();
        }
    }
}
