package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.app.PostFlipVerifier;
import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.probe.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * The probe function as the lab runs it, for {@link ProjectFailover} and {@link DataPathFailover}: the real
 * {@link ProbeLoop} and {@link CheckProber} (system clock and sleeper) inside a {@link ProbeCycle} that sits in the
 * lab VPC's first zone, probing each target at its lab address, and a thread running its invocations until closed.
 */
final class LabProbe implements AutoCloseable {
    private final CheckProber prober = new CheckProber();
    private final ProbeCycle cycle;
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicInteger failedInvocations = new AtomicInteger();
    private volatile Thread runner;

    /**
     * @param dataPath also probe the routes' data-path checks from both private subnets (one probe sits in both
     *                 zones) and verify after a flip, with the production verifier's settings ({@code ProbeHandler}:
     *                 100 ms between requests, at most 3 moves)
     */
    LabProbe(LabVpc vpc, ProbeSettings settings, ProbeMetrics metrics, ProbeCycle.Backend backend, boolean dataPath) {
        prober.warmUp();
        ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(settings).clock(Clock.systemUTC())
                .metrics(metrics).probeAz(vpc.net.zone(0));
        ProbeCycle c = new ProbeCycle(backend, loop, t -> new ProbeTarget(t.key(), vpc.labAddress(t.key()), t.checks()));
        if (dataPath) {
            c.dataPathZones(Set.of(vpc.net.zone(0), vpc.net.zone(1)))
                    .postFlipVerifier(new PostFlipVerifier(prober, Clock.systemUTC(), Sleeper.SYSTEM, vpc.net.zone(0), Duration.ofMillis(100), 3));
        }
        this.cycle = c;
    }

    /**
     * Runs invocations on a daemon thread until {@link #close}: each probes until {@code deadlineOf} its start and is
     * named {@code callerPrefix} and its number; with a {@code pace}, the next starts {@code pace} after this one
     * started (one a minute, as the schedule runs them), else at once. An invocation that throws is counted.
     */
    void start(String threadName, FailoverConfig config, String callerPrefix, UnaryOperator<Instant> deadlineOf, Duration pace) {
        runner = Thread.ofPlatform().daemon().name(threadName).start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Instant start = Instant.now();
                try {
                    cycle.run(config, callerPrefix + invocations.incrementAndGet(), deadlineOf.apply(start));
                } catch (RuntimeException e) {
                    failedInvocations.incrementAndGet();
                }
                long wait = pace == null ? 0 : Duration.between(Instant.now(), start.plus(pace)).toMillis();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        });
    }

    int invocations() {
        return invocations.get();
    }

    int failedInvocations() {
        return failedInvocations.get();
    }

    @Override
    public void close() {
        Thread t = runner;
        if (t != null) {
            t.interrupt();
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        cycle.close();
        prober.close();
    }
}
