package io.github.vpcroutefailover.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.net.TcpProber;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeClock;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeSleeper;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * "Without flapping", on a simulated clock: the real {@link ProbeLoop} (rounds, fast confirmation, rise/fall) at the
 * DEFAULT settings (a {@code type: tcp} check with nothing else set, {@link ProbeSettings#defaults()}), probing a
 * healthy target through a lossy, jittery network for two simulated hours (7,200 regular rounds). A spurious failover
 * is any {@code targetsFailed} hand-over for that healthy target.
 *
 * <p>The network model ({@link LossyNetwork}) is what {@code net.TcpProber} sees: every handshake loses its SYN or its
 * SYN-ACK with the packet-loss probability each, independently; its round trip is 0.2 ms plus exponential jitter (mean
 * 1 ms); one probe in 500 starts inside a stall of the host (CPU or softirq starved) lasting 50-400 ms, during which no
 * handshake completes. Handshakes are made as {@code TcpProber} makes them ({@link Handshakes#HEDGED}: a new one every
 * timeout/{@value TcpProber#DEFAULT_ATTEMPTS} while none has answered, all under the one timeout), or as it made them
 * before ({@link Handshakes#SEQUENTIAL}: two in a row, each with half the timeout), for comparison.
 */
class NoFlapSimulationTest {
    static final int ROUNDS = 7_200;

    /** How one probe spends its timeout on handshakes. */
    enum Handshakes {
        HEDGED, SEQUENTIAL
    }

    /** The defaults as a user gets them: only type and port written. */
    static CheckSpec.Tcp defaultTcpCheck() {
        FailoverConfig config = ConfigLoader.parse("""
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  nat-tcp: {type: tcp, port: 22}
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [nat-tcp], sourceDestCheck: ignore}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a]
                """, "defaults.yaml");
        return (CheckSpec.Tcp) config.checks().get("nat-tcp");
    }

    /** A simulated network between the probe and one target. */
    static final class LossyNetwork implements Prober {
        final double loss;
        final Handshakes how;
        final SplittableRandom random;
        final AtomicLong probes = new AtomicLong();
        final AtomicLong handshakes = new AtomicLong();
        final AtomicLong lostHandshakes = new AtomicLong();
        final AtomicLong passedOnALaterAttempt = new AtomicLong();
        final AtomicLong failedProbes = new AtomicLong();

        LossyNetwork(double loss, Handshakes how, long seed) {
            this.loss = loss;
            this.how = how;
            this.random = new SplittableRandom(seed);
        }

        @Override
        public synchronized ProbeResult probe(String address, CheckSpec check) {
            probes.incrementAndGet();
            long timeout = Prober.timeoutOf(((CheckSpec.Tcp) check).timeout()).toNanos() / 1000;
            long stallEnd = random.nextInt(500) == 0 ? 50_000 + random.nextLong(350_000) : 0;
            int attempts = how == Handshakes.HEDGED ? TcpProber.DEFAULT_ATTEMPTS : 2;
            long best = Long.MAX_VALUE;
            int winner = 0;
            for (int i = 0; i < attempts; i++) {
                // Hedged: started every timeout/attempts, each lives to the one deadline. Sequential: the second starts
                // when the first's half of the timeout ran out.
                long start = how == Handshakes.HEDGED ? i * (timeout / attempts) : i * (timeout / 2);
                long end = how == Handshakes.HEDGED ? timeout : (i == 0 ? timeout / 2 : timeout);
                if (start >= best) {
                    break;
                }
                handshakes.incrementAndGet();
                boolean lost = random.nextDouble() < loss || random.nextDouble() < loss;
                long rtt = 200 + (long) (-1000 * Math.log(1 - random.nextDouble()));
                long done = Math.max(start + rtt, stallEnd);
                if (lost || done > end) {
                    lostHandshakes.incrementAndGet();
                } else if (done < best) {
                    best = done;
                    winner = i + 1;
                }
            }
            if (best <= timeout) {
                if (winner > 1) {
                    passedOnALaterAttempt.incrementAndGet();
                }
                return ProbeResult.pass(Duration.ofNanos(best * 1000), "connected (simulated, attempt " + winner + ")");
            }
            failedProbes.incrementAndGet();
            return ProbeResult.fail(Duration.ofNanos(timeout * 1000), "timed out (simulated)");
        }

        String counts(double percent, ProbeRun run, long spurious) {
            return String.format(java.util.Locale.ROOT, "%s, %.0f%% loss: %d rounds, %d probes, %d handshakes (%d lost or late),"
                    + " %d passed on a later handshake, %d failed probes, %d spurious failovers", how, percent, run.rounds(), probes.get(),
                    handshakes.get(), lostHandshakes.get(), passedOnALaterAttempt.get(), failedProbes.get(), spurious);
        }
    }

    record Outcome(ProbeRun run, RecordingTrigger trigger, LossyNetwork network) {
        long spuriousFailovers() {
            return trigger.calls.stream().filter(c -> c.kind() == RecordingTrigger.Kind.FAILED).count();
        }
    }

    static Outcome simulate(double loss, long seed, int rounds) {
        return simulate(loss, Handshakes.HEDGED, seed, rounds);
    }

    static Outcome simulate(double loss, Handshakes how, long seed, int rounds) {
        CheckSpec.Tcp check = defaultTcpCheck();
        FakeClock clock = FakeClock.fixed();
        LossyNetwork network = new LossyNetwork(loss, how, seed);
        java.time.Instant start = clock.instant();
        // The "round" a call is recorded with: simulated milliseconds since the start.
        RecordingTrigger trigger = new RecordingTrigger(() -> (int) Duration.between(start, clock.instant()).toMillis());
        ProbeSettings settings = ProbeSettings.defaults().withMaxRun(Duration.ofDays(1));
        Duration interval = check.interval();
        try (ProbeLoop loop = ProbeLoop.builder().prober(network).settings(settings).clock(clock).sleeper(new FakeSleeper(clock))
                .trigger(trigger).build()) {
            ProbeTarget target = new ProbeTarget("i-0aaaaaaaaaaaaaaaa", "10.0.0.10", List.of(check));
            // Deadline after exactly `rounds` regular slots (the loop stops starting rounds whose timeout would pass it).
            ProbeRun run = loop.run(List.of(target), Map.of(), clock.instant().plus(interval.multipliedBy(rounds)).minusMillis(1));
            return new Outcome(run, trigger, network);
        }
    }

    @Test
    void theDefaultsAreFastConfirmationOnAOneSecondScheduleWithAShortConnectTimeout() {
        CheckSpec.Tcp check = defaultTcpCheck();
        assertThat(check.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(check.timeout()).isEqualTo(Duration.ofMillis(300));
        assertThat(check.fall()).isEqualTo(3);
        assertThat(ProbeSettings.defaults().confirmSpacing()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void twoPercentLossOverTwoHoursOfRoundsMakesNoSpuriousFailover() {
        Outcome o = simulate(0.02, 17, ROUNDS);
        System.out.println(o.network().counts(2, o.run(), o.spuriousFailovers()));
        assertThat(o.run().rounds()).isEqualTo(ROUNDS);
        assertThat(o.network().lostHandshakes.get()).as("the model did lose packets").isGreaterThan(200);
        assertThat(o.network().passedOnALaterAttempt.get()).as("later handshakes saved probes").isGreaterThan(200);
        assertThat(o.network().failedProbes.get()).as("some whole probes failed (host stalls), and were confirmed away").isPositive();
        assertThat(o.network().probes.get()).as("each failed probe was re-probed").isGreaterThan(ROUNDS);
        assertThat(o.spuriousFailovers()).isZero();
    }

    @Test
    void tenPercentLossIsCountedToo() {
        Outcome o = simulate(0.10, 23, ROUNDS);
        System.out.println(o.network().counts(10, o.run(), o.spuriousFailovers()));
        assertThat(o.run().rounds()).isEqualTo(ROUNDS);
        assertThat(o.network().lostHandshakes.get()).isGreaterThan(1_000);
        // Reported, not asserted zero: at 10 % loss three hedged handshakes all fail 0.7 % of the time.
        assertThat(o.spuriousFailovers()).isLessThanOrEqualTo(1);
    }

    @Test
    void hedgedHandshakesFailFewerProbesThanTwoInARow() {
        // Same seed and loss model; three hedged handshakes must fail far fewer probes than two in a row (0.7 % vs 3.6 %).
        Outcome hedged = simulate(0.10, Handshakes.HEDGED, 29, ROUNDS);
        Outcome sequential = simulate(0.10, Handshakes.SEQUENTIAL, 29, ROUNDS);
        System.out.println(hedged.network().counts(10, hedged.run(), hedged.spuriousFailovers()));
        System.out.println(sequential.network().counts(10, sequential.run(), sequential.spuriousFailovers()));
        assertThat(hedged.network().failedProbes.get() * 3).isLessThan(sequential.network().failedProbes.get());
    }

    @Test
    void aDeadTargetIsFailedOverWithinOneRoundOfConfirmations() {
        Outcome o = simulate(1.0, 5, 10);
        assertThat(o.spuriousFailovers()).as("the check can fail: a dead target is handed over").isEqualTo(1);
        // Slot 0 fails, confirmations 100 and 200 ms later fail too: fall (3) is crossed at 200 ms, not at the third slot (2 s).
        assertThat(o.trigger().calls.get(0).round()).as("simulated ms from the start to the hand-over").isEqualTo(200);
    }
}
