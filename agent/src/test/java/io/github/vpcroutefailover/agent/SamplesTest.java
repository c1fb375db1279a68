package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.config.ConfigLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What operators copy from samples/agent must stay true: one unit file, configs that load, JVM flags that start. */
class SamplesTest {
    private static final Path SAMPLES = Path.of("..", "samples", "agent");

    private static String javaOpts() throws Exception {
        return Files.readAllLines(SAMPLES.resolve("vpc-route-failover-agent.service")).stream()
                .filter(l -> l.startsWith("Environment=\"JAVA_OPTS=")).findFirst().orElseThrow()
                .replaceFirst("^Environment=\"JAVA_OPTS=", "").replaceFirst("\"$", "");
    }

    @Test
    void userDataInstallsTheReleaseTarballAfterCheckingItsChecksum() throws Exception {
        String userData = Files.readString(SAMPLES.resolve("user-data.sh"));
        // The unit, jar and install steps come from the tarball (scripts/package-agent puts this unit file in it).
        assertThat(userData).contains("TARBALL=\"vpc-route-failover-agent-$VERSION.tar.gz\"").contains("sha256sum -c -")
                .contains("tar -xzf \"$TARBALL\"").contains("/install.sh\"");
        assertThat(userData.indexOf("sha256sum -c")).as("checksum before unpacking").isLessThan(userData.indexOf("tar -xzf"));
        assertThat(userData.indexOf("<<'YAML'")).as("config before install.sh, which keeps an existing one").isLessThan(userData.indexOf("/install.sh"));
        assertThat(userData).doesNotContain("[Service]");
    }

    /** What 'vrf import awsnycast' writes for the agent (function's AwsnycastImporterTest keeps the file equal to it). */
    @Test
    void theAgentChecksImportedFromAwsnycastLoad() throws Exception {
        var config = ConfigLoader.load(Path.of("..", "function", "src", "test", "resources", "import", "awsnycast", "expected-agent.yaml"));
        assertThat(config.checks()).hasSize(2);
    }

    @Test
    void sampleConfigsLoad() throws Exception {
        ConfigLoader.load(SAMPLES.resolve("agent.yaml"));
        String userData = Files.readString(SAMPLES.resolve("user-data.sh"));
        String yaml = userData.substring(userData.indexOf("<<'YAML'\n") + 9, userData.indexOf("YAML\n# The maintenance"));
        assertThat(ConfigLoader.parse(yaml, "user-data.sh").checks()).isNotEmpty();
    }

    /** An unknown or misspelt -XX flag stops the JVM from starting, so the service would never come up. */
    @Test
    void theUnitsJvmFlagsStartThisJdk(@TempDir Path dir) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(SigtermDrainIT.java());
        for (String flag : javaOpts().split("\\s+")) {
            cmd.add(flag.replace("/var/lib/vpc-route-failover/agent.jsa", dir.resolve("agent.jsa").toString()));
        }
        cmd.add("-version");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("java %s -version:%n%s", String.join(" ", cmd), output).isZero();
        assertThat(output).doesNotContain("Ignoring option").doesNotContain("Unrecognized");
    }
}
