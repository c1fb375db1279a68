package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.DataPathPlannerTest.DP;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.A;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.B;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.RTB_A;
import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.key;
import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Ownership;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The drill rules on plain values: when a drill is refused, which standby it uses, how the probe's results are judged. */
class DrillsTest {
    static final Instant MOVED = NOW.minus(Duration.ofSeconds(10));

    private static RouteStatus tableA(World w) {
        return w.plan().routes().stream().filter(s -> s.key().equals(key(RTB_A))).findFirst().orElseThrow();
    }

    private static List<CheckSpec.DataPath> checks(World w) {
        return DataPaths.checksOf(w.config, "egress");
    }

    private static TargetState withPath(String key, CheckState st) {
        return new TargetState(key, Map.of(HealthEvaluator.stateKey(DP, "us-east-1a"), st), null, null, 1);
    }

    @Test
    void aHealthyPairIsDrilledFromItsHopToTheOtherNat() {
        World w = DataPathPlannerTest.world("never");
        RouteStatus s = tableA(w);
        assertThat(Drills.refusal(s, null, NOW)).isEmpty();
        assertThat(Drills.standby(s)).hasValueSatisfying(c -> assertThat(c.key()).isEqualTo(B));
    }

    @Test
    void anUnhealthyCandidateRefusesTheDrillNamingItAndWhy() {
        World w = DataPathPlannerTest.world("never").unhealthy(B, "tcp", "connection refused on port 22");
        assertThat(Drills.refusal(tableA(w), null, NOW)).hasValueSatisfying(r -> assertThat(r)
                .contains("no drill while a candidate").contains("nat-b is UNHEALTHY").contains("connection refused on port 22"));
    }

    @Test
    void aDrainedCandidateRefusesTheDrill() {
        World w = DataPathPlannerTest.world("never").drained(B);
        assertThat(Drills.refusal(tableA(w), null, NOW)).hasValueSatisfying(r -> assertThat(r).contains("nat-b is drained"));
    }

    @Test
    void aRunningDrillsPinRefusesASecondDrillAndAnOperatorPinSaysUnpinFirst() {
        World w = DataPathPlannerTest.world("never");
        Ownership drilling = owner(new Ownership.Pin(B, NOW.plusSeconds(60), false, "ops", Drills.PIN_PREFIX + "egress@x: to standby nat-b"));
        assertThat(Drills.refusal(tableA(w), drilling, NOW)).hasValueSatisfying(r -> assertThat(r).contains("a drill is already running"));
        Ownership pinned = owner(new Ownership.Pin(A, NOW.plusSeconds(60), false, "ops", "pin: kernel patch"));
        assertThat(Drills.refusal(tableA(w), pinned, NOW)).hasValueSatisfying(r -> assertThat(r).contains("unpin it first"));
        Ownership expired = owner(new Ownership.Pin(B, NOW.minusSeconds(1), false, "ops", Drills.PIN_PREFIX + "crashed"));
        assertThat(Drills.refusal(tableA(w), expired, NOW)).as("an expired drill pin (a crashed drill) blocks nothing").isEmpty();
    }

    @Test
    void aBlackholedRouteIsNotDrilled() {
        World w = DataPathPlannerTest.world("never").route(RTB_A, "0.0.0.0/0", hop('a'), true);
        assertThat(Drills.refusal(tableA(w), null, NOW)).hasValueSatisfying(r -> assertThat(r).contains("blackhole"));
    }

    @Test
    void theVerdictCountsOnlyResultsThroughTheStandbyAfterTheMove() {
        List<CheckSpec.DataPath> checks = checks(DataPathPlannerTest.world("never"));
        CheckState before = new CheckState(Health.HEALTHY, 5, 0, MOVED.minusSeconds(1), MOVED.minusSeconds(60), "connected");
        assertThat(Drills.verdict(checks, withPath(B, before), MOVED).outcome()).as("a pass from before the move proves nothing")
                .isEqualTo(Drills.Outcome.PENDING);
        assertThat(Drills.verdict(checks, null, MOVED).outcome()).isEqualTo(Drills.Outcome.PENDING);

        CheckState passed = new CheckState(Health.HEALTHY, 6, 0, MOVED.plusSeconds(2), MOVED.minusSeconds(60), "connected");
        Drills.Verdict pass = Drills.verdict(checks, withPath(B, passed), MOVED);
        assertThat(pass.outcome()).isEqualTo(Drills.Outcome.PASS);
        assertThat(pass.detail()).contains(DP + "@us-east-1a passed").contains("connected");

        CheckState oneMiss = new CheckState(Health.HEALTHY, 0, 1, MOVED.plusSeconds(2), MOVED.minusSeconds(60), "timed out");
        assertThat(Drills.verdict(checks, withPath(B, oneMiss), MOVED).outcome()).as("one miss: not yet failed (fall 2)")
                .isEqualTo(Drills.Outcome.PENDING);

        CheckState failed = new CheckState(Health.UNHEALTHY, 0, 2, MOVED.plusSeconds(3), MOVED.plusSeconds(3), "no endpoint answered");
        Drills.Verdict fail = Drills.verdict(checks, withPath(B, failed), MOVED);
        assertThat(fail.outcome()).isEqualTo(Drills.Outcome.FAIL);
        assertThat(fail.detail()).contains("failed through the standby").contains("no endpoint answered");
    }

    @Test
    void aRouteWithoutADataPathCheckCannotPass() {
        assertThat(Drills.verdict(List.of(), null, MOVED).outcome()).isEqualTo(Drills.Outcome.FAIL);
    }

    private static Ownership owner(Ownership.Pin pin) {
        return new Ownership(key(RTB_A), "egress", hop('a'), 4, Ownership.ClaimStatus.APPLIED, NOW.minusSeconds(600), "planner", "x", pin);
    }
}
