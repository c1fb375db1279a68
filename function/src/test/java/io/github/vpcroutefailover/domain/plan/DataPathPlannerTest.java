package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.A;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.B;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.LONG_AGO;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.PRIVATE;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.RTB_A;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.RTB_B;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.key;
import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The data-path rules of the planner (docs/planner.md, "Data path"), on plain values: a hop whose own checks pass but
 * whose data path fails is failed for the route; a standby never tested is not held back; a failure through every
 * candidate (the destination is down) moves nothing and says so; old verdicts are forgotten.
 */
class DataPathPlannerTest {
    static final String DP = "egress-path";

    static World world(String failBack) {
        String yaml = PlannerFixtures.natConfig("{zoneAffinity: true, failBack: " + failBack + "}")
                .replace("  tcp: {type: tcp, port: 22}\n", "  tcp: {type: tcp, port: 22}\n"
                        + "  egress-path: {type: data-path, routes: [egress], endpoints: [\"tcp://198.19.1.200:80\"], interval: 1s, timeout: 500ms, rise: 2, fall: 2, forgetAfter: 5m}\n")
                .replace("    fallback: [nat-gw]\n", "");
        return new World(yaml)
                .table(RTB_A, "us-east-1a", PRIVATE).table(RTB_B, "us-east-1b", PRIVATE)
                .instance('a', "us-east-1a").instance('b', "us-east-1b")
                .healthy(A, LONG_AGO, "tcp").healthy(B, LONG_AGO, "tcp")
                .route(RTB_A, "0.0.0.0/0", hop('a')).route(RTB_B, "0.0.0.0/0", hop('b'));
    }

    /** Adds a data-path verdict (as seen from one AZ's probe) to a target's stored state. */
    static void dataPath(World w, String key, Health h, Instant lastAt) {
        TargetState s = w.states.get(key);
        Map<String, CheckState> checks = new HashMap<>(s.checks());
        checks.put(HealthEvaluator.stateKey(DP, "us-east-1a"), h == Health.HEALTHY
                ? new CheckState(Health.HEALTHY, 2, 0, lastAt, lastAt, "tcp://198.19.1.200:80: connected")
                : new CheckState(Health.UNHEALTHY, 0, 2, lastAt, lastAt, "data path failed, no endpoint answered"));
        w.states.put(key, new TargetState(key, checks, s.drain(), s.healthySince(), s.version()));
    }

    @Test
    void aHopWhoseOwnChecksPassButWhoseDataPathFailsLosesTheRouteToAnUntestedStandby() {
        World w = world("never");
        dataPath(w, A, Health.UNHEALTHY, NOW);
        Plan p = w.plan();
        assertThat(p.actions()).singleElement().satisfies(a -> {
            assertThat(a).isInstanceOf(RouteAction.Replace.class);
            assertThat(a.key()).isEqualTo(key(RTB_A));
            assertThat(((RouteAction.Replace) a).to().key()).isEqualTo(B);
            assertThat(a.reason()).contains("data path failed").contains("no endpoint answered");
        });
        assertThat(p.notes()).noneMatch(n -> n.message().contains(DataPathJudge.CORRELATED));
        RouteStatus a = p.routes().stream().filter(s -> s.key().equals(key(RTB_A))).findFirst().orElseThrow();
        assertThat(a.candidates()).anySatisfy(c -> {
            assertThat(c.candidate().key()).isEqualTo(A);
            assertThat(c.health()).isEqualTo(Health.UNHEALTHY);
            assertThat(c.detail()).startsWith("data path failed");
        });
    }

    @Test
    void whenTheDataPathFailsThroughEveryCandidateNothingMovesAndAWarningSaysWhy() {
        World w = world("never");
        dataPath(w, A, Health.UNHEALTHY, NOW);
        dataPath(w, B, Health.UNHEALTHY, NOW.minusSeconds(1));
        Plan p = w.plan();
        assertThat(p.actions()).as("no flap: the destination itself is down").isEmpty();
        assertThat(p.notes()).filteredOn(n -> n.level() == PlanNote.Level.WARN && n.message().startsWith(DataPathJudge.CORRELATED))
                .extracting(PlanNote::key).containsExactlyInAnyOrder(key(RTB_A), key(RTB_B));
        assertThat(p.routes()).allSatisfy(s -> {
            assertThat(s.reason()).contains(DataPathJudge.CORRELATED);
            assertThat(s.desired()).isEqualTo(s.current());
        });
    }

    @Test
    void aSingleCandidateWhoseDataPathFailsKeepsTheRoute() {
        World w = world("never");
        w.states.put(B, new TargetState(B, Map.of("tcp", new CheckState(Health.UNHEALTHY, 0, 3, NOW, NOW, "refused")), null, null, 0));
        dataPath(w, A, Health.UNHEALTHY, NOW);
        Plan p = w.plan();
        assertThat(p.actions()).as("nowhere better to go: table b moves to a, table a stays").singleElement()
                .satisfies(a -> assertThat(a.key()).isEqualTo(key(RTB_B)));
        assertThat(p.notes()).anyMatch(n -> n.message().startsWith(DataPathJudge.CORRELATED));
    }

    @Test
    void aDataPathFailureOlderThanForgetAfterNoLongerCounts() {
        World w = world("never");
        dataPath(w, A, Health.UNHEALTHY, NOW);
        // b failed its data path 6 minutes ago (forgetAfter 5m) and has not carried the route since: try it again.
        dataPath(w, B, Health.UNHEALTHY, NOW.minus(Duration.ofMinutes(6)));
        Plan p = w.plan();
        assertThat(p.actions()).singleElement().satisfies(a -> assertThat(((RouteAction.Replace) a).to().key()).isEqualTo(B));
        // ...but 4 minutes ago it still counts: both failed, nothing moves.
        World w2 = world("never");
        dataPath(w2, A, Health.UNHEALTHY, NOW);
        dataPath(w2, B, Health.UNHEALTHY, NOW.minus(Duration.ofMinutes(4)));
        assertThat(w2.plan().actions()).isEmpty();
    }

    @Test
    void noFailBackToAPreferredHopWhoseDataPathFails() {
        World w = world("{after: 1m}").route(RTB_A, "0.0.0.0/0", hop('b'));
        dataPath(w, A, Health.UNHEALTHY, NOW.minusSeconds(30));
        dataPath(w, B, Health.HEALTHY, NOW);
        assertThat(w.plan().actions()).as("a is healthy by its own checks for an hour, but its data path failed").isEmpty();
        World healed = world("{after: 1m}").route(RTB_A, "0.0.0.0/0", hop('b'));
        dataPath(healed, B, Health.HEALTHY, NOW);
        assertThat(healed.plan().actions()).as("control: without the data-path failure it fails back")
                .singleElement().satisfies(a -> assertThat(((RouteAction.Replace) a).to().key()).isEqualTo(A));
    }

    @Test
    void aPassingDataPathDoesNotMakeAnUnhealthyHopEligible() {
        World w = world("never");
        w.states.put(A, new TargetState(A, Map.of("tcp", new CheckState(Health.UNHEALTHY, 0, 3, NOW, NOW, "refused")), null, null, 0));
        dataPath(w, A, Health.HEALTHY, NOW);
        assertThat(w.plan().actions()).singleElement().satisfies(a -> assertThat(((RouteAction.Replace) a).to().key()).isEqualTo(B));
    }

    @Test
    void dataPathResultsDoNotDecideATargetsOwnHealthOrHealthySince() {
        CheckSpec tcp = new CheckSpec.Tcp("tcp", 22, Duration.ofMillis(300), Duration.ofSeconds(1), 2, 3);
        World w = world("never");
        CheckSpec.DataPath dp = (CheckSpec.DataPath) w.config.checks().get(DP);
        TargetState before = w.states.get(B);
        TargetState after = new HealthEvaluator().apply(before, Map.of("tcp", tcp, DP, dp), List.of(
                new Observation(B, HealthEvaluator.stateKey(DP, "us-east-1b"), false, false, NOW.minusSeconds(2), "probe", "x"),
                new Observation(B, HealthEvaluator.stateKey(DP, "us-east-1b"), false, false, NOW.minusSeconds(1), "probe", "x")), NOW);
        assertThat(after.checks().get(DP + "@us-east-1b").health()).isEqualTo(Health.UNHEALTHY);
        assertThat(after.healthySince()).as("still healthy by its own checks, since the same time").isEqualTo(LONG_AGO);
        // A standby with no data-path result at all is healthy by its own checks (never UNKNOWN for the missing verdict).
        TargetState fresh = new HealthEvaluator().apply(TargetState.initial(B), Map.of("tcp", tcp, DP, dp), List.of(
                new Observation(B, "tcp", true, false, NOW.minusSeconds(2), "probe", "ok"),
                new Observation(B, "tcp", true, false, NOW.minusSeconds(1), "probe", "ok")), NOW);
        assertThat(fresh.healthySince()).isEqualTo(NOW.minusSeconds(1));
    }

    // ---------------------------------------------------------------- attribution

    @Test
    void pathResultsAreAttributedToTheHopTheTableHoldsUnlessTheRouteJustChanged() {
        World w = world("never");
        String path = DataPaths.key("egress", RTB_A);
        Observation o = new Observation(path, DP + "@us-east-1a", false, false, NOW, "probe", "no answer");
        Observation other = new Observation(B, "tcp", true, false, NOW, "probe", "ok");

        List<Observation> out = DataPaths.attribute(List.of(o, other), w.config, w.tables.values(), Map.of());
        assertThat(out).extracting(Observation::targetKey).containsExactly(A, B);
        assertThat(out.get(0).check()).isEqualTo(DP + "@us-east-1a");
        assertThat(out.get(0).detail()).contains(RTB_A);

        Ownership changed = new Ownership(key(RTB_A), "egress", hop('a'), 3, Ownership.ClaimStatus.APPLIED, NOW.minusSeconds(1), "x", "r", null);
        assertThat(DataPaths.attribute(List.of(o), w.config, w.tables.values(), Map.of(key(RTB_A), changed)))
                .as("within settle (2s) of the change: the router may still have used the old hop").isEmpty();
        Ownership earlier = new Ownership(key(RTB_A), "egress", hop('a'), 3, Ownership.ClaimStatus.APPLIED, NOW.minusSeconds(3), "x", "r", null);
        assertThat(DataPaths.attribute(List.of(o), w.config, w.tables.values(), Map.of(key(RTB_A), earlier))).hasSize(1);
        Ownership pending = new Ownership(key(RTB_A), "egress", hop('b'), 4, Ownership.ClaimStatus.PENDING, NOW.minusSeconds(60), "x", "r", null);
        assertThat(DataPaths.attribute(List.of(o), w.config, w.tables.values(), Map.of(key(RTB_A), pending))).as("mid-change").isEmpty();

        World noRoute = world("never");
        noRoute.tables.put(RTB_A, World.applyTo(noRoute.tables.get(RTB_A),
                new RouteAction.Delete(key(RTB_A), "egress", hop('a'), "test", 0)));
        assertThat(DataPaths.attribute(List.of(o), noRoute.config, noRoute.tables.values(), Map.of())).isEmpty();
        Observation unknown = new Observation(DataPaths.key("nope", RTB_A), DP, false, false, NOW, "probe", "x");
        Observation garbage = new Observation("path|", DP, false, false, NOW, "probe", "x");
        assertThat(DataPaths.attribute(List.of(unknown, garbage), w.config, w.tables.values(), Map.of())).isEmpty();
    }

    @Test
    void aProbeTestsThePathsOfTheTablesInItsZonesWithThatTablesEndpoints() {
        World w = world("never");
        w.config = io.github.vpcroutefailover.config.ConfigLoader.parse(PlannerFixtures.natConfig("{}").replace("  tcp: {type: tcp, port: 22}\n", "  tcp: {type: tcp, port: 22}\n"
                + "  egress-path: {type: data-path, routes: [egress], endpoints: [\"tcp://198.19.1.200:80\"],"
                + " paths: [{zone: us-east-1b, endpoints: [\"tcp://198.19.1.201:80\"]}]}\n"), "t");
        List<DataPaths.Path> both = DataPaths.paths(w.config, w.tables.values(), Set.of("us-east-1a", "us-east-1b"));
        assertThat(both).extracting(DataPaths.Path::key).containsExactly(DataPaths.key("egress", RTB_A), DataPaths.key("egress", RTB_B));
        assertThat(both.get(0).boundCheck().endpoints()).extracting(Object::toString).containsExactly("tcp://198.19.1.200:80");
        assertThat(both.get(1).boundCheck().endpoints()).extracting(Object::toString).containsExactly("tcp://198.19.1.201:80");
        assertThat(both.get(1).hop().key()).isEqualTo(B);
        assertThat(DataPaths.paths(w.config, w.tables.values(), Set.of("us-east-1b"))).extracting(DataPaths.Path::key)
                .containsExactly(DataPaths.key("egress", RTB_B));
        assertThat(DataPaths.paths(w.config, w.tables.values(), Set.of())).isEmpty();
    }
}
