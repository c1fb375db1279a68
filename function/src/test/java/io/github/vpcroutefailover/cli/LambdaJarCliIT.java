package io.github.vpcroutefailover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import io.github.vpcroutefailover.testsupport.TwoNatWorld;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Route;

/**
 * The deployable jar, run as a separate process the way an operator runs it: {@code java -jar ... invoke
 * events/<file>.json} against the endpoints in the environment, {@code validate}, and the sandbox's refusal to
 * touch anything but loopback endpoints.
 */
@ExtendWith(LocalAwsExtension.class)
class LambdaJarCliIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out) {
    }

    static Path jar() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Paths.get("target"), "function-*-lambda.jar")) {
            for (Path p : s) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no target/function-*-lambda.jar: the shade plugin runs at 'package', before integration tests");
    }

    static Path events() {
        Path p = Paths.get("..", "events").toAbsolutePath().normalize();
        assertThat(p.resolve("aws.events-scheduled.json")).exists();
        return p;
    }

    static Run run(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("AWS_") || k.startsWith("VRF_"));
        pb.environment().putAll(env);
        pb.environment().put("VRF_LOG_LEVEL", "WARN");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("jar finished within 120 s").isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @Test
    void invokeRunsTheRealHandlerAgainstTheEnvironmentsEndpoints(LocalAws aws, @TempDir Path dir) throws Exception {
        try (TwoNatWorld world = TwoNatWorld.create(aws)) {
            TestNetwork net = world.net();
            String natA = world.natA();
            String natB = world.natB();
            String rtbA = world.rtbA();
            String rtbB = world.rtbB();
            Path config = dir.resolve("config.yaml");
            Files.writeString(config, world.config());
            String table = aws.uniqueName("cli");
            OwnershipTable.create(aws.dynamoDb(), table);
            Map<String, String> env = new java.util.HashMap<>(aws.environment());
            env.put("VRF_TABLE_NAME", table);
            env.put("VRF_CONFIG_PATH", config.toString());

            Run scheduled = run(env, "invoke", "--local", events().resolve("aws.events-scheduled.json").toString());

            assertThat(scheduled.exit()).as(scheduled.out()).isZero();
            assertThat(hop(aws, net, rtbA, natA)).isTrue();
            assertThat(hop(aws, net, rtbB, natB)).isTrue();

            Run status = run(env, "invoke", "--local", events().resolve("manual-status.json").toString());
            assertThat(status.exit()).as(status.out()).isZero();
            // Log lines are JSON too; the pretty-printed response is the document that starts on a line of its own.
            JsonNode body = JSON.readTree(status.out().substring(status.out().startsWith("{\n") ? 0 : status.out().indexOf("\n{\n") + 1));
            assertThat(body.path("ok").asBoolean()).isTrue();
            assertThat(status.out()).contains(rtbA, rtbB, natA, natB);

            Run unknown = run(env, "invoke", "--local", events().resolve("manual-unknown-action.json").toString());
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.out()).contains("\"field\" : \"action\"").contains("unknown action");
            assertThat(hop(aws, net, rtbA, natA)).as("a refused request changes nothing").isTrue();
        }
    }

    @Test
    void validateReportsEveryProblemWithItsLine(LocalAws aws, @TempDir Path dir) throws Exception {
        Run ok = run(Map.of(), "validate", Paths.get("..", "samples", "config", "nat-two-az.yaml").toString());
        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("OK");

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                version: 1
                vpc: vpc-0123456789abcdef0
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [ec2], colour: blue}
                routes:
                  - name: default-egress
                    destination: 10.0.0.1/24
                    routeTables: [{id: rtb-0aaaaaaaaaaaaaaaa}]
                    targets: [nat-a]
                """);
        Run invalid = run(Map.of(), "validate", bad.toString());
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.out()).contains("bad.yaml:4:").contains("colour").contains("bad.yaml:7:").contains("routes[0].destination");
    }

    @Test
    void sandboxRefusesEndpointsOffThisMachine(LocalAws aws) throws Exception {
        Run r = run(Map.of("AWS_ENDPOINT_URL", "https://ec2.eu-west-1.amazonaws.com", "AWS_REGION", "eu-west-1"), "sandbox");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).contains("refusing to run");
    }

    /** Routes are written to the instance's ENI; EC2 reports the instance too, moto only the ENI. */
    private static boolean hop(LocalAws aws, TestNetwork net, String rtb, String instanceId) {
        Route r = defaultRoute(aws, rtb);
        return instanceId.equals(r.instanceId()) || net.primaryEni(instanceId).equals(r.networkInterfaceId());
    }

    private static Route defaultRoute(LocalAws aws, String rtb) {
        return aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).findFirst().orElseThrow();
    }
}
