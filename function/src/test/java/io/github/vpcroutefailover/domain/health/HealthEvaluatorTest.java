package io.github.vpcroutefailover.domain.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HealthEvaluatorTest {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    final HealthEvaluator evaluator = new HealthEvaluator();
    final Map<String, CheckSpec> checks = Map.of(
            "tcp", new CheckSpec.Tcp("tcp", 22, Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 3),
            "ec2", new CheckSpec.Ec2Status("ec2", true, 1, 1));

    static Observation obs(String check, boolean passed, int second) {
        return new Observation("i-1", check, passed, false, T0.plusSeconds(second), "probe", passed ? "ok" : "connect refused");
    }

    static Observation hard(String check, int second) {
        return new Observation("i-1", check, false, true, T0.plusSeconds(second), "ec2", "instance stopped");
    }

    TargetState run(TargetState s, Observation... o) {
        return evaluator.apply(s, checks, List.of(o), T0.plusSeconds(3600));
    }

    Health tcp(TargetState s) {
        return s.checks().getOrDefault("tcp", CheckState.unknown()).health();
    }

    @Test
    void startsUnknownAndRisesAfterRiseConsecutivePasses() {
        TargetState s = TargetState.initial("i-1");
        assertThat(evaluator.health(s, List.of("tcp"))).isEqualTo(Health.UNKNOWN);
        s = run(s, obs("tcp", true, 1));
        assertThat(tcp(s)).isEqualTo(Health.UNKNOWN);
        s = run(s, obs("tcp", true, 2));
        assertThat(tcp(s)).isEqualTo(Health.HEALTHY);
        assertThat(s.checks().get("tcp").changedAt()).isEqualTo(T0.plusSeconds(2));
    }

    @Test
    void fallsAfterFallConsecutiveFailuresEvenFromUnknown() {
        TargetState s = run(TargetState.initial("i-1"), obs("tcp", false, 1), obs("tcp", false, 2));
        assertThat(tcp(s)).isEqualTo(Health.UNKNOWN);
        s = run(s, obs("tcp", false, 3));
        assertThat(tcp(s)).isEqualTo(Health.UNHEALTHY);
        assertThat(s.checks().get("tcp").failures()).isEqualTo(3);
        assertThat(s.checks().get("tcp").detail()).isEqualTo("connect refused");
    }

    @Test
    void aPassResetsTheFailureCountSoAlternationNeverFlips() {
        TargetState s = run(TargetState.initial("i-1"), obs("tcp", true, 1), obs("tcp", true, 2));
        for (int i = 3; i < 40; i += 3) {
            s = run(s, obs("tcp", false, i), obs("tcp", false, i + 1), obs("tcp", true, i + 2));
            assertThat(tcp(s)).isEqualTo(Health.HEALTHY);
        }
    }

    @Test
    void hardFailureIsImmediate() {
        TargetState s = run(TargetState.initial("i-1"), obs("tcp", true, 1), obs("tcp", true, 2));
        s = run(s, new Observation("i-1", "tcp", false, true, T0.plusSeconds(3), "agent", "draining"));
        assertThat(tcp(s)).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void duplicatesAndOutOfOrderObservationsAreHarmless() {
        TargetState once = run(TargetState.initial("i-1"), obs("tcp", false, 1), obs("tcp", false, 2), obs("tcp", false, 3));
        TargetState dup = run(TargetState.initial("i-1"), obs("tcp", false, 3), obs("tcp", false, 1), obs("tcp", false, 1),
                obs("tcp", false, 2), obs("tcp", false, 3));
        assertThat(dup).isEqualTo(once);
        // Redelivering old observations later changes nothing.
        assertThat(run(once, obs("tcp", true, 1), obs("tcp", true, 2), obs("tcp", true, 3))).isEqualTo(once);
    }

    @Test
    void anyDeliveryOrderGivesTheSameState() {
        List<Observation> all = new ArrayList<>();
        Random r = new Random(7);
        for (int i = 0; i < 60; i++) {
            all.add(obs(r.nextBoolean() ? "tcp" : "ec2", r.nextInt(4) > 0, r.nextInt(40)));
        }
        TargetState expected = evaluator.apply(TargetState.initial("i-1"), checks, all, T0.plusSeconds(100));
        for (int i = 0; i < 20; i++) {
            List<Observation> shuffled = new ArrayList<>(all);
            Collections.shuffle(shuffled, r);
            assertThat(evaluator.apply(TargetState.initial("i-1"), checks, shuffled, T0.plusSeconds(100))).isEqualTo(expected);
        }
    }

    @Test
    void targetHealthIsTheWorstOfItsChecks() {
        TargetState s = run(TargetState.initial("i-1"), obs("tcp", true, 1), obs("tcp", true, 2));
        assertThat(evaluator.health(s, List.of("tcp"))).isEqualTo(Health.HEALTHY);
        assertThat(evaluator.health(s, List.of("tcp", "ec2"))).as("ec2 never observed").isEqualTo(Health.UNKNOWN);
        s = run(s, hard("ec2", 3));
        assertThat(evaluator.health(s, List.of("tcp", "ec2"))).isEqualTo(Health.UNHEALTHY);
        assertThat(evaluator.health(s, List.of())).as("no checks: AWS runs it").isEqualTo(Health.HEALTHY);
    }

    @Test
    void healthySinceMarksWhenTheLastCheckTurnedHealthyAndClearsOnLeaving() {
        TargetState s = run(TargetState.initial("i-1"), obs("tcp", true, 1), obs("tcp", true, 2));
        assertThat(s.healthySince()).as("ec2 still unknown").isNull();
        s = run(s, obs("ec2", true, 10));
        assertThat(s.healthySince()).isEqualTo(T0.plusSeconds(10));
        s = run(s, obs("tcp", true, 20), obs("ec2", true, 21));
        assertThat(s.healthySince()).as("unchanged while healthy").isEqualTo(T0.plusSeconds(10));
        s = run(s, hard("ec2", 30));
        assertThat(s.healthySince()).isNull();
        s = run(s, obs("ec2", true, 40));
        assertThat(s.healthySince()).isEqualTo(T0.plusSeconds(40));
    }

    @Test
    void keepsDrainAndVersionAndIgnoresForeignChecksAndFarFutureObservations() {
        TargetState.Drain drain = new TargetState.Drain("ops", T0, "kernel patch");
        TargetState s = new TargetState("i-1", Map.of(), drain, null, 7);
        Instant now = T0.plusSeconds(60);
        s = evaluator.apply(s, checks, List.of(
                obs("other", false, 1),
                new Observation("i-1", "tcp", false, true, now.plus(Duration.ofHours(1)), "agent", "bad clock")), now);
        assertThat(s.drain()).isEqualTo(drain);
        assertThat(s.version()).isEqualTo(7);
        assertThat(s.checks()).isEmpty();
        // A sane observation still lands afterwards: the bogus one did not become lastAt.
        s = evaluator.apply(s, checks, List.of(hard("tcp", 30)), now);
        assertThat(tcp(s)).isEqualTo(Health.UNHEALTHY);
    }

    @Test
    void targetWithoutChecksIsHealthySinceNow() {
        TargetState s = evaluator.apply(TargetState.initial("nat-1"), Map.of(), List.of(), T0);
        assertThat(s.healthySince()).isEqualTo(T0);
        assertThat(evaluator.apply(s, Map.of(), List.of(), T0.plusSeconds(5)).healthySince()).isEqualTo(T0);
    }

    @Test
    void probeAzsKeepTheirOwnCountersAndAFailureFromAnyAzMakesTheCheckUnhealthy() {
        List<String> names = List.of("tcp", "ec2");
        TargetState s = run(TargetState.initial("i-1"), obs("ec2", true, 1),
                obs("tcp@az-a", true, 1), obs("tcp@az-b", true, 1), obs("tcp@az-a", true, 2), obs("tcp@az-b", true, 2));
        assertThat(evaluator.health(s, names)).isEqualTo(Health.HEALTHY);
        assertThat(s.healthySince()).isEqualTo(T0.plusSeconds(2));
        // AZ a cannot reach the target, AZ b can: interleaved, yet a's failures are not reset by b's passes (fall 3).
        s = run(s, obs("tcp@az-a", false, 3), obs("tcp@az-b", true, 3), obs("tcp@az-a", false, 4), obs("tcp@az-b", true, 4));
        assertThat(evaluator.health(s, names)).isEqualTo(Health.HEALTHY);
        s = run(s, obs("tcp@az-a", false, 5), obs("tcp@az-b", true, 5));
        assertThat(s.checks().get("tcp@az-a").health()).isEqualTo(Health.UNHEALTHY);
        assertThat(s.checks().get("tcp@az-b").health()).isEqualTo(Health.HEALTHY);
        assertThat(evaluator.health(s, names)).as("unreachable from one AZ's clients").isEqualTo(Health.UNHEALTHY);
        assertThat(s.healthySince()).isNull();
        // A new AZ's probe with no verdict yet leaves the check UNKNOWN, not HEALTHY.
        s = run(s, obs("tcp@az-a", true, 6), obs("tcp@az-a", true, 7), obs("tcp@az-c", true, 7));
        assertThat(evaluator.health(s, names)).isEqualTo(Health.UNKNOWN);
        assertThat(HealthEvaluator.statesOf(s, "tcp")).containsOnlyKeys("tcp@az-a", "tcp@az-b", "tcp@az-c");
        assertThat(HealthEvaluator.checkName("tcp@az-a")).isEqualTo("tcp");
        // Observations for an unknown check, with or without a vantage point, are ignored.
        assertThat(run(s, obs("nope@az-a", false, 8)).checks()).doesNotContainKey("nope@az-a");
    }
}
