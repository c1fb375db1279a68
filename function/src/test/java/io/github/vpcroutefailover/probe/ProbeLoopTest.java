// Just over 400 lines: the probe loop's schedule and hand-over cases share one fake clock, sleeper and prober.
package io.github.vpcroutefailover.probe;

import static io.github.vpcroutefailover.probe.ProbeFixtures.LOOPBACK;
import static io.github.vpcroutefailover.probe.ProbeFixtures.T0;
import static io.github.vpcroutefailover.probe.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.ProbeSample;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeClock;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeSleeper;
import io.github.vpcroutefailover.probe.ProbeFixtures.HangingListener;
import io.github.vpcroutefailover.probe.ProbeFixtures.TcpListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ProbeLoopTest {
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);
    private static CheckProber prober;

    @BeforeAll
    static void warmUp() {
        // As the handler does in the Lambda init phase: class loading must not eat the first probe's timeout.
        prober = new CheckProber();
        assertThat(prober.warmUp().passed()).isTrue();
    }

    @AfterAll
    static void closeProber() {
        prober.close();
    }

    private static ProbeLoop.Builder loop(FakeClock clock, Sleeper sleeper, FailoverTrigger trigger) {
        return ProbeLoop.builder().prober(prober).clock(clock).sleeper(sleeper).trigger(trigger)
                // Regular rounds only: these tests count probes per round. Fast confirmation: NoFlapSimulationTest.
                .settings(ProbeSettings.defaults().withInterval(ONE_SECOND).withConfirmSpacing(null)).probeAz("eu-west-1a");
    }

    private static void restart(TcpListener listener) {
        try {
            listener.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aKilledListenerFailsAfterExactlyFallProbesAndRecoversAfterExactlyRise() throws Exception {
        int rise = 2;
        int fall = 3;
        try (TcpListener listener = TcpListener.open()) {
            CheckSpec.Tcp check = tcp("nat-tcp", listener.port(), 500, 1000, rise, fall);
            FakeClock clock = FakeClock.fixed();
            // Rounds are numbered from 1; the sleeper runs between rounds, after `done` of them.
            FakeSleeper sleeper = new FakeSleeper(clock, done -> {
                if (done == 4) {
                    listener.kill();
                }
                if (done == 10) {
                    restart(listener);
                }
            });
            RecordingTrigger trigger = new RecordingTrigger(() -> sleeper.sleeps() + 1);

            ProbeRun run;
            try (ProbeLoop probe = loop(clock, sleeper, trigger).build()) {
                run = probe.run(List.of(new ProbeTarget("i-nat-a", LOOPBACK, List.of(check))), Map.of(), T0.plusSeconds(16));
            }

            // UNKNOWN -> HEALTHY after `rise` passes; killed after round 4 -> UNHEALTHY in round 4 + fall;
            // back after round 10 -> HEALTHY in round 10 + rise.
            assertThat(trigger.summary()).containsExactly("RECOVERED@2", "FAILED@" + (4 + fall), "RECOVERED@" + (10 + rise));
            RecordingTrigger.Call failed = trigger.calls.get(1);
            List<Observation> sinceRecovery = failed.observations();
            assertThat(sinceRecovery).extracting(Observation::passed).containsExactly(true, true, false, false, false);
            assertThat(sinceRecovery.get(4).detail()).isEqualTo("connection refused by 127.0.0.1:" + listener.port() + " (probe in eu-west-1a)");
            assertThat(trigger.calls.get(2).observations()).extracting(Observation::passed)
                    .containsExactly(false, false, false, true, true);

            assertThat(run.rounds()).isEqualTo(16);
            assertThat(run.probes("i-nat-a", "nat-tcp")).isEqualTo(16);
            assertThat(run.health("i-nat-a", "nat-tcp")).isEqualTo(Health.HEALTHY);
            // Nothing is lost or duplicated between the trigger calls and what is left for the caller to persist.
            List<Observation> all = new ArrayList<>(trigger.delivered());
            all.addAll(run.undelivered());
            assertThat(all).hasSize(16);
            assertThat(all).extracting(Observation::at).isSorted().doesNotHaveDuplicates();
            assertThat(all).allSatisfy(o -> {
                assertThat(o.source()).isEqualTo("probe");
                assertThat(o.hard()).isFalse();
                assertThat(o.targetKey()).isEqualTo("i-nat-a");
            });
            assertThat(run.undelivered()).hasSize(16 - 12);
        }
    }

    @Test
    void countersContinueFromTheStoredState() throws Exception {
        try (TcpListener listener = TcpListener.open()) {
            int port = listener.port();
            listener.kill();
            CheckSpec.Tcp check = tcp("nat-tcp", port, 500, 1000, 2, 3);
            FakeClock clock = FakeClock.fixed();
            FakeSleeper sleeper = new FakeSleeper(clock);
            RecordingTrigger trigger = new RecordingTrigger(() -> sleeper.sleeps() + 1);
            CheckState twoFailuresAlready = new CheckState(Health.HEALTHY, 0, 2, T0.minusSeconds(2), T0.minusSeconds(600), "refused");
            Map<String, TargetState> stored = Map.of("i-nat-a",
                    new TargetState("i-nat-a", Map.of("nat-tcp@eu-west-1a", twoFailuresAlready), null, T0.minusSeconds(600), 7));

            try (ProbeLoop probe = loop(clock, sleeper, trigger).build()) {
                probe.run(List.of(new ProbeTarget("i-nat-a", LOOPBACK, List.of(check))), stored, T0.plusSeconds(3));
            }

            assertThat(trigger.summary()).containsExactly("FAILED@1");
        }
    }

    @Test
    void httpChecksFailOnStatusAndTriggerLikeTcp() throws Exception {
        AtomicInteger status = new AtomicInteger(200);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0), 8);
        server.createContext("/healthz", ex -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            CheckSpec.Http check = new CheckSpec.Http("dns-http", "http", server.getAddress().getPort(), "/healthz", 200, "ok",
                    Duration.ofMillis(500), ONE_SECOND, 2, 3);
            FakeClock clock = FakeClock.fixed();
            FakeSleeper sleeper = new FakeSleeper(clock, done -> {
                if (done == 5) {
                    status.set(503);
                }
            });
            RecordingTrigger trigger = new RecordingTrigger(() -> sleeper.sleeps() + 1);

            try (ProbeLoop probe = loop(clock, sleeper, trigger).build()) {
                probe.run(List.of(new ProbeTarget("i-dns-1", LOOPBACK, List.of(check))), Map.of(), T0.plusSeconds(10));
            }

            assertThat(trigger.summary()).as(trigger.calls.toString()).containsExactly("RECOVERED@2", "FAILED@8");
            assertThat(trigger.calls.get(1).observations().getLast().detail()).startsWith("HTTP 503, expected 200");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aHangingTargetDoesNotCostTheOthersAnyRounds() throws Exception {
        ProbeRun run = runWithHangingTargets(8);

        assertThat(run.rounds()).isEqualTo(8);
        assertThat(run.skippedSlots()).isZero();
        assertThat(run.probes("i-good-1", "tcp")).isEqualTo(8);
        assertThat(run.probes("i-good-2", "tcp")).isEqualTo(8);
        assertThat(run.probes("i-hang-1", "tcp")).isEqualTo(8);
        assertThat(run.health("i-good-1", "tcp")).isEqualTo(Health.HEALTHY);
        assertThat(run.health("i-hang-1", "tcp")).isEqualTo(Health.UNHEALTHY);
    }

    /** The control for the test above: probing one at a time, the hanging targets do cost rounds. */
    @Test
    void probingOneAtATimeWouldLoseRounds() throws Exception {
        ProbeRun run = runWithHangingTargets(1);

        assertThat(run.rounds()).isLessThan(8);
        assertThat(run.skippedSlots()).isPositive();
        assertThat(run.probes("i-good-1", "tcp")).isLessThan(8);
    }

    /**
     * Three targets whose connects hang for their whole 400 ms timeout, two that answer, interval 1 s, 8 s budget.
     * The clock includes real elapsed time so the probes' real duration counts against the schedule; the sleeper
     * still skips the waiting. Sequentially a round would take 1.2 s and overrun its slot.
     */
    private static ProbeRun runWithHangingTargets(int maxConcurrency) throws Exception {
        try (TcpListener good = TcpListener.open(); HangingListener hanging = new HangingListener()) {
            FakeClock clock = FakeClock.plusRealTime();
            Instant start = clock.instant();
            List<ProbeTarget> targets = List.of(
                    new ProbeTarget("i-hang-1", LOOPBACK, List.of(tcp("tcp", hanging.port(), 400, 1000, 2, 2))),
                    new ProbeTarget("i-hang-2", LOOPBACK, List.of(tcp("tcp", hanging.port(), 400, 1000, 2, 2))),
                    new ProbeTarget("i-hang-3", LOOPBACK, List.of(tcp("tcp", hanging.port(), 400, 1000, 2, 2))),
                    new ProbeTarget("i-good-1", LOOPBACK, List.of(tcp("tcp", good.port(), 400, 1000, 2, 2))),
                    new ProbeTarget("i-good-2", LOOPBACK, List.of(tcp("tcp", good.port(), 400, 1000, 2, 2))));
            try (ProbeLoop probe = ProbeLoop.builder().prober(prober).clock(clock).sleeper(new FakeSleeper(clock))
                    .settings(ProbeSettings.defaults().withInterval(ONE_SECOND).withMaxConcurrency(maxConcurrency).withConfirmSpacing(null)).build()) {
                return probe.run(targets, Map.of(), start.plusSeconds(8));
            }
        }
    }

    @Test
    void stopsAtTheDeadline() {
        FakeClock clock = FakeClock.fixed();
        List<Instant> probedAt = new CopyOnWriteArrayList<>();
        Prober instant = (address, check) -> {
            probedAt.add(clock.instant());
            return ProbeResult.pass(Duration.ZERO, "ok");
        };
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober(instant).clock(clock).sleeper(new FakeSleeper(clock))
                .settings(ProbeSettings.defaults().withInterval(Duration.ofSeconds(2))).build()) {
            run = probe.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, 1000, 2000, 2, 3)))), Map.of(),
                    T0.plusSeconds(60));
        }

        assertThat(run.rounds()).isEqualTo(30);
        assertThat(run.stop()).isEqualTo(ProbeRun.Stop.DEADLINE);
        assertThat(probedAt).hasSize(30);
        assertThat(probedAt.getLast()).isEqualTo(T0.plusSeconds(58));
    }

    @Test
    void theDeadlineComesFromTheRemainingInvocationTime() {
        ProbeSettings settings = ProbeSettings.defaults();

        assertThat(settings.deadline(T0, Duration.ofSeconds(900))).isEqualTo(T0.plusSeconds(57));
        assertThat(settings.deadline(T0, Duration.ofSeconds(20))).isEqualTo(T0.plusSeconds(17));
    }

    @Test
    void checksWithALongerIntervalAreProbedInProportion() {
        FakeClock clock = FakeClock.fixed();
        Prober pass = (address, check) -> ProbeResult.pass(Duration.ZERO, "ok");
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober(pass).clock(clock).sleeper(new FakeSleeper(clock)).build()) {
            run = probe.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("fast", 22, 500, 1000, 2, 3), tcp("slow", 80, 500, 3000, 2, 3)))),
                    Map.of(), T0.plusSeconds(9));
        }

        // Interval defaults to the shortest check interval (1 s): slots 0..8.
        assertThat(run.rounds()).isEqualTo(9);
        assertThat(run.probes("i-a", "fast")).isEqualTo(9);
        assertThat(run.probes("i-a", "slow")).isEqualTo(3);
    }

    @Test
    void aTargetWithoutAnAddressFailsInsteadOfGoingSilent() {
        FakeClock clock = FakeClock.fixed();
        FakeSleeper sleeper = new FakeSleeper(clock);
        RecordingTrigger trigger = new RecordingTrigger(() -> sleeper.sleeps() + 1);
        Prober mustNotBeCalled = (address, check) -> {
            throw new AssertionError("probed " + address);
        };
        try (ProbeLoop probe = ProbeLoop.builder().prober(mustNotBeCalled).clock(clock).sleeper(sleeper).trigger(trigger).build()) {
            probe.run(List.of(new ProbeTarget("i-gone", null, List.of(tcp("tcp", 22, 500, 1000, 2, 2)))), Map.of(), T0.plusSeconds(5));
        }

        assertThat(trigger.summary()).containsExactly("FAILED@2");
        assertThat(trigger.calls.getFirst().observations().getFirst().detail()).contains("no private IP known");
    }

    @Test
    void aFailingTriggerIsRetriedWithTheSameObservationsAfterTheNextRound() {
        FakeClock clock = FakeClock.fixed();
        FakeSleeper sleeper = new FakeSleeper(clock);
        List<Integer> attempts = new ArrayList<>();
        List<List<Observation>> received = new ArrayList<>();
        FailoverTrigger flaky = FailoverTrigger.reconcileWith(observations -> {
            attempts.add(sleeper.sleeps() + 1);
            received.add(observations);
            if (attempts.size() <= 2) {
                throw new IllegalStateException("DynamoDB throttled");
            }
        });
        Prober refused = (address, check) -> ProbeResult.fail(Duration.ZERO, "connection refused");
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober(refused).clock(clock).sleeper(sleeper).trigger(flaky)
                .settings(ProbeSettings.defaults().withConfirmSpacing(null)).build()) { // counts regular rounds
            run = probe.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, 500, 1000, 2, 2)))), Map.of(), T0.plusSeconds(6));
        }

        // Crossed in round 2: tried at once and again at the end of that round, then after round 3.
        assertThat(attempts).containsExactly(2, 2, 3);
        assertThat(received.get(2)).hasSize(3);
        assertThat(run.failedCalls()).isEqualTo(1);
        assertThat(run.triggerErrors()).isEqualTo(2);
        assertThat(run.undelivered()).hasSize(6 - 3);
    }

    @Test
    void abandonsAProbeThatOverrunsItsTimeout() throws Exception {
        FakeClock clock = FakeClock.fixed();
        CountDownLatch never = new CountDownLatch(1);
        Prober stuck = (address, check) -> {
            try {
                never.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ProbeResult.pass(Duration.ZERO, "too late");
        };
        List<ProbeSample> samples = new CopyOnWriteArrayList<>();
        ProbeSettings settings = new ProbeSettings(ONE_SECOND, 4, Duration.ofSeconds(60), Duration.ZERO, Duration.ofMillis(100));
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober(stuck).clock(clock).sleeper(new FakeSleeper(clock))
                .metrics(samples::addAll).settings(settings).build()) {
            run = probe.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, 100, 1000, 2, 2)))), Map.of(), T0.plusSeconds(1));
        } finally {
            never.countDown();
        }

        assertThat(run.rounds()).isEqualTo(1);
        assertThat(samples).singleElement().satisfies(s -> {
            assertThat(s.result().passed()).isFalse();
            assertThat(s.result().detail()).isEqualTo("probe did not finish within 200 ms (abandoned)");
        });
    }

    @Test
    void publishesEveryProbeOncePerRoundAndSurvivesMetricsFailures() {
        FakeClock clock = FakeClock.fixed();
        List<Integer> batchSizes = new ArrayList<>();
        ProbeMetrics failing = samples -> {
            batchSizes.add(samples.size());
            throw new IllegalStateException("stdout closed");
        };
        Prober pass = (address, check) -> ProbeResult.pass(Duration.ofMillis(3), "ok");
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober(pass).clock(clock).sleeper(new FakeSleeper(clock)).metrics(failing).build()) {
            run = probe.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, 500, 1000, 2, 2))),
                    new ProbeTarget("i-b", "10.0.0.2", List.of(tcp("tcp", 22, 500, 1000, 2, 2)))), Map.of(), T0.plusSeconds(4));
        }

        assertThat(run.rounds()).isEqualTo(4);
        assertThat(batchSizes).containsExactly(2, 2, 2, 2);
    }

    @Test
    void stopsWhenInterrupted() {
        FakeClock clock = FakeClock.fixed();
        Sleeper interrupted = d -> {
            throw new InterruptedException("shutdown");
        };
        Prober pass = (address, check) -> ProbeResult.pass(Duration.ZERO, "ok");
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober(pass).clock(clock).sleeper(interrupted).build()) {
            run = probe.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, 500, 1000, 2, 2)))), Map.of(), T0.plusSeconds(60));
        } finally {
            assertThat(Thread.interrupted()).isTrue();
        }

        assertThat(run.rounds()).isEqualTo(1);
        assertThat(run.stop()).isEqualTo(ProbeRun.Stop.INTERRUPTED);
    }

    @Test
    void returnsAtOnceWithNothingToProbe() {
        FakeClock clock = FakeClock.fixed();
        FakeSleeper sleeper = new FakeSleeper(clock);
        ProbeRun run;
        try (ProbeLoop probe = ProbeLoop.builder().prober((address, check) -> ProbeResult.pass(Duration.ZERO, "ok")).clock(clock)
                .sleeper(sleeper).build()) {
            run = probe.run(List.of(), Map.of(), T0.plusSeconds(60));
        }

        assertThat(run.rounds()).isZero();
        assertThat(sleeper.sleeps()).isZero();
    }

    @Test
    void rejectsATargetListedTwice() {
        ProbeTarget a = new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, 500, 1000, 2, 2)));
        try (ProbeLoop probe = ProbeLoop.builder().prober((address, check) -> ProbeResult.pass(Duration.ZERO, "ok")).build()) {
            assertThatThrownBy(() -> probe.run(List.of(a, a), Map.of(), Instant.now().plusSeconds(5)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("i-a is listed twice");
        }
    }

    @Test
    void rejectsChecksTheProbeDoesNotRun() {
        assertThatThrownBy(() -> new ProbeTarget("i-a", "10.0.0.1", List.of(new CheckSpec.Ec2Status("ec2", true, 2, 3))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("check 'ec2' is not a tcp or http check");
    }
}
