package io.github.vpcroutefailover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/vrf}, the launcher an operator runs, as a separate process with stdout and stderr apart: stdout
 * carries exactly the answer (so {@code | jq} works) even with the handler logging at INFO, the logs go to stderr,
 * and an old default {@code java} on PATH does not matter (the launcher finds a Java >= 21).
 */
@ExtendWith(LocalAwsExtension.class)
class VrfLauncherIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    static Run vrf(Map<String, String> env, String... args) throws Exception {
        Path launcher = Paths.get("..", "scripts", "vrf").toAbsolutePath().normalize();
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("VRF_") || k.equals("JAVA_HOME"));
        // An old java first on PATH, as on the machine the issue was found on; the launcher must look further.
        pb.environment().put("PATH", "/usr/bin:/bin");
        pb.environment().put("VRF_JAVA", Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("vrf finished within 120 s").isTrue();
        return new Run(p.exitValue(), out, err.get(10, TimeUnit.SECONDS));
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void stdoutIsOneJsonDocumentWhileTheLogsGoToStderr(LocalAws aws, @TempDir Path dir) throws Exception {
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            String nat = net.instance(0, "role=nat");
            net.routeTable(0, "tier=private");
            Path config = dir.resolve("routes.yaml");
            Files.writeString(config, """
                    version: 1
                    vpc: %s
                    checks:
                      ec2: {type: ec2-status, rise: 1, fall: 1}
                    targets:
                      nat-a: {instance: %s, checks: [ec2], sourceDestCheck: fix}
                    routes:
                      - name: default-egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a]
                    """.formatted(net.vpcId(), nat));
            String table = aws.uniqueName("launcher");
            OwnershipTable.create(aws.dynamoDb(), table);
            Map<String, String> env = new java.util.HashMap<>(aws.environment());
            env.put("VRF_LOG_LEVEL", "INFO");
            env.put("VRF_TABLE_NAME", table);
            env.put("VRF_CONFIG_PATH", config.toString());

            Run scheduled = vrf(env, "invoke", "--local", VrfLocalIT.events().resolve("aws.events-scheduled.json").toString());
            assertThat(scheduled.exit()).as(scheduled.err()).isZero();
            // The whole of stdout is one JSON document: what jq needs.
            JsonNode answer = JSON.readTree(scheduled.out());
            assertThat(answer.path("ok").asBoolean()).isTrue();
            assertThat(answer.path("reconcile").path("changes")).hasSize(1);
            assertThat(scheduled.err()).as("the handler's JSON logs, on stderr").contains("\"level\":\"INFO\"");
            assertThat(scheduled.out()).doesNotContain("\"level\"").doesNotContain("_aws");

            Run status = vrf(env, "status", "--local");
            assertThat(status.exit()).as(status.err()).isZero();
            assertThat(JSON.readTree(status.out()).path("routes").get(0).path("current").path("target").asText()).isEqualTo("nat-a");

            Run refused = vrf(env, "drain", "nat-a", "--local");
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.err()).contains("--yes");
            assertThat(refused.out()).isEmpty();
        }
    }

    @Test
    void versionHelpAndAWrongConfigPath(LocalAws aws) throws Exception {
        Run version = vrf(Map.of(), "-V");
        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("vrf ");
        Run help = vrf(Map.of(), "invoke", "--help");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: vrf invoke");
        Run missing = vrf(aws.environment(), "status", "--local", "--config", "/nonexistent/routes.yaml");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("vrf: config file /nonexistent/routes.yaml does not exist; pass --config with the path of your route config (YAML)\n");
        // No VRF_JAVA: PATH's java comes first (17 on this machine); the launcher skips it for one >= 21 under /usr/lib/jvm.
        Run pathJava = vrf(Map.of("VRF_JAVA", "/nonexistent/java"), "-V");
        assertThat(pathJava.exit()).as(pathJava.err()).isZero();
        int feature = Integer.parseInt(pathJava.out().replaceAll("(?s).*\\(Java (\\d+)\\).*", "$1"));
        assertThat(feature).isGreaterThanOrEqualTo(21);
    }
}
