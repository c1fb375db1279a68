package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.app.ReconcileOptions;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.Reconciler;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.testsupport.lab.DataPathLab;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * This project in the lab: the real probe loop ({@link ProbeLoop} with the real {@link CheckProber}, system clock and
 * sleeper) inside {@link ProbeCycle}, reconciling through the real {@code Reconciler} against moto and DynamoDB Local.
 * Invocations follow the production schedule: one a minute, each probing until
 * {@link ProbeSettings#deadline} (the last 3 s of each minute nobody probes, as in production).
 */
final class ProjectFailover implements FailoverUnderTest {
    private final LabVpc vpc;
    private final FailoverConfig config;
    private final ProbeSettings settings;
    private final Duration interval;
    private final int rise;
    private final LabProbe probe;
    private final OutageTrace trace = new OutageTrace();
    private volatile Instant nextDeadline = Instant.MAX;

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
        this.settings = ProbeSettings.defaults().withInterval(interval);
        Reconciler reconciler = vpc.reconciler(Clock.systemUTC(), trace::routeTables);
        ProbeCycle.Backend timed = new ProbeCycle.Backend() {
            @Override
            public Reconciler.World observe(FailoverConfig c) {
                Reconciler.World w = reconciler.observe(c);
                trace.invocation(nextDeadline); // the loop starts right after this observe
                return w;
            }

            @Override
            public ReconcileResult reconcile(FailoverConfig c, ReconcileOptions options, List<Observation> observations) {
                return trace.reconcile(() -> reconciler.reconcile(c, options, observations));
            }
        };
        this.probe = new LabProbe(vpc, settings, trace.metrics(), timed, dataPath);
    }

    @Override
    public String name() {
        return "vpc-route-failover";
    }

    @Override
    public void start() {
        probe.start("lab-probe", config, "lab:", start -> {
            Instant deadline = settings.deadline(start, Duration.ofSeconds(60));
            nextDeadline = deadline;
            return deadline;
        }, Duration.ofSeconds(60));
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
        return probe.invocations();
    }

    int failedInvocations() {
        return probe.failedInvocations();
    }

    @Override
    public void close() {
        probe.close();
    }
}
