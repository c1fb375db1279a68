package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.app.PostFlipVerifier;
import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.app.ReconcileOptions;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.Reconciler;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbProbeLeaseStore;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.probe.LeaseSettings;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.probe.Sleeper;
import io.github.vpcroutefailover.testsupport.lab.DataPathLab;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This project in the lab, wired as {@code ProbeHandler} runs it in production: the real probe loop
 * ({@link ProbeLoop} with the real {@link CheckProber}, system clock and sleeper) inside {@link ProbeCycle}, with the
 * probe lease in DynamoDB Local and the fast path (the first trigger of an invocation reconciles on the world it just
 * observed), reconciling through the real {@code Reconciler} against moto and DynamoDB Local. Invocations follow the
 * production schedule: one a minute, each running up to {@link #MAX_RUN} less the deadline margin, on two "execution
 * environments" (reserved concurrency 2) that alternate, so consecutive invocations overlap and hand over through the
 * lease instead of leaving a gap.
 */
final class ProjectFailover implements FailoverUnderTest {
    /** {@code ProbeHandler.LEASED_MAX_RUN}: an invocation probes up to 80 s of its 90 s Lambda timeout. */
    static final Duration MAX_RUN = Duration.ofSeconds(80);
    /** The probe function's Lambda timeout ({@code ProbeFunctions.PROBE_TIMEOUT_SECONDS}): what an invocation has left. */
    static final Duration LAMBDA_TIMEOUT = Duration.ofSeconds(90);
    private final LabVpc vpc;
    private final FailoverConfig config;
    private final ProbeSettings settings;
    private final Duration interval;
    private final int rise;
    private final CheckProber prober = new CheckProber();
    /** Two execution environments: invocation k runs on {@code cycles[k % 2]}. */
    private final ProbeCycle[] cycles = new ProbeCycle[2];
    private final OutageTrace trace = new OutageTrace();
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicInteger failedInvocations = new AtomicInteger();
    private final List<Thread> running = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile Thread runner;
    private final ThreadLocal<Instant> deadlineOfThisInvocation = new ThreadLocal<>();

    ProjectFailover(LabVpc vpc, Duration interval, int rise, int fall, Duration timeout) {
        this(vpc, vpc.tcpConfig(interval, rise, fall, timeout), interval, rise);
    }

    /** @param config the config to run; {@code interval} and {@code rise} must be its checks' */
    ProjectFailover(LabVpc vpc, FailoverConfig config, Duration interval, int rise) {
        this(vpc, config, interval, rise, false);
    }

    /**
     * The tcp check plus the route's data-path check from both private subnets, with post-flip verification, as the
     * probe functions run it ({@code ProbeHandler}; here one probe sits in both AZs, as {@link DataPathFailover}).
     *
     * @param timeout         the tcp check's timeout (null: its default)
     * @param dataPathTimeout the data-path check's timeout (null: its default, derived from the interval)
     */
    static ProjectFailover withDataPath(LabVpc vpc, Duration interval, int rise, int fall, Duration timeout,
            Duration dataPathTimeout, Duration forgetAfter) {
        FailoverConfig config = vpc.tcpAndDataPathConfig(new DataPathLab(vpc.lab), interval, rise, fall, timeout,
                dataPathTimeout, forgetAfter);
        return new ProjectFailover(vpc, config, interval, rise, true);
    }

    private ProjectFailover(LabVpc vpc, FailoverConfig config, Duration interval, int rise, boolean dataPath) {
        this.vpc = vpc;
        this.interval = interval;
        this.rise = rise;
        this.config = config;
        this.settings = ProbeSettings.defaults().withInterval(interval).withMaxRun(MAX_RUN);
        prober.warmUp();
        Reconciler reconciler = vpc.reconciler(Clock.systemUTC(), trace::routeTables);
        ProbeCycle.Backend timed = new ProbeCycle.Backend() {
            @Override
            public Reconciler.World observe(FailoverConfig c) {
                Reconciler.World w = reconciler.observe(c);
                trace.invocation(deadlineOfThisInvocation.get()); // the loop starts right after this observe
                return w;
            }

            @Override
            public ReconcileResult reconcile(FailoverConfig c, ReconcileOptions options, List<Observation> observations) {
                return trace.reconcile(() -> reconciler.reconcile(c, options, observations));
            }

            @Override
            public ReconcileResult reconcile(FailoverConfig c, ReconcileOptions options, List<Observation> observations,
                                             Reconciler.World known) {
                return trace.reconcile(() -> reconciler.reconcile(c, options, observations, known));
            }
        };
        for (int i = 0; i < cycles.length; i++) {
            ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(settings).clock(Clock.systemUTC())
                    .metrics(trace.metrics()).probeAz(vpc.net.zone(0));
            ProbeCycle c = new ProbeCycle(timed, loop, t -> new ProbeTarget(t.key(), vpc.labAddress(t.key()), t.checks()))
                    .lease(new DynamoDbProbeLeaseStore(vpc.ddb, vpc.table), vpc.net.zone(0), LeaseSettings.defaults(),
                            Clock.systemUTC(), Sleeper.SYSTEM);
            if (dataPath) {
                // The production verifier's settings (ProbeHandler): 100 ms between requests, at most 3 moves.
                c.dataPathZones(Set.of(vpc.net.zone(0), vpc.net.zone(1)))
                        .postFlipVerifier(new PostFlipVerifier(prober, Clock.systemUTC(), Sleeper.SYSTEM, vpc.net.zone(0), Duration.ofMillis(100), 3));
            }
            cycles[i] = c;
        }
    }

    @Override
    public String name() {
        return "vpc-route-failover";
    }

    @Override
    public void start() {
        runner = Thread.ofPlatform().daemon().name("lab-probe-schedule").start(() -> {
            long next = System.nanoTime();
            while (!Thread.currentThread().isInterrupted()) {
                int k = invocations.incrementAndGet();
                ProbeCycle cycle = cycles[k % 2];
                Thread t = Thread.ofPlatform().daemon().name("lab-probe-" + k).start(() -> {
                    Instant deadline = settings.deadline(Instant.now(), LAMBDA_TIMEOUT);
                    deadlineOfThisInvocation.set(deadline);
                    try {
                        cycle.run(config, "lab:" + k, deadline);
                    } catch (RuntimeException e) {
                        failedInvocations.incrementAndGet();
                    }
                });
                running.add(t);
                next += Duration.ofSeconds(60).toNanos();
                try {
                    Thread.sleep(Duration.ofNanos(Math.max(0, next - System.nanoTime())));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    @Override
    public Duration period() {
        return interval;
    }

    @Override
    public void afterHeal(String healedNat) throws InterruptedException {
        // rise passes at the probe interval, plus one interval of slack: HEALTHY again before the next fault.
        Thread.sleep(interval.multipliedBy(rise + 1).plusMillis(500).toMillis());
    }

    @Override
    public OutageTrace trace() {
        return trace;
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
            join(t);
        }
        for (Thread r : running) {
            r.interrupt();
            join(r);
        }
        for (ProbeCycle c : cycles) {
            c.close();
        }
        prober.close();
    }

    private static void join(Thread t) {
        try {
            t.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
