package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.aws.AwsCredentials;
import io.github.vpcroutefailover.agent.aws.Imds;
import io.github.vpcroutefailover.agent.aws.ImdsCredentials;
import io.github.vpcroutefailover.testsupport.AwsTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * The agent on an instance with nothing configured but its checks: instance id, region and credentials all
 * come from IMDSv2, here the emulator's (moto serves the instance metadata API, instance i-fake in us-east-1,
 * and role credentials). Needs the local test bed: a real account has no IMDS outside EC2.
 */
@ExtendWith(LocalAwsExtension.class)
class InstanceMetadataIT {
    private URI imds;

    @BeforeEach
    void onlyWithTheLocalTestBed(LocalAws aws) {
        Assumptions.assumeTrue(aws.target() == AwsTarget.LOCAL_EMULATORS,
                "instance metadata comes from moto; LocalStack and real accounts have no IMDS off EC2");
        imds = aws.endpoint("CloudWatch").orElseThrow();
    }

    @Test
    void roleCredentialsComeFromTheEmulatorsMetadataService() {
        AwsCredentials c = new ImdsCredentials(new Imds(imds, Duration.ofSeconds(2)), Clock.systemUTC()).credentials();
        assertThat(c.accessKeyId()).isEqualTo("test-key");
        assertThat(c.sessionToken()).isEqualTo("test-session-token");
        assertThat(c.expiration()).isAfter(java.time.Instant.now());
    }

    @Test
    void theShadedJarPublishesWithIdRegionAndCredentialsFromImds(LocalAws aws, @TempDir Path dir) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
                    interval: 1s
                    maintenanceFile: %s
                    checks:
                      - {name: service, type: tcp, host: 127.0.0.1, port: %d, timeout: 500ms}
                    """.formatted(dir.resolve("maintenance"), service.getLocalPort()));
            Path log = dir.resolve("agent.log");
            ProcessBuilder pb = new ProcessBuilder(SigtermDrainIT.java(), "-XX:+UseSerialGC", "-jar", SigtermDrainIT.shadedJar().toString(), "run",
                    "--config", config.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.keySet().removeIf(k -> k.startsWith("AWS_"));
            env.put("AWS_ENDPOINT_URL_CLOUDWATCH", imds.toString());
            env.put(io.github.vpcroutefailover.agent.aws.AwsSettings.ALLOW_HTTP_ENDPOINT, "true"); // the emulator is http
            env.put("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.toString());
            Process agent = pb.start();
            try (CloudWatchClient reader = EmulatorCloudWatch.reader(aws)) {
                boolean published = false;
                for (int i = 0; i < 120 && !published && agent.isAlive(); i++) {
                    published = !CloudWatchReads.values(reader, "CheckResult", "i-fake", "service", "Minimum").isEmpty();
                    if (!published) {
                        Thread.sleep(250);
                    }
                }
                assertThat(published).as("agent published as i-fake; its log:\n%s", Files.readString(log)).isTrue();
                agent.destroy();
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.exitValue()).as("exit code; log:\n%s", Files.readString(log)).isZero();
                assertThat(Files.readString(log)).contains("\"instanceId\":\"i-fake\"").contains("\"credentials\":\"instance profile (IMDSv2 at");
            } finally {
                if (agent.isAlive()) {
                    agent.destroyForcibly();
                }
            }
        }
    }
}
