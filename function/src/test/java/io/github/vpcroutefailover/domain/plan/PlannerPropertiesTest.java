package io.github.vpcroutefailover.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Invariants of the planner over random configs, tables, health, claims and pins (each world is generated from a
 * seed, so a failure names a reproducible seed).
 *
 * <p>Worlds are consistent the way EC2 is: a route is a blackhole exactly when its instance is not running.
 *
 * <p>Safety invariant, exactly: after applying the plan, every managed route whose route has an eligible regular
 * candidate (HEALTHY by {@link HealthEvaluator}, not drained, instance running) points at an eligible candidate, except when
 * (a) a PENDING claim younger than the lease covers the key, (b) the route's holder is a candidate whose health is
 * UNKNOWN, not drained, and the route is not a blackhole (we never move routes on missing data), or (c) an active
 * forced pin names a candidate of the route. It must also not sit on a fallback then, unless an operator pinned it
 * there.
 */
class PlannerPropertiesTest {
    static final String VPC = World.VPC;
    static final String[] ZONES = {"us-east-1a", "us-east-1b", "us-east-1c"};
    static final String[] DESTINATIONS = {"0.0.0.0/0", "10.8.0.0/16", "192.168.7.0/24", "::/0", "pl-0123456789abcdef0"};
    static final RouteTarget NAT_GW = RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0cccccccccccccccc");
    static final RouteTarget STRANGER = RouteTarget.gateway(TargetKind.GATEWAY, "igw-0123456789abcdef0");
    final HealthEvaluator evaluator = new HealthEvaluator();

    static char letter(int i) {
        return (char) ('a' + i);
    }

    static World randomWorld(long seed) {
        Random r = new Random(seed);
        int nInstances = 2 + r.nextInt(4);
        StringBuilder y = new StringBuilder("version: 1\nvpc: " + VPC + "\nchecks:\n");
        y.append("  tcp: {type: tcp, port: 22, rise: ").append(1 + r.nextInt(3)).append(", fall: ").append(1 + r.nextInt(3)).append("}\n");
        y.append("  ec2: {type: ec2-status}\n");
        y.append("targets:\n");
        for (int i = 0; i < nInstances; i++) {
            String checks = switch (r.nextInt(3)) {
                case 0 -> "[tcp]";
                case 1 -> "[ec2]";
                default -> "[tcp, ec2]";
            };
            y.append("  t").append(i).append(": {instance: ").append(World.instanceId(letter(i))).append(", checks: ").append(checks).append("}\n");
        }
        y.append("  gw: {natGateway: nat-0cccccccccccccccc}\n");
        y.append("routes:\n");
        List<String> dests = new ArrayList<>(List.of(DESTINATIONS));
        Collections.shuffle(dests, r);
        int nRoutes = 1 + r.nextInt(3);
        for (int k = 0; k < nRoutes; k++) {
            String dest = dests.get(k);
            List<String> selectors = new ArrayList<>(List.of("{tags: {tier: private}}", "{tags: {tier: public}}", "{main: true, optional: true}"));
            Collections.shuffle(selectors, r);
            List<String> targets = new ArrayList<>();
            for (int i = 0; i < nInstances; i++) {
                targets.add("t" + i);
            }
            Collections.shuffle(targets, r);
            targets = targets.subList(0, 1 + r.nextInt(nInstances));
            boolean fallback = !dest.equals("::/0") && r.nextBoolean();
            List<String> when = new ArrayList<>(List.of("keep", "withdraw"));
            if (fallback) {
                when.add("fallback");
            }
            y.append("  - name: r").append(k).append("\n");
            y.append("    destination: \"").append(dest).append("\"\n");
            y.append("    routeTables: [").append(String.join(", ", selectors.subList(0, 1 + r.nextInt(2)))).append("]\n");
            y.append("    targets: [").append(String.join(", ", targets)).append("]\n");
            if (fallback) {
                y.append("    fallback: [gw]\n");
            }
            y.append("    policy: {zoneAffinity: ").append(r.nextBoolean()).append(", preempt: ").append(r.nextInt(4) > 0)
                    .append(", failBack: ").append(r.nextInt(4) == 0 ? "never" : "{after: " + (1 + r.nextInt(5)) + "m}")
                    .append(", whenNoneHealthy: ").append(when.get(r.nextInt(when.size()))).append("}\n");
        }
        World w = new World(y.toString());

        Set<Character> stopped = new java.util.HashSet<>();
        for (int i = 0; i < nInstances + 1; i++) { // one extra instance that no target names
            boolean running = r.nextInt(6) > 0;
            if (!running) {
                stopped.add(letter(i));
            }
            w.instance(letter(i), ZONES[r.nextInt(ZONES.length)], running ? "running" : "stopped", Map.of(), Instant.EPOCH);
        }
        int nTables = 1 + r.nextInt(6);
        for (int t = 0; t < nTables; t++) {
            String id = "rtb-0" + String.format("%016x", t + 1);
            String zone = r.nextInt(5) == 0 ? null : ZONES[r.nextInt(ZONES.length)];
            String vpc = r.nextInt(10) == 0 ? "vpc-0999999999999999f" : VPC;
            List<ObservedRoute> routes = new ArrayList<>();
            routes.add(new ObservedRoute(Destination.parse("10.0.0.0/16"), RouteTarget.gateway(TargetKind.GATEWAY, "local"), false, "CreateRouteTable"));
            for (String d : DESTINATIONS) {
                int pick = r.nextInt(8);
                char who = letter(r.nextInt(nInstances + 1));
                RouteTarget target = switch (pick) {
                    case 0, 1 -> null;
                    case 2 -> NAT_GW;
                    case 3 -> STRANGER;
                    default -> World.hop(who);
                };
                if (target != null) {
                    boolean propagated = r.nextInt(15) == 0;
                    // As EC2 does: a route to an instance that is not running is a blackhole, and only such a route.
                    boolean blackhole = pick >= 4 && stopped.contains(who);
                    routes.add(new ObservedRoute(Destination.parse(d), target, blackhole, propagated ? "EnableVgwRoutePropagation" : "CreateRoute"));
                }
            }
            w.tables.put(id, new ObservedRouteTable(id, vpc, Map.of("tier", r.nextBoolean() ? "private" : "public"), Set.of(), t == 0, zone, routes));
        }
        for (int i = 0; i < nInstances + 1; i++) {
            String key = World.instanceId(letter(i));
            Map<String, CheckState> checks = new HashMap<>();
            Instant since = w.now.minusSeconds(r.nextInt(1200));
            for (String c : List.of("tcp", "ec2")) {
                Health h = Health.values()[r.nextInt(3)];
                if (r.nextInt(3) > 0) {
                    h = Health.HEALTHY; // mostly healthy, so that there is something to route to
                }
                checks.put(c, new CheckState(h, h == Health.HEALTHY ? 3 : 0, h == Health.UNHEALTHY ? 3 : 0, since, since, h.name()));
            }
            TargetState.Drain drain = r.nextInt(7) == 0 ? new TargetState.Drain("ops", w.now, "patching") : null;
            boolean allHealthy = checks.values().stream().allMatch(c -> c.health() == Health.HEALTHY);
            w.states.put(key, new TargetState(key, checks, drain, allHealthy ? since : null, 1));
        }
        for (ObservedRouteTable t : w.tables.values()) {
            for (String d : DESTINATIONS) {
                RouteKey key = new RouteKey(t.id(), Destination.parse(d));
                int pick = r.nextInt(10);
                if (pick == 0) {
                    w.own(key, new Ownership(key, "r0", null, 3, Ownership.ClaimStatus.PENDING, w.now.minusSeconds(r.nextInt(240)), "other", "x", null));
                } else if (pick == 1) {
                    String target = r.nextBoolean() ? World.instanceId(letter(r.nextInt(nInstances + 1))) : NAT_GW.id();
                    w.own(key, new Ownership(key, "r0", null, 5, Ownership.ClaimStatus.APPLIED, w.now.minusSeconds(600), "me", "x",
                            new Ownership.Pin(target, w.now.plusSeconds(r.nextInt(120) - 60), r.nextBoolean(), "alice", "test")));
                }
            }
        }
        return w;
    }

    /** Independently of the planner: HEALTHY by the evaluator, not drained, and (for instances) running. */
    boolean eligible(World w, Candidate c) {
        TargetState s = w.states.get(c.key());
        return health(w, c) == Health.HEALTHY && (s == null || !s.drained());
    }

    Health health(World w, Candidate c) {
        var instance = c.target().instanceId() == null ? null : w.instances.get(c.target().instanceId());
        if (instance != null && !instance.running()) {
            return Health.UNHEALTHY;
        }
        TargetState s = w.states.get(c.key());
        return evaluator.health(s == null ? TargetState.initial(c.key()) : s, c.checks());
    }

    boolean freshClaim(World w, RouteKey k) {
        Ownership o = w.ownership.get(k);
        // Any PENDING claim: in flight, or abandoned and left to the reconciler's repair (which runs before planning).
        return o != null && o.status() == Ownership.ClaimStatus.PENDING;
    }

    Ownership.Pin activePin(World w, RouteKey k) {
        Ownership o = w.ownership.get(k);
        return o == null || o.pin() == null || !o.pin().activeAt(w.now) ? null : o.pin();
    }

    @Property(tries = 400)
    void neverRoutesToAnIneligibleTargetWhileAnEligibleOneExists(@ForAll long seed) {
        World w = randomWorld(seed);
        Plan plan = w.plan();
        Map<String, ObservedRouteTable> before = Map.copyOf(w.tables);
        w.apply(plan);
        for (RouteStatus s : plan.routes()) {
            List<Candidate> cands = s.candidates().stream().map(RouteStatus.CandidateHealth::candidate).toList();
            boolean anyEligible = cands.stream().filter(c -> !c.fallback()).anyMatch(c -> eligible(w, c));
            if (!anyEligible || freshClaim(w, s.key())) {
                continue;
            }
            Ownership.Pin pin = activePin(w, s.key());
            if (pin != null && pin.force() && cands.stream().anyMatch(c -> c.key().equals(pin.targetKey()) || c.target().id().equals(pin.targetKey()))) {
                continue;
            }
            ObservedRoute old = before.get(s.key().routeTableId()).route(s.key().destination()).orElse(null);
            Candidate oldHolder = old == null ? null : cands.stream().filter(c -> c.target().sameHopAs(old.target())).findFirst().orElse(null);
            if (old != null && !old.blackhole() && oldHolder != null && health(w, oldHolder) == Health.UNKNOWN
                    && !w.states.getOrDefault(oldHolder.key(), TargetState.initial("x")).drained()) {
                continue;
            }
            ObservedRoute now = w.tables.get(s.key().routeTableId()).route(s.key().destination()).orElse(null);
            assertThat(now).as("seed %d, %s: %s", seed, s.key(), s.reason()).isNotNull();
            Candidate holder = cands.stream().filter(c -> c.target().sameHopAs(now.target())).findFirst().orElse(null);
            assertThat(holder).as("seed %d, %s points at a candidate: %s", seed, s.key(), s.reason()).isNotNull();
            assertThat(eligible(w, holder)).as("seed %d, %s -> %s eligible: %s", seed, s.key(), holder, s.reason()).isTrue();
            if (pin == null) {
                assertThat(holder.fallback()).as("seed %d, %s on a fallback while a candidate is eligible: %s", seed, s.key(), s.reason()).isFalse();
            }
        }
    }

    @Property(tries = 400)
    void actsOnlyOnManagedMutableKeysOfTheConfiguredVpc(@ForAll long seed) {
        World w = randomWorld(seed);
        Plan plan = w.plan();
        Set<Destination> configured = new java.util.HashSet<>(w.config.routes().stream().map(RouteSpec::destination).toList());
        Set<RouteKey> managed = new java.util.HashSet<>(plan.routes().stream().map(RouteStatus::key).toList());
        for (RouteAction a : plan.actions()) {
            ObservedRouteTable t = w.tables.get(a.key().routeTableId());
            assertThat(t.vpcId()).isEqualTo(VPC);
            assertThat(configured).contains(a.key().destination());
            assertThat(managed).contains(a.key());
            t.route(a.key().destination()).ifPresent(r -> assertThat(r.isImmutable()).as("seed %d: touched %s", seed, r).isFalse());
            assertThat(freshClaim(w, a.key())).isFalse();
        }
        assertThat(plan.actions()).extracting(RouteAction::key).doesNotHaveDuplicates();
        for (RouteStatus s : plan.routes()) {
            assertThat(w.tables.get(s.key().routeTableId()).route(s.key().destination()).map(ObservedRoute::isImmutable).orElse(false)).isFalse();
        }
    }

    @Property(tries = 300)
    void deterministicForEqualAndShuffledInputs(@ForAll long seed) {
        World w = randomWorld(seed);
        PlanInput in = w.input();
        Plan first = new Planner().plan(in);
        assertThat(new Planner().plan(in)).isEqualTo(first);
        Random r = new Random(seed);
        List<ObservedRouteTable> tables = new ArrayList<>(in.tables());
        Collections.shuffle(tables, r);
        var instances = new ArrayList<>(in.instances());
        Collections.shuffle(instances, r);
        PlanInput shuffled = new PlanInput(in.config(), tables, instances, in.enis(), new HashMap<>(in.targetStates()),
                new HashMap<>(in.ownership()), in.now(), in.claimLease());
        assertThat(new Planner().plan(shuffled)).isEqualTo(first);
    }

    @Property(tries = 400)
    void idempotentOnceApplied(@ForAll long seed) {
        World w = randomWorld(seed);
        Plan plan = w.plan();
        net.jqwik.api.statistics.Statistics.label("actions").collect(plan.actions().isEmpty() ? "none" : plan.actions().size() > 3 ? ">3" : "1-3");
        net.jqwik.api.statistics.Statistics.label("kinds").collect(plan.actions().stream().map(a -> a.getClass().getSimpleName()).distinct().sorted().toList().toString());
        Plan again = w.apply(plan).plan();
        assertThat(again.actions()).as("seed %d: first %s", seed, plan.actions()).isEmpty();
    }

    @Property(tries = 400)
    void failBackNeverBeforeHoldTime(@ForAll long seed) {
        World w = randomWorld(seed);
        Plan plan = w.plan();
        for (RouteAction a : plan.actions()) {
            if (!(a instanceof RouteAction.Replace rep) || activePin(w, a.key()) != null) {
                continue;
            }
            RouteSpec spec = w.config.route(a.routeName()).orElseThrow();
            RouteStatus s = plan.routes().stream().filter(x -> x.key().equals(a.key())).findFirst().orElseThrow();
            Candidate from = s.candidates().stream().map(RouteStatus.CandidateHealth::candidate)
                    .filter(c -> c.target().sameHopAs(rep.from())).findFirst().orElse(null);
            boolean blackhole = s.blackhole();
            if (from == null || blackhole || from.fallback() || !eligible(w, from)) {
                continue;
            }
            // Moving away from an eligible regular holder is a fail-back: it needs preempt, failBack and the hold.
            RoutePolicy p = spec.policy();
            assertThat(p.preempt() && p.failBack().enabled()).as("seed %d: %s", seed, a.reason()).isTrue();
            Instant since = w.states.get(a.to().key()).healthySince();
            assertThat(since).isBeforeOrEqualTo(w.now.minus(p.failBack().holdTime()));
            assertThat(a.reason()).startsWith("fail back to");
        }
    }

    /**
     * Drives HealthEvaluator and Planner together: starting converged and healthy, each target sees bursts of fewer
     * than {@code fall} failures between passes (and a recovering one fewer than {@code rise} passes between
     * failures); no route may change.
     */
    @Property(tries = 200)
    void noFlappingOnSubThresholdNoise(@ForAll @IntRange(min = 1, max = 5) int rise, @ForAll @IntRange(min = 2, max = 5) int fall,
                                       @ForAll long seed) {
        Random r = new Random(seed);
        World w = PlannerFixtures.natConverged("{failBack: {after: 1m}}");
        w.config = new World(PlannerFixtures.natConfig("{failBack: {after: 1m}}")
                .replace("tcp: {type: tcp, port: 22}", "tcp: {type: tcp, port: 22, rise: " + rise + ", fall: " + fall + "}")).config;
        Map<String, CheckSpec> checks = Map.of("tcp", w.config.checks().get("tcp"));
        String a = World.instanceId('a');
        String b = World.instanceId('b');
        String c = World.instanceId('c');
        // c is unhealthy and the rtb-a route is on b (a is down too): c must not come back on fewer than rise passes.
        w.route(PlannerFixtures.RTB_A, "0.0.0.0/0", World.hop('b'));
        w.unhealthy(a, "tcp", "down").unhealthy(c, "tcp", "down");
        Instant t = w.now;
        for (int step = 0; step < 40; step++) {
            List<Observation> obsB = new ArrayList<>();
            List<Observation> obsA = new ArrayList<>();
            int failures = r.nextInt(fall); // < fall
            for (int i = 0; i < failures; i++) {
                t = t.plusSeconds(2);
                obsB.add(new Observation(b, "tcp", false, false, t, "probe", "timeout"));
            }
            t = t.plusSeconds(2);
            obsB.add(new Observation(b, "tcp", true, false, t, "probe", "ok"));
            int passes = r.nextInt(rise); // < rise
            for (int i = 0; i < passes; i++) {
                t = t.plusSeconds(2);
                obsA.add(new Observation(a, "tcp", true, false, t, "probe", "ok"));
            }
            t = t.plusSeconds(2);
            obsA.add(new Observation(a, "tcp", false, false, t, "probe", "timeout"));
            w.now = t;
            w.states.put(b, evaluator.apply(w.states.get(b), checks, obsB, t));
            w.states.put(a, evaluator.apply(w.states.get(a), checks, obsA, t));
            Plan p = w.plan();
            assertThat(p.actions()).as("step %d rise %d fall %d", step, rise, fall).isEmpty();
        }
    }
}
