package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.app.ReconcileOptions;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.Reconciler;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.testsupport.lab.DataPathLab;
import io.github.vpcroutefailover.testsupport.lab.VpcLab;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * This project with a data-path check in the lab: the real probe loop and prober in a {@link ProbeCycle}
 * ({@link LabProbe}) that sits in both private subnets (as the two AZs' probe functions do), requesting a per-subnet server address
 * that {@link DataPathLab} routes through that subnet, reconciling through the real reconciler against moto and
 * DynamoDB Local. Every reconcile result is kept for the assertions (notes, outcomes).
 */
final class DataPathFailover implements AutoCloseable {
    final FailoverConfig config;
    final DataPathLab paths;
    final List<ReconcileResult> results = new CopyOnWriteArrayList<>();
    private final ProbeSettings settings = ProbeSettings.defaults().withInterval(Duration.ofSeconds(1));
    private final LabProbe probe;
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
        };
        this.probe = new LabProbe(vpc, settings, ProbeMetrics.NONE, recording, true);
    }

    /** Shorter probe invocations (a drill's verdict needs a probe result handed over after the move). */
    DataPathFailover invocations(Duration length) {
        this.invocation = length;
        return this;
    }

    void start() {
        probe.start("lab-datapath-probe", config, "lab-dp:", start -> settings.deadline(start, invocation), null);
    }

    int failedInvocations() {
        return probe.failedInvocations();
    }

    @Override
    public void close() {
        probe.close();
    }
}
