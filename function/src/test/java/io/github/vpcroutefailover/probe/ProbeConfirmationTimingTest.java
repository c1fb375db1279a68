package io.github.vpcroutefailover.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeClock;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeSleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * When fast confirmation re-probes, on a simulated clock where a probe takes its real share of time: a timed-out
 * probe has already spent its timeout, so the confirmation spacing counts from the failed probe's START, not from its
 * end (a dead NAT that drops SYNs is what users meet most, and each confirmation used to add the spacing on top of
 * the timeout). A refused probe ends at once, so its confirmation still waits the whole spacing.
 */
class ProbeConfirmationTimingTest {
    private static final Duration SPACING = ProbeSettings.DEFAULT_CONFIRM_SPACING;

    /** A dead target: every probe fails after {@code takes} of (simulated) time; records when each probe started. */
    private static final class DeadTarget implements Prober {
        final FakeClock clock;
        final Duration takes;
        final List<Instant> starts = new CopyOnWriteArrayList<>();

        DeadTarget(FakeClock clock, Duration takes) {
            this.clock = clock;
            this.takes = takes;
        }

        @Override
        public ProbeResult probe(String address, CheckSpec check) {
            starts.add(clock.instant());
            clock.advance(takes);
            return ProbeResult.fail(takes, takes.isZero() ? "connection refused (simulated)" : "timed out (simulated)");
        }
    }

    /** Runs one dead target for 3 s of simulated rounds; returns (prober, simulated ms at the fall hand-over). */
    private static long fallAt(DeadTarget target, FakeClock clock, int fall) {
        return fallAt(target, clock, fall, 300);
    }

    private static long fallAt(DeadTarget target, FakeClock clock, int fall, long timeoutMs) {
        CheckSpec.Tcp check = ProbeFixtures.tcp("nat", 22, timeoutMs, 1000, 2, fall);
        Instant start = clock.instant();
        RecordingTrigger trigger = new RecordingTrigger(() -> (int) Duration.between(start, clock.instant()).toMillis());
        try (ProbeLoop loop = ProbeLoop.builder().prober(target).settings(ProbeSettings.defaults()).clock(clock)
                .sleeper(new FakeSleeper(clock)).trigger(trigger).build()) {
            loop.run(List.of(new ProbeTarget("i-0aaaaaaaaaaaaaaaa", "10.0.0.10", List.of(check))), Map.of(), start.plusSeconds(3));
        }
        assertThat(trigger.calls).as("the dead target is handed over once").hasSize(1);
        return trigger.calls.getFirst().round();
    }

    private static List<Long> startsMillis(DeadTarget target, Instant start) {
        return target.starts.stream().map(i -> Duration.between(start, i).toMillis()).toList();
    }

    @Test
    void aTimedOutProbeIsConfirmedAtOnceBecauseItsTimeoutAlreadySpannedTheSpacing() {
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        DeadTarget dropsSyns = new DeadTarget(clock, Duration.ofMillis(300));
        // fall 3: probes start at 0, 300 and 600 ms and the third ends at 900 ms. Counting the spacing from the end of
        // each timed-out probe started them at 0, 400 and (the third would end after the next regular round at
        // 1000 ms, so it waited for it) 1000 ms, handing over at 1300 ms.
        assertThat(fallAt(dropsSyns, clock, 3)).isEqualTo(900);
        assertThat(startsMillis(dropsSyns, start).subList(0, 3)).containsExactly(0L, 300L, 600L);
    }

    @Test
    void withFallTwoATimedOutProbeIsHandedOverOneTimeoutAfterTheFirst() {
        FakeClock clock = FakeClock.fixed();
        DeadTarget dropsSyns = new DeadTarget(clock, Duration.ofMillis(300));
        assertThat(fallAt(dropsSyns, clock, 2)).isEqualTo(600);
    }

    @Test
    void aRefusedProbeStillWaitsTheWholeSpacingBeforeItsConfirmation() {
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        DeadTarget refuses = new DeadTarget(clock, Duration.ZERO);
        assertThat(fallAt(refuses, clock, 3)).isEqualTo(2 * SPACING.toMillis());
        assertThat(startsMillis(refuses, start).subList(0, 3)).containsExactly(0L, SPACING.toMillis(), 2 * SPACING.toMillis());
    }

    @Test
    void aCheckWhoseLongTimeoutCannotConfirmBeforeTheNextRoundDoesNotHoldBackAFastOneFailingWithIt() {
        // A NAT that stops forwarding fails its tcp check (300 ms timeout) and a data-path-like check with a 950 ms
        // timeout in the same round, both refused at once. The slow one's confirmation (100 + 950 ms) would end after
        // the next regular round; the fast one's (100 + 300 ms) fits. It used to wait for the regular round at 1000 ms.
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        DeadTarget refuses = new DeadTarget(clock, Duration.ZERO);
        RecordingTrigger trigger = new RecordingTrigger(() -> (int) Duration.between(start, clock.instant()).toMillis());
        try (ProbeLoop loop = ProbeLoop.builder().prober(refuses).settings(ProbeSettings.defaults()).clock(clock)
                .sleeper(new FakeSleeper(clock)).trigger(trigger).build()) {
            loop.run(List.of(new ProbeTarget("i-0aaaaaaaaaaaaaaaa", "10.0.0.10", List.of(ProbeFixtures.tcp("fast", 22, 300, 1000, 2, 2),
                    ProbeFixtures.tcp("slow", 23, 950, 1000, 2, 2)))), Map.of(), start.plusSeconds(3));
        }
        assertThat(trigger.calls).as("handed over at the fast check's confirmation").isNotEmpty();
        assertThat(trigger.calls.getFirst().round()).isEqualTo(SPACING.toMillis());
    }

    @Test
    void aProbeSlowerThanTheSpacingButShorterThanItsTimeoutIsConfirmedWhenItEnds() {
        // A 60 ms failure (e.g. an HTTP 503 after a slow answer) with a 100 ms spacing: the next probe starts 100 ms
        // after the first started, not 160 ms.
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        DeadTarget slow = new DeadTarget(clock, Duration.ofMillis(60));
        fallAt(slow, clock, 3);
        assertThat(startsMillis(slow, start).subList(0, 3)).containsExactly(0L, 100L, 200L);
    }

    @Test
    void aConfirmationReachingPastTheNextRoundStartsWhenTheFailedProbeEndsInsteadOfWaitingForThatRound() {
        // The lab's forwarding-off fault: a data-path request with a 500 ms timeout, interval 1 s, fall 2. The first
        // probe times out at 500 ms; its confirmation (500 + 500 ms) ends exactly at the next regular round, so it
        // used to wait for that round and cross fall at 1500 ms: a whole interval lost.
        FakeClock clock = FakeClock.fixed();
        Instant start = clock.instant();
        DeadTarget dropsEverything = new DeadTarget(clock, Duration.ofMillis(500));
        assertThat(fallAt(dropsEverything, clock, 2, 500)).isEqualTo(1000);
        assertThat(startsMillis(dropsEverything, start).subList(0, 2)).containsExactly(0L, 500L);
    }

    @Test
    void aConfirmationStillRunningAtTheNextRoundDoesNotDelayThatRoundForTheOtherChecks() throws Exception {
        // nat-a's slow check fails (advancing the simulated clock 500 ms); its confirmation starts at 500 ms, advances the
        // clock to the next round (1000 ms) and then blocks in real time until nat-b's probe of that round has started.
        // The confirmation is left in flight: the round probes nat-b meanwhile and does not probe nat-a again. (A loop
        // that waited for the confirmation before the round would probe nat-b only after the latch's 5 s guard.)
        FakeClock clock = FakeClock.fixed();
        java.util.concurrent.CountDownLatch bProbedAgain = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicInteger slowProbes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger bProbes = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicBoolean bProbedWhileConfirming = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean confirming = new java.util.concurrent.atomic.AtomicBoolean();
        Prober prober = (address, check) -> {
            if (check.name().equals("slow")) {
                int n = slowProbes.incrementAndGet();
                clock.advance(Duration.ofMillis(500));
                if (n == 2) {
                    confirming.set(true);
                    try {
                        bProbedAgain.await(5, java.util.concurrent.TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    confirming.set(false);
                }
                return ProbeResult.fail(Duration.ofMillis(500), "timed out (simulated)");
            }
            if (bProbes.incrementAndGet() == 2) {
                bProbedWhileConfirming.set(confirming.get());
                bProbedAgain.countDown();
            }
            return ProbeResult.pass(Duration.ZERO, "ok");
        };
        Instant start = clock.instant();
        RecordingTrigger trigger = new RecordingTrigger(() -> (int) Duration.between(start, clock.instant()).toMillis());
        try (ProbeLoop loop = ProbeLoop.builder().prober(prober).settings(ProbeSettings.defaults()).clock(clock)
                .sleeper(new FakeSleeper(clock)).trigger(trigger).build()) {
            loop.run(List.of(new ProbeTarget("i-0aaaaaaaaaaaaaaaa", "10.0.0.10", List.of(ProbeFixtures.tcp("slow", 80, 500, 1000, 2, 2))),
                    new ProbeTarget("i-0bbbbbbbbbbbbbbbb", "10.0.0.11", List.of(ProbeFixtures.tcp("fast", 22, 300, 1000, 2, 2)))),
                    Map.of(), start.plusMillis(1900));
        }
        assertThat(bProbedWhileConfirming).as("nat-b's regular probe ran while nat-a's confirmation was still in flight").isTrue();
        assertThat(slowProbes).as("the round did not probe nat-a's check again while its confirmation ran").hasValue(2);
        List<RecordingTrigger.Call> failed = trigger.calls.stream().filter(c -> c.kind() == RecordingTrigger.Kind.FAILED).toList();
        assertThat(failed).as("nat-a handed over once, by its confirmation's result").hasSize(1);
        assertThat(failed.getFirst().observations()).anyMatch(o -> o.targetKey().equals("i-0aaaaaaaaaaaaaaaa") && !o.passed());
    }
}
