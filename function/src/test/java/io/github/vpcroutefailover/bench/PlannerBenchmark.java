package io.github.vpcroutefailover.bench;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.domain.plan.Planner;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Planner cost at scale: 200 route tables x 50 managed routes (10,000 route keys) x 20 instance targets in three
 * zones, every route listing all 20 targets. Scenarios: {@code converged} (steady state: nothing to do, the common
 * case) and {@code zone-outage} (every target in one zone unhealthy: a third of the keys move).
 *
 * <p>Run: {@code mvn -B -ntp -pl function -am -Pbench -DskipTests test} (see docs/bench-planner.md).
 * Mode SampleTime reports the median (p0.50) per plan.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 10, time = 2)
@Fork(value = 1, jvmArgs = {"-Xms1g", "-Xmx1g"})
public class PlannerBenchmark {
    static final int TABLES = 200;
    static final int ROUTES = 50;
    static final int TARGETS = 20;
    static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @Param({"converged", "zone-outage"})
    public String scenario;

    private PlanInput input;
    private final Planner planner = new Planner();

    @Setup
    public void setUp() {
        input = build(scenario);
    }

    @Benchmark
    public Plan plan() {
        return planner.plan(input);
    }

    static String instanceId(int i) {
        return "i-0" + String.format("%016x", i + 1);
    }

    static String eniId(int i) {
        return "eni-0" + String.format("%016x", i + 1);
    }

    public static PlanInput build(String scenario) {
        StringBuilder y = new StringBuilder("version: 1\nvpc: vpc-0123456789abcdef0\nchecks:\n  tcp: {type: tcp, port: 22}\n  ec2: {type: ec2-status}\ntargets:\n");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < TARGETS; i++) {
            names.add("t" + i);
            y.append("  t").append(i).append(": {instance: ").append(instanceId(i)).append(", checks: [tcp, ec2]}\n");
        }
        y.append("routes:\n");
        for (int r = 0; r < ROUTES; r++) {
            List<String> order = new ArrayList<>(names.subList(r % TARGETS, TARGETS));
            order.addAll(names.subList(0, r % TARGETS));
            y.append("  - {name: r").append(r).append(", destination: 10.").append(r + 1).append(".0.0/16, routeTables: [{tags: {tier: private}}], targets: [")
                    .append(String.join(", ", order)).append("]}\n");
        }
        FailoverConfig config = ConfigLoader.parse(y.toString(), "bench");
        List<ObservedInstance> instances = new ArrayList<>();
        Map<String, TargetState> states = new HashMap<>();
        for (int i = 0; i < TARGETS; i++) {
            String zone = ZONES[i % ZONES.length];
            instances.add(new ObservedInstance(instanceId(i), "running", zone, NOW.minus(Duration.ofDays(i)), Map.of("role", "nat"),
                    List.of(new ObservedEni(eniId(i), instanceId(i), 0, zone, "subnet-x", "10.0.0." + (i + 10), false, "in-use")), false));
            Instant since = NOW.minus(Duration.ofHours(1));
            CheckState ok = new CheckState(Health.HEALTHY, 5, 0, since, since, "ok");
            states.put(instanceId(i), new TargetState(instanceId(i), Map.of("tcp", ok, "ec2", ok), null, since, 1));
        }
        Map<String, ObservedRouteTable> tables = new LinkedHashMap<>();
        for (int t = 0; t < TABLES; t++) {
            String id = "rtb-0" + String.format("%016x", t + 1);
            List<ObservedRoute> routes = new ArrayList<>();
            routes.add(new ObservedRoute(Destination.parse("10.0.0.0/16"), RouteTarget.gateway(TargetKind.GATEWAY, "local"), false, "CreateRouteTable"));
            tables.put(id, new ObservedRouteTable(id, config.vpcId(), Map.of("tier", "private"), Set.of("subnet-" + t), t == 0, ZONES[t % ZONES.length], routes));
        }
        PlanInput empty = new PlanInput(config, List.copyOf(tables.values()), instances, List.of(), states, Map.of(), NOW, Duration.ofMinutes(2));
        // Converge first: the steady state every later invocation sees.
        Plan initial = new Planner().plan(empty);
        for (RouteAction a : initial.actions()) {
            ObservedRouteTable t = tables.get(a.key().routeTableId());
            List<ObservedRoute> routes = new ArrayList<>(t.routes());
            routes.add(new ObservedRoute(a.key().destination(), a.to().target(), false, "CreateRoute"));
            tables.put(t.id(), new ObservedRouteTable(t.id(), t.vpcId(), t.tags(), t.subnetIds(), t.main(), t.zone(), routes));
        }
        if ("zone-outage".equals(scenario)) {
            for (int i = 0; i < TARGETS; i += ZONES.length) {
                CheckState down = new CheckState(Health.UNHEALTHY, 0, 3, NOW, NOW, "connect timed out after 1000 ms");
                states.put(instanceId(i), new TargetState(instanceId(i), Map.of("tcp", down, "ec2", down), null, null, 2));
            }
        }
        return new PlanInput(config, List.copyOf(tables.values()), instances, List.of(), states, Map.of(), NOW, Duration.ofMinutes(2));
    }
}
