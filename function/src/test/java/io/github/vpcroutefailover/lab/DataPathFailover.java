package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.app.PostFlipVerifier;
import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.app.ReconcileOptions;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.Reconciler;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.probe.Sleeper;
import io.github.vpcroutefailover.testsupport.lab.DataPathLab;
import io.github.vpcroutefailover.testsupport.lab.VpcLab;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * This project with a data-path check in the lab: the real probe loop and {@link CheckProber} in a {@link ProbeCycle}
 * that sits in both private subnets (as the two AZs' probe functions do), requesting a per-subnet server address
 * that {@link DataPathLab} routes through that subnet, reconciling through the real reconciler against moto and
 * DynamoDB Local. Every reconcile result is kept for the assertions (notes, outcomes).
 */
final class DataPathFailover implements AutoCloseable {
    final FailoverConfig config;
    final DataPathLab paths;
    final List<ReconcileResult> results = new CopyOnWriteArrayList<>();
    private final ProbeSettings settings = ProbeSettings.defaults().withInterval(Duration.ofSeconds(1));
    private final CheckProber prober = new CheckProber();
    private final ProbeCycle cycle;
    private final AtomicInteger invocations = new AtomicInteger();
    private final AtomicInteger failedInvocations = new AtomicInteger();
    /** Reads of ownership records by the probe's hop watch (as production: at most one per 2 s). */
    final AtomicInteger recordReads = new AtomicInteger();
    private volatile Thread runner;
    /** One probe invocation's length: the stack runs one a minute; its final reconcile hands over steady results. */
    private volatile Duration invocation = Duration.ofSeconds(60);

    /**
     * @param targets  the route's {@code targets:} list
     * @param tables   which private tables the route manages: {@code tags: {tier: private}} or an {@code id:} selector
     */
    DataPathFailover(LabVpc vpc, String targets, String tables) {
        this.paths = new DataPathLab(vpc.lab);
        String viaA = paths.via("a");
        String viaB = paths.via("b");
        this.config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  health: {type: tcp, port: %d, timeout: 500ms, interval: 1s, rise: 2, fall: 2}
                  egress-path:
                    type: data-path
                    routes: [default-egress]
                    paths:
                      - {zone: %s, endpoints: ["http://%s/"]}
                      - {zone: %s, endpoints: ["tcp://%s:80"]}
                    timeout: 500ms
                    interval: 1s
                    rise: 2
                    fall: 2
                    settle: 500ms
                targets:
                  nat-a: {instance: %s, checks: [health], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [health], sourceDestCheck: fix}
                  natgw: {natGateway: %s}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [%s]
                    targets: %s
                    policy: {zoneAffinity: true, failBack: never}
                """.formatted(vpc.net.vpcId(), VpcLab.HEALTH_PORT, vpc.net.zone(0), viaA, vpc.net.zone(1), viaB,
                vpc.natA, vpc.natB, vpc.natGw, tables, targets), "lab-datapath.yaml");
        prober.warmUp();
        Reconciler reconciler = vpc.reconciler(Clock.systemUTC());
        ProbeCycle.Backend recording = new ProbeCycle.Backend() {
            @Override
            public Reconciler.World observe(FailoverConfig c) {
                return reconciler.observe(c);
            }

            @Override
            public ReconcileResult reconcile(FailoverConfig c, ReconcileOptions options, List<Observation> observations) {
                ReconcileResult r = reconciler.reconcile(c, options, observations);
                results.add(r);
                return r;
            }

            @Override
            public java.util.Map<io.github.vpcroutefailover.domain.model.RouteKey, io.github.vpcroutefailover.domain.model.Ownership> records(
                    java.util.Collection<io.github.vpcroutefailover.domain.model.RouteKey> keys) {
                recordReads.incrementAndGet();
                return vpc.owners.load(keys);
            }
        };
        ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(settings).clock(Clock.systemUTC())
                .metrics(ProbeMetrics.NONE).probeAz(vpc.net.zone(0));
        this.cycle = new ProbeCycle(recording, loop, t -> new ProbeTarget(t.key(), vpc.labAddress(t.key()), t.checks()))
                .dataPathZones(Set.of(vpc.net.zone(0), vpc.net.zone(1))).watchHops(Duration.ofSeconds(2))
                .postFlipVerifier(new PostFlipVerifier(prober, Clock.systemUTC(), Sleeper.SYSTEM, vpc.net.zone(0), Duration.ofMillis(100), 3));
    }

    /** Other probe invocation lengths (production's is a minute, the default). */
    DataPathFailover invocations(Duration length) {
        this.invocation = length;
        return this;
    }

    void start() {
        runner = Thread.ofPlatform().daemon().name("lab-datapath-probe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                Instant start = Instant.now();
                try {
                    cycle.run(config, "lab-dp:" + invocations.incrementAndGet(), settings.deadline(start, invocation));
                } catch (RuntimeException e) {
                    failedInvocations.incrementAndGet();
                }
            }
        });
    }

    /** Probe invocations started so far (each runs {@link #invocations(Duration)} long, a minute by default). */
    int invocationsStarted() {
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
