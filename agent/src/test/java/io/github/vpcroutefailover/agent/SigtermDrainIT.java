package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/** The real shaded jar as a service would run it: publishes, then on SIGTERM publishes Draining=1 and exits 0. */
@ExtendWith(LocalAwsExtension.class)
class SigtermDrainIT {
    private static final String INSTANCE = "i-0feedfacecafe0001";

    static Path shadedJar() throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "agent-*-all.jar")) {
            for (Path p : jars) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("target/agent-*-all.jar not found: run 'mvn -pl agent -am verify' (shade runs at package)");
    }

    /** The java running the tests, so the agent gets the same JDK >= 21. */
    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    @Test
    void sigtermPublishesDrainingAndExitsZero(LocalAws aws, @TempDir Path dir) throws Exception {
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("agent.yaml");
            Files.writeString(config, """
                    instanceId: %s
                    interval: 1s
                    maintenanceFile: %s
                    shutdown: {publishTimeout: 5s}
                    checks:
                      - {name: service, type: tcp, host: 127.0.0.1, port: %d, timeout: 500ms}
                    """.formatted(INSTANCE, dir.resolve("maintenance"), service.getLocalPort()));
            Path log = dir.resolve("agent.log");
            ProcessBuilder pb = new ProcessBuilder(java(), "-XX:+UseSerialGC", "-jar", shadedJar().toString(), "run", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(aws.environment());
            pb.environment().put(io.github.vpcroutefailover.agent.aws.AwsSettings.ALLOW_HTTP_ENDPOINT, "true"); // the emulator is http
            Process agent = pb.start();
            CloudWatchClient reader = EmulatorCloudWatch.reader(aws);
            try {
                boolean published = false;
                for (int i = 0; i < 120 && !published && agent.isAlive(); i++) {
                    published = !CloudWatchReads.values(reader, "CheckResult", INSTANCE, "service", "Minimum").isEmpty();
                    if (!published) {
                        Thread.sleep(250);
                    }
                }
                assertThat(published).as("agent published a CheckResult; its log:\n%s", Files.readString(log)).isTrue();
                assertThat(CloudWatchReads.values(reader, "Draining", INSTANCE, "agent", "Maximum")).containsOnly(0.0);

                agent.destroy(); // SIGTERM
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("agent exited within 30 s").isTrue();
                assertThat(agent.exitValue()).as("exit code; log:\n%s", Files.readString(log)).isZero();

                List<Double> draining = CloudWatchReads.values(reader, "Draining", INSTANCE, "agent", "Maximum");
                assertThat(draining).contains(1.0);
                assertThat(CloudWatchReads.values(reader, "CheckResult", INSTANCE, "service", "Minimum")).containsOnly(1.0);
                String output = Files.readString(log);
                assertThat(output).contains("\"message\":\"published draining signal before exit\"").contains("\"message\":\"agent stopped\"");
            } finally {
                if (agent.isAlive()) {
                    agent.destroyForcibly();
                }
                reader.close();
            }
        }
    }
}
