package io.github.vpcroutefailover.domain.plan;

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
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A mutable test world: config, tables, instances, health, ownership; {@link #input()} snapshots it. */
final class World {
    static final String VPC = "vpc-0123456789abcdef0";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Duration LEASE = Duration.ofMinutes(2);

    FailoverConfig config;
    final Map<String, ObservedRouteTable> tables = new LinkedHashMap<>();
    final Map<String, ObservedInstance> instances = new LinkedHashMap<>();
    final List<ObservedEni> enis = new ArrayList<>();
    final Map<String, TargetState> states = new HashMap<>();
    final Map<RouteKey, Ownership> ownership = new HashMap<>();
    Instant now = NOW;

    World(String yaml) {
        config = ConfigLoader.parse(yaml, "test");
    }

    /** "i-0a...a" for letter a: valid-looking ids from one letter. */
    static String instanceId(char c) {
        return "i-0" + String.valueOf(c).repeat(16);
    }

    static String eniId(char c) {
        return "eni-0" + String.valueOf(c).repeat(16);
    }

    static RouteTarget hop(char c) {
        return RouteTarget.eni(eniId(c), instanceId(c));
    }

    World table(String id, String zone, Map<String, String> tags) {
        tables.put(id, new ObservedRouteTable(id, VPC, tags, zone == null ? Set.of() : Set.of("subnet-" + id.substring(4)), false, zone,
                List.of(new ObservedRoute(Destination.parse("10.0.0.0/16"), RouteTarget.gateway(io.github.vpcroutefailover.domain.model.TargetKind.GATEWAY, "local"), false, "CreateRouteTable"))));
        return this;
    }

    World instance(char c, String zone) {
        return instance(c, zone, "running", Map.of(), Instant.EPOCH);
    }

    World instance(char c, String zone, String state, Map<String, String> tags, Instant launch) {
        ObservedEni eni = new ObservedEni(eniId(c), instanceId(c), 0, zone, "subnet-x", "10.0.0.1", false, "in-use");
        instances.put(instanceId(c), new ObservedInstance(instanceId(c), state, zone, launch, tags, List.of(eni), false));
        return this;
    }

    World route(String tableId, String destination, RouteTarget target) {
        return route(tableId, destination, target, false);
    }

    World route(String tableId, String destination, RouteTarget target, boolean blackhole) {
        ObservedRouteTable t = tables.get(tableId);
        Destination d = Destination.parse(destination);
        List<ObservedRoute> routes = new ArrayList<>(t.routes().stream().filter(r -> !r.destination().equals(d)).toList());
        routes.add(new ObservedRoute(d, target, blackhole, "CreateRoute"));
        tables.put(tableId, t.withRoutes(routes));
        return this;
    }

    /** Every listed check of the target healthy since {@code since}. */
    World healthy(String key, Instant since, String... checks) {
        Map<String, CheckState> cs = new HashMap<>();
        for (String c : checks) {
            cs.put(c, new CheckState(Health.HEALTHY, 2, 0, since, since, "ok"));
        }
        TargetState prev = states.get(key);
        states.put(key, new TargetState(key, cs, prev == null ? null : prev.drain(), since, 0));
        return this;
    }

    World unhealthy(String key, String check, String detail) {
        states.put(key, new TargetState(key, Map.of(check, new CheckState(Health.UNHEALTHY, 0, 3, now, now, detail)), null, null, 0));
        return this;
    }

    World drained(String key) {
        TargetState s = states.getOrDefault(key, TargetState.initial(key));
        states.put(key, new TargetState(key, s.checks(), new TargetState.Drain("ops", now, "kernel patch"), s.healthySince(), s.version()));
        return this;
    }

    World own(RouteKey key, Ownership o) {
        ownership.put(key, o);
        return this;
    }

    PlanInput input() {
        return new PlanInput(config, List.copyOf(tables.values()), List.copyOf(instances.values()), List.copyOf(enis), states, ownership, now, LEASE);
    }

    Plan plan() {
        return new Planner().plan(input());
    }

    /** Applies a plan's actions to the tables as EC2 would. */
    World apply(Plan plan) {
        for (RouteAction a : plan.actions()) {
            ObservedRouteTable t = tables.get(a.key().routeTableId());
            tables.put(t.id(), applyTo(t, a));
        }
        return this;
    }

    static ObservedRouteTable applyTo(ObservedRouteTable t, RouteAction a) {
        List<ObservedRoute> routes = new ArrayList<>(t.routes().stream().filter(r -> !r.destination().equals(a.key().destination())).toList());
        if (a.to() != null) {
            routes.add(new ObservedRoute(a.key().destination(), a.to().target(), false, "CreateRoute"));
        }
        return t.withRoutes(routes);
    }
}
