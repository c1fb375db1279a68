package io.github.vpcroutefailover.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Cold controller, measured the way Lambda runs it: each run is a fresh JVM running the shaded function jar under the
 * real Lambda Java runtime interface client ({@link LambdaJavaRuntime}), fed one scheduled event by a local Runtime
 * API ({@link RuntimeApiEmulator}); the reconcile it runs is converged (the world in moto and DynamoDB Local was
 * applied by a warm-up run), so every run does the same reads and no writes.
 *
 * <p>Two jars, paired A B A B in one run on the same machine and world: A is this build's
 * {@code target/function-*-lambda.jar}, B the baseline given by {@code -Dvrf.coldstart.baseline=<jar>} (the jar built
 * from commit f9f72c2, BENCHMARKS.md "Cold controller"). Both modes: on-demand (init = JVM start, handler
 * construction) and SnapStart-style (the CRaC {@code beforeCheckpoint} priming runs in init; what a restored
 * snapshot then pays is the first invocation).
 *
 * <p>Not part of the normal build (the name matches neither Surefire's nor Failsafe's patterns, and it needs
 * {@code -Dvrf.bench=true}). It asserts what each run did (ok, converged, no Runtime API protocol errors), never a
 * time; the figures go to {@code target/bench-cold-start.txt}.
 */
@EnabledIfSystemProperty(named = "vrf.bench", matches = "true")
@ExtendWith(LocalAwsExtension.class)
class ColdStartBenchmark {
    static final String HANDLER = "io.github.vpcroutefailover.handler.ControllerHandler::handleRequest";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int PAIRS = Integer.getInteger("vrf.bench.pairs", 10);
    /** {@code -Dvrf.coldstart.modes=on-demand} measures only that mode (default: both). */
    private static final List<String> MODES = List.of(System.getProperty("vrf.coldstart.modes", "on-demand,snapstart").split(","));
    /** The deployed controller's memory setting (infra-cdk VrfStack). */
    private static final int MEMORY_MB = 1024;

    @TempDir
    Path dir;

    @Test
    void coldScheduledReconcile(LocalAws aws) throws Exception {
        Path candidate = candidateJar();
        Path baseline = baselineJar();
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            Map<String, String> env = world(aws, net, dir);
            byte[] event = Files.readAllBytes(events().resolve("aws.events-scheduled.json"));
            LambdaJavaRuntime runtime = new LambdaJavaRuntime(dir.resolve("runtime"), MEMORY_MB);
            Path a = runtime.taskRoot(candidate, "A");
            Path b = runtime.taskRoot(baseline, "B");

            // Warm-up, not counted: A applies the routes (the world starts unconverged), B must then find nothing to do.
            // Both also bring the page cache and the emulators to their steady state.
            JsonNode first = JSON.readTree(runtime.coldInvoke("warm-A", a, HANDLER, env, event, false, Duration.ofSeconds(120)).response());
            assertThat(first.path("ok").asBoolean()).as(first.toString()).isTrue();
            converged(runtime.coldInvoke("warm-B", b, HANDLER, env, event, false, Duration.ofSeconds(120)));
            converged(runtime.coldInvoke("warm-A2", a, HANDLER, env, event, false, Duration.ofSeconds(120)));

            Map<String, List<LambdaJavaRuntime.Measurement>> series = new LinkedHashMap<>();
            for (boolean snapStart : new boolean[] {false, true}) {
                String mode = snapStart ? "snapstart" : "on-demand";
                if (!MODES.contains(mode)) {
                    continue;
                }
                for (int i = 0; i < PAIRS; i++) {
                    for (String[] v : new String[][] {{"A", a.toString()}, {"B", b.toString()}}) {
                        String label = v[0] + "-" + mode + "-" + i;
                        LambdaJavaRuntime.Measurement m = runtime.coldInvoke(label, Path.of(v[1]), HANDLER, env, event, snapStart,
                                Duration.ofSeconds(120));
                        converged(m);
                        assertThat(m.restoreNextCalls()).as(label + " restore/next calls").isEqualTo(snapStart ? 1 : 0);
                        series.computeIfAbsent(v[0] + " " + mode, k -> new ArrayList<>()).add(m);
                    }
                }
            }
            String report = report(candidate, baseline, series);
            Files.writeString(Paths.get("target", "bench-cold-start.txt"), report, StandardCharsets.UTF_8);
            System.out.println(report);
            assertThat(series.values()).isNotEmpty().allSatisfy(s -> assertThat(s).hasSize(PAIRS));
        }
    }

    private static void converged(LambdaJavaRuntime.Measurement m) throws IOException {
        JsonNode r = JSON.readTree(m.response());
        assertThat(r.path("ok").asBoolean()).as(m.label() + " " + r).isTrue();
        assertThat(r.path("trigger").asText()).as(m.label()).isEqualTo("Scheduled");
        assertThat(r.path("reconcile").path("converged").asBoolean()).as(m.label() + " converged " + r).isTrue();
        assertThat(r.path("reconcile").path("changes").size()).as(m.label() + " changes").isZero();
    }

    /** Two NAT instances in two AZs, a private table each, the ownership table, a config file; env for the runtime. */
    static Map<String, String> world(LocalAws aws, TestNetwork net, Path dir) throws IOException {
        String natA = net.instance(0, "role=nat");
        String natB = net.instance(1, "role=nat");
        net.routeTable(0, "tier=private");
        net.routeTable(1, "tier=private");
        String table = aws.uniqueName("ownership");
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        OwnershipTable.create(ddb, table);
        aws.cloudWatch().putMetricAlarm(r -> r.alarmName("team-nat-packet-loss").namespace("Team/Network").metricName("PacketLoss")
                .dimensions(d -> d.name("InstanceId").value(natA)).statistic("Average").period(60).evaluationPeriods(1)
                .threshold(1.0).comparisonOperator("GreaterThanThreshold"));
        aws.cloudWatch().setAlarmState(r -> r.alarmName("team-nat-packet-loss").stateValue("OK").stateReason("bench"));
        // The scheduled path's readers: EC2 (tables, instances, status checks), DynamoDB (ownership, states, registry),
        // CloudWatch (a user alarm as a check).
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, """
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, statusChecks: true, rise: 1, fall: 1}
                  packet-loss: {type: alarm, alarmName: team-nat-packet-loss, rise: 1, fall: 1}
                targets:
                  nat-a: {instance: %s, checks: [ec2, packet-loss], sourceDestCheck: ignore}
                  nat-b: {instance: %s, checks: [ec2, packet-loss], sourceDestCheck: ignore}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    policy: {zoneAffinity: true, failBack: {after: 5m}}
                """.formatted(net.vpcId(), natA, natB), StandardCharsets.UTF_8);
        // What the deployment ships: the config compiled to JSON at synth (FunctionArtifacts.stageConfigLayer).
        Path compiled = dir.resolve("config.json");
        Files.writeString(compiled, ConfigLoader.compiledJson(config), StandardCharsets.UTF_8);
        Map<String, String> env = new LinkedHashMap<>(aws.environment());
        // The emulators' (dummy) credentials the test itself uses; the runtime's environment is otherwise clean.
        var creds = aws.credentials().resolveCredentials();
        env.put("AWS_ACCESS_KEY_ID", creds.accessKeyId());
        env.put("AWS_SECRET_ACCESS_KEY", creds.secretAccessKey());
        env.put("VRF_TABLE_NAME", table);
        env.put("VRF_CONFIG_PATH", compiled.toString());
        env.put("VRF_METRIC_NAMESPACE", "VpcRouteFailover");
        env.put("VRF_LOG_LEVEL", "WARN");
        return env;
    }

    static String report(Path candidate, Path baseline, Map<String, List<LambdaJavaRuntime.Measurement>> series) {
        StringBuilder b = new StringBuilder();
        b.append("Cold controller: one converged scheduled reconcile per fresh JVM under the Lambda Java RIC\n");
        b.append("A = ").append(candidate).append("\nB = ").append(baseline).append('\n');
        b.append("JDK ").append(System.getProperty("java.version")).append(", ").append(PAIRS).append(" pairs per mode, A B A B\n");
        b.append("extra JVM flags (both jars): ").append(System.getProperty("vrf.coldstart.jvmArgs", "").isBlank() ? "none"
                : System.getProperty("vrf.coldstart.jvmArgs")).append("\n\n");
        b.append(String.format(Locale.ROOT, "%-14s %14s %14s %14s %14s %14s%n", "series (median)", "init ms", "1st invoke ms",
                "wall ms", "peak RSS MiB", "CPU ms"));
        series.forEach((name, ms) -> b.append(String.format(Locale.ROOT, "%-14s %14d %14d %14d %14.1f %14d%n", name,
                median(ms, LambdaJavaRuntime.Measurement::initMs), median(ms, LambdaJavaRuntime.Measurement::firstInvocationMs),
                median(ms, LambdaJavaRuntime.Measurement::wallMs), median(ms, LambdaJavaRuntime.Measurement::peakRssKb) / 1024.0,
                median(ms, LambdaJavaRuntime.Measurement::cpuMs))));
        for (String mode : List.of("on-demand", "snapstart")) {
            List<LambdaJavaRuntime.Measurement> a = series.get("A " + mode);
            List<LambdaJavaRuntime.Measurement> bs = series.get("B " + mode);
            if (a == null || bs == null) {
                continue;
            }
            List<Double> ratios = new ArrayList<>();
            for (int i = 0; i < Math.min(a.size(), bs.size()); i++) {
                ratios.add(a.get(i).wallMs() / (double) bs.get(i).wallMs());
            }
            ratios.sort(Double::compare);
            b.append(String.format(Locale.ROOT, "%n%s: wall A/B, median of the %d paired ratios: %.2f (min %.2f, max %.2f)%n", mode,
                    ratios.size(), ratios.get(ratios.size() / 2), ratios.get(0), ratios.get(ratios.size() - 1)));
            if (mode.equals("snapstart")) {
                List<Double> inv = new ArrayList<>();
                for (int i = 0; i < Math.min(a.size(), bs.size()); i++) {
                    inv.add(a.get(i).firstInvocationMs() / (double) bs.get(i).firstInvocationMs());
                }
                inv.sort(Double::compare);
                b.append(String.format(Locale.ROOT, "%s: first invocation after priming A/B, median paired ratio: %.2f%n", mode,
                        inv.get(inv.size() / 2)));
            }
        }
        b.append("\nAll runs (label init/1st/wall ms, peak RSS kB, CPU ms):\n");
        series.values().forEach(ms -> ms.forEach(m -> b.append(String.format(Locale.ROOT, "  %s %d/%d/%d %d %d%n", m.label(), m.initMs(),
                m.firstInvocationMs(), m.wallMs(), m.peakRssKb(), m.cpuMs()))));
        return b.toString();
    }

    static long median(List<LambdaJavaRuntime.Measurement> ms, ToLongFunction<LambdaJavaRuntime.Measurement> f) {
        long[] v = ms.stream().mapToLong(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    static Path candidateJar() throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Paths.get("target"), "function-*-lambda.jar")) {
            for (Path p : s) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no target/function-*-lambda.jar: run through 'verify' (the shade plugin runs at 'package')");
    }

    static Path baselineJar() {
        String p = System.getProperty("vrf.coldstart.baseline");
        if (p == null || p.isBlank() || !Files.isRegularFile(Path.of(p))) {
            throw new IllegalStateException("-Dvrf.coldstart.baseline=<jar> must name the baseline function jar (got " + p + "). Build it with: "
                    + "git worktree add /tmp/vrf-base f9f72c2 && (cd /tmp/vrf-base && scripts/with-jdk mvn -B -ntp -q -pl function -am "
                    + "package -DskipTests), then pass /tmp/vrf-base/function/target/function-0.1.0-SNAPSHOT-lambda.jar");
        }
        return Path.of(p).toAbsolutePath();
    }

    static Path events() {
        Path p = Paths.get("..", "events").toAbsolutePath().normalize();
        if (!Files.isRegularFile(p.resolve("aws.events-scheduled.json"))) {
            throw new IllegalStateException("events/ not found next to the function module: " + p);
        }
        return p;
    }
}
