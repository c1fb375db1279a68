package io.github.vpcroutefailover.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.DataPathCheck;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeClock;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeSleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A data path's counters outlive the hop under it. After a failure moved the route they stay UNHEALTHY until
 * {@code rise} passes through the new hop; a hop failing before that must still be handed over. And a path's probe
 * target is seeded with the counters its hop stored. A failure the planner has forgotten (older
 * than {@code forgetAfter}) must not make the loop think the path is already failed: it would never cross {@code fall}
 * again, and the hop failing now would never be handed over (the lab's health-only runs that did not recover: the
 * hop had failed two runs earlier, carried the route again, and its passes since fell inside {@code settle}).
 */
class ProbeDataPathCountersTest {
    private static final String PATH = "path|default-egress|rtb-0aaaaaaaaaaaaaaaa";
    private static final String AZ = "us-east-1a";

    private static CheckSpec.DataPath check() {
        return new CheckSpec.DataPath("egress-path", List.of("default-egress"), List.of(new DataPathCheck.Endpoint("tcp", "192.0.2.10", 443, null)),
                List.of(), Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMinutes(10), Duration.ofSeconds(2), 2, 2);
    }

    /** Runs 3 s of rounds against a hop whose data path fails, seeded UNHEALTHY as of {@code lastFailure}; returns the failed hand-overs. */
    private static long failedHandOvers(Duration lastFailureAgo, AtomicInteger probes) {
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        CheckState seed = new CheckState(Health.UNHEALTHY, 0, 5, start.minus(lastFailureAgo), start.minus(lastFailureAgo), "timed out");
        TargetState stored = new TargetState(PATH, Map.of(HealthEvaluator.stateKey("egress-path", AZ), seed), null, null, 3);
        RecordingTrigger trigger = new RecordingTrigger(() -> 0);
        try (ProbeLoop loop = ProbeLoop.builder().prober((address, c) -> {
                    probes.incrementAndGet();
                    return ProbeResult.fail(Duration.ZERO, "no answer (simulated)");
                }).settings(ProbeSettings.defaults()).clock(clock).sleeper(new FakeSleeper(clock)).trigger(trigger).probeAz(AZ).build()) {
            loop.run(List.of(new ProbeTarget(PATH, "via rtb-0aaaaaaaaaaaaaaaa", List.of(check()))), Map.of(PATH, stored), start.plusSeconds(3));
        }
        return trigger.calls.stream().filter(c -> c.kind() == RecordingTrigger.Kind.FAILED).count();
    }

    @Test
    void aPathSeededWithAFailureOlderThanForgetAfterIsHandedOverWhenItFailsNow() {
        AtomicInteger probes = new AtomicInteger();
        assertThat(failedHandOvers(Duration.ofMinutes(11), probes)).as("the stale failure is forgotten: fall is crossed again").isPositive();
        assertThat(probes).as("fall 2: the first probe and its confirmation").hasValueGreaterThanOrEqualTo(2);
    }

    @Test
    void aPathSeededWithAFreshFailureIsNotHandedOverAgain() {
        // Still within forgetAfter the planner holds the failure against the hop already: nothing new to hand over.
        AtomicInteger probes = new AtomicInteger();
        assertThat(failedHandOvers(Duration.ofMinutes(1), probes)).isZero();
        assertThat(probes).as("it is still probed").hasValueGreaterThanOrEqualTo(2);
    }

    /** Runs 5 s of rounds of an unseeded data path whose probes answer as {@code script} says (then fail); returns the failed hand-overs. */
    private static List<RecordingTrigger.Call> run(List<Boolean> script, AtomicInteger probes) {
        return run(script, probes, Duration.ofSeconds(5));
    }

    private static List<RecordingTrigger.Call> run(List<Boolean> script, AtomicInteger probes, Duration length) {
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        RecordingTrigger trigger = new RecordingTrigger(() -> (int) Duration.between(start, clock.instant()).toMillis());
        try (ProbeLoop loop = ProbeLoop.builder().prober((address, c) -> {
                    int n = probes.getAndIncrement();
                    return n < script.size() && script.get(n) ? ProbeResult.pass(Duration.ZERO, "HTTP 200 (simulated)")
                            : ProbeResult.fail(Duration.ZERO, "no answer (simulated)");
                }).settings(ProbeSettings.defaults()).clock(clock).sleeper(new FakeSleeper(clock)).trigger(trigger).probeAz(AZ).build()) {
            loop.run(List.of(new ProbeTarget(PATH, "via rtb-0aaaaaaaaaaaaaaaa", List.of(check()))), Map.of(), start.plus(length));
        }
        return trigger.calls.stream().filter(c -> c.kind() == RecordingTrigger.Kind.FAILED).toList();
    }

    @Test
    void aPathThatPassedAfterItsFailureAndFailsAgainBeforeRiseIsHandedOverAgain() {
        // fail, fail (fall: the route moves), pass (the new hop, one pass short of rise), then the new hop fails. Its
        // counters stayed UNHEALTHY from the old hop, so the new failures never crossed fall and were never handed over.
        AtomicInteger probes = new AtomicInteger();
        List<RecordingTrigger.Call> failed = run(List.of(false, false, true), probes);
        assertThat(failed).as("the first failure and the new hop's failure").hasSizeGreaterThanOrEqualTo(2);
        assertThat(failed.get(1).round()).as("handed over at the new failure's fast confirmation, 100 ms after the regular round at 2 s")
                .isEqualTo(2100);
    }

    @Test
    void aPathThatKeepsFailingIsHandedOverAgainOnlyWhileItsFailuresMayFallInSettle() {
        // The planner drops a path's results made within settle (2 s) after its route changed, so the failures handed
        // over at the crossing (0.1 s) may not count; the streak is handed over again at every fall-th failure up to
        // settle + fall x interval after it (2 s, 4 s), then no more: when the destination itself is down (the routes
        // stay) the path must not trigger a reconcile every round.
        AtomicInteger probes = new AtomicInteger();
        List<RecordingTrigger.Call> failed = run(List.of(), probes, Duration.ofSeconds(10));
        assertThat(failed).extracting(RecordingTrigger.Call::round).containsExactly(100, 2000, 4000);
        assertThat(probes).as("still probed every round").hasValueGreaterThanOrEqualTo(10);
    }
}
