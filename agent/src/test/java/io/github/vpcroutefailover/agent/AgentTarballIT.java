package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * The release's agent tarball (made by scripts/package-agent, as scripts/release does), installed with its own
 * install.sh into a temporary root, then the installed jar started with the installed sample config against the
 * emulators: it must publish, and stop cleanly on SIGTERM.
 */
@ExtendWith(LocalAwsExtension.class)
class AgentTarballIT {
    private static final String INSTANCE = "i-0feedfacecafe0042";

    record Run(int exit, String out) {
    }

    static Run run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", cmd)).isTrue();
        return new Run(p.exitValue(), out);
    }

    @Test
    void theTarballInstallsIntoARootAndTheInstalledAgentRunsWithTheSampleConfig(LocalAws aws, @TempDir Path dir) throws Exception {
        Path jar = SigtermDrainIT.shadedJar();
        String version = jar.getFileName().toString().replaceAll("^agent-(.*)-all\\.jar$", "$1");
        Path repo = Path.of("..").toAbsolutePath().normalize();

        Run pack = run(repo, "bash", "scripts/package-agent", jar.toString(), version, dir.resolve("dist").toString());
        assertThat(pack.exit()).as(pack.out()).isZero();
        Path tarball = dir.resolve("dist").resolve("vpc-route-failover-agent-" + version + ".tar.gz");
        assertThat(tarball).exists();
        assertThat(run(dir, "tar", "-xzf", tarball.toString()).exit()).isZero();
        Path unpacked = dir.resolve("vpc-route-failover-agent-" + version);

        Path root = dir.resolve("root");
        Run install = run(unpacked, "sh", "./install.sh", "--root", root.toString());
        assertThat(install.exit()).as(install.out()).isZero();
        Path installedJar = root.resolve("opt/vpc-route-failover/agent.jar");
        Path config = root.resolve("etc/vpc-route-failover/agent.yaml");
        assertThat(installedJar).hasSameBinaryContentAs(jar);
        assertThat(config).hasSameTextualContentAs(repo.resolve("samples/agent/agent.yaml"));
        assertThat(root.resolve("etc/systemd/system/vpc-route-failover-agent.service"))
                .hasSameTextualContentAs(repo.resolve("samples/agent/vpc-route-failover-agent.service"));

        // A second install (an upgrade) keeps the operator's config and puts the new sample next to it.
        Files.writeString(config, "# edited by the operator\n" + Files.readString(config));
        Run again = run(unpacked, "sh", "./install.sh", "--root", root.toString());
        assertThat(again.exit()).as(again.out()).isZero();
        assertThat(Files.readString(config)).startsWith("# edited by the operator");
        assertThat(root.resolve("etc/vpc-route-failover/agent.yaml.sample")).exists();
        assertThat(run(unpacked, "sh", "./install.sh", "--bogus").exit()).isEqualTo(2);

        // The installed sample validates as shipped.
        Run check = run(dir, SigtermDrainIT.java(), "-jar", installedJar.toString(), "check-config", "--config", config.toString());
        assertThat(check.exit()).as(check.out()).isZero();

        // Run it. Two edits only, both documented in the sample: the instance id (no IMDS here), and the check targets
        // moved to loopback (tests only reach 127.0.0.0/8; the sample's egress check would call checkip.amazonaws.com).
        try (ServerSocket service = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String sample = Files.readString(config)
                    .replace("https://checkip.amazonaws.com/", "http://127.0.0.1:" + service.getLocalPort() + "/")
                    .replace("port: 443", "port: " + service.getLocalPort())
                    .replace("10.0.1.10", "127.0.0.2").replace("10.0.2.10", "127.0.0.3")
                    .replace("/etc/vpc-route-failover/maintenance", root.resolve("etc/vpc-route-failover/maintenance").toString());
            Path runConfig = dir.resolve("agent.yaml");
            Files.writeString(runConfig, "instanceId: " + INSTANCE + "\n" + sample);
            Path log = dir.resolve("agent.log");
            ProcessBuilder pb = new ProcessBuilder(SigtermDrainIT.java(), "-XX:+UseSerialGC", "-jar", installedJar.toString(), "run",
                    "--config", runConfig.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().putAll(aws.environment());
            pb.environment().put(io.github.vpcroutefailover.agent.aws.AwsSettings.ALLOW_HTTP_ENDPOINT, "true"); // the emulator is http
            Process agent = pb.start();
            CloudWatchClient reader = EmulatorCloudWatch.reader(aws);
            try {
                boolean published = false;
                for (int i = 0; i < 120 && !published && agent.isAlive(); i++) {
                    published = !CloudWatchReads.values(reader, "CheckResult", INSTANCE, "haproxy", "Minimum").isEmpty()
                            && !CloudWatchReads.values(reader, "Heartbeat", INSTANCE, "agent", "Minimum").isEmpty();
                    if (!published) {
                        Thread.sleep(250);
                    }
                }
                assertThat(published).as("installed agent published; its log:\n%s", Files.readString(log)).isTrue();
                agent.destroy(); // SIGTERM, as systemd stops it
                assertThat(agent.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(agent.exitValue()).as("exit code; log:\n%s", Files.readString(log)).isZero();
                assertThat(CloudWatchReads.values(reader, "Draining", INSTANCE, "agent", "Maximum")).contains(1.0);
            } finally {
                if (agent.isAlive()) {
                    agent.destroyForcibly();
                }
                reader.close();
            }
        }
    }
}
