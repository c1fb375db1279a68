package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.dynamodb.DynamoDbRouteRegistry;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.eventbridge.EventBridgeRouteChangeNotifier;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The probe's fast path from a confirmed failure to the route flip (issue #17): the probe observed the world when its
 * invocation started, so the failover reconciles on that view: the target state write, then per moved table the
 * claim, the ReplaceRoute and the one settle transaction (record + history), and the Route Failover event. No
 * re-read. A view made stale by another writer loses its claim and the route is re-read and moved once.
 * Real probe loop and TCP prober against 127.0.0.1 listeners, the production Controller's probe backend, moto,
 * DynamoDB Local and EventBridge; the loop's sleeper advances the test's clock.
 */
@ExtendWith(LocalAwsExtension.class)
class ProbeFastPathIT {
    private static final String DEFAULT = "0.0.0.0/0";
    /**
     * What the fast path may cost (issue #17): 3 + 3 per moved table. Fixed: the target state write, PutEvents and one
     * outbox removal for all the events (issue #10's outbox: one UpdateItem for one table, one TransactWriteItems for
     * several); per table: the claim, the ReplaceRoute and the settle.
     */
    private static final int FIXED_BUDGET = 3;
    private static final int PER_TABLE_BUDGET = 3;

    /** The controller's probe backend, counting the calls of its first reconcile after {@code afterObserve}. */
    private static final class Counting implements ProbeCycle.Backend {
        final ProbeCycle.Backend real;
        final LocalAws aws;
        Runnable afterObserve = () -> { };
        final AtomicReference<Map<String, Long>> firstReconcile = new AtomicReference<>();
        final AtomicReference<ReconcileResult> firstResult = new AtomicReference<>();

        Counting(ProbeCycle.Backend real, LocalAws aws) {
            this.real = real;
            this.aws = aws;
        }

        @Override
        public Reconciler.World observe(FailoverConfig config) {
            Reconciler.World w = real.observe(config);
            afterObserve.run();
            aws.calls().reset();
            return w;
        }

        @Override
        public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations) {
            return record(real.reconcile(config, options, observations));
        }

        @Override
        public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations,
                                         Reconciler.World known) {
            return record(real.reconcile(config, options, observations, known));
        }

        private ReconcileResult record(ReconcileResult r) {
            if (firstReconcile.compareAndSet(null, aws.calls().snapshot())) {
                firstResult.set(r);
            }
            return r;
        }
    }

    private record Fixture(Scenario s, FailoverConfig config, Counting backend, ProbeCycle cycle) {
    }

    private static Fixture fixture(LocalAws aws, Scenario s, int portA, int portB, CheckProber prober) {
        return fixture(aws, s, portA, portB, prober, "");
    }

    /** @param policy extra lines of the route ({@code policy:} block), indented for it */
    private static Fixture fixture(LocalAws aws, Scenario s, int portA, int portB, CheckProber prober, String policy) {
        FailoverConfig config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  tcp-a: {type: tcp, port: %d, rise: 1, fall: 3}
                  tcp-b: {type: tcp, port: %d, rise: 1, fall: 3}
                targets:
                  nat-a: {instance: %s, checks: [tcp-a], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [tcp-b], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                %s""".formatted(s.net.vpcId(), portA, portB, s.natA, s.natB, policy), "fast-path.yaml");
        EventBridgeRouteChangeNotifier bridge = new EventBridgeRouteChangeNotifier(aws.eventBridge(), null);
        Controller controller = Controller.builder()
                .config(() -> config)
                .registry(new DynamoDbRouteRegistry(s.ddb, s.table))
                .routeTables(new Ec2RouteTables(s.ec2))
                .instances(new Ec2Instances(s.ec2))
                .ownership(s.owners)
                .targetStates(s.states)
                .lifecycle((g, h, t, i) -> {
                    throw new AssertionError("no lifecycle action here");
                })
                .notifier(bridge::routesChanged)
                .clock(s.clock)
                .build();
        Counting backend = new Counting(controller.probeBackend(), aws);
        ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(ProbeSettings.defaults()).clock(s.clock)
                .sleeper(s.clock::advance).metrics(ProbeMetrics.NONE).probeAz(s.net.zone(0));
        return new Fixture(s, config, backend, new ProbeCycle(backend, loop, t -> new ProbeTarget(t.key(), "127.0.0.1", t.checks())));
    }

    /** One invocation whose budget fits fall (3) probes with fast confirmation, on the test's clock. */
    private static ProbeCycle.Result invoke(Fixture f, String caller) {
        f.backend().firstReconcile.set(null);
        f.s().clock.advance(Duration.ofSeconds(1));
        return f.cycle().run(f.config(), caller, f.s().clock.instant().plusMillis(900));
    }

    @Test
    void aConfirmedFailureFlipsTheRouteWithTheStateWriteClaimReplaceRouteSettleAndEventOnly(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws);
        try (LoopbackListener a = LoopbackListener.open(); LoopbackListener b = LoopbackListener.open(); CheckProber prober = new CheckProber()) {
            prober.warmUp();
            Fixture f = fixture(aws, s, a.port(), b.port(), prober);
            invoke(f, "it:up");
            assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
            assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));

            a.kill();
            ProbeCycle.Result down = invoke(f, "it:down");
            assertThat(down.run().failedCalls()).isEqualTo(1);
            assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
            ReconcileResult flip = f.backend().firstResult.get();
            assertThat(flip.applied()).singleElement().satisfies(o -> assertThat(o.key().routeTableId()).isEqualTo(s.rtbA));
            Map<String, Long> calls = f.backend().firstReconcile.get();
            System.out.println("FAST-PATH calls of the failover reconcile: " + calls);
            assertThat(calls).as("no read: the probe's view of the world is used").containsOnlyKeys(
                    "DynamoDb.PutItem", "DynamoDb.UpdateItem", "Ec2.ReplaceRoute", "DynamoDb.TransactWriteItems", "EventBridge.PutEvents");
            // UpdateItem: the claim, and the outbox entry's removal once the event is out (issue #10's outbox).
            assertThat(calls).containsEntry("DynamoDb.PutItem", 1L).containsEntry("DynamoDb.UpdateItem", 2L)
                    .containsEntry("Ec2.ReplaceRoute", 1L).containsEntry("DynamoDb.TransactWriteItems", 1L).containsEntry("EventBridge.PutEvents", 1L);
            long moved = flip.applied().stream().map(o -> o.key().routeTableId()).distinct().count();
            assertThat(calls.values().stream().mapToLong(Long::longValue).sum()).isLessThanOrEqualTo(FIXED_BUDGET + PER_TABLE_BUDGET * moved);
            assertThat(s.version(s.rtbA, DEFAULT)).isEqualTo(2);
            assertThat(s.owners.history(new RouteKey(s.rtbA, Destination.parse(DEFAULT)), 10)).hasSize(2);
        }
    }

    @Test
    void aViewMadeStaleByAnotherWriterLosesItsClaimAndTheRouteIsReReadAndMovedOnce(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws);
        try (LoopbackListener a = LoopbackListener.open(); LoopbackListener b = LoopbackListener.open(); CheckProber prober = new CheckProber()) {
            prober.warmUp();
            Fixture f = fixture(aws, s, a.port(), b.port(), prober);
            invoke(f, "it:up");
            RouteKey key = new RouteKey(s.rtbA, Destination.parse(DEFAULT));
            long seen = s.version(s.rtbA, DEFAULT);
            // Right after the probe observed: another writer moves the record on (an operator clearing a pin bumps it).
            f.backend().afterObserve = () -> s.owners.setPin(key, "default-egress", seen, null, "operator", s.clock.instant());

            a.kill();
            invoke(f, "it:down");
            ReconcileResult flip = f.backend().firstResult.get();
            assertThat(flip.lostRaces()).as("the stale view's claim lost").isEqualTo(1);
            assertThat(flip.applied()).singleElement().satisfies(o -> assertThat(o.version()).isEqualTo(seen + 2));
            Map<String, Long> calls = f.backend().firstReconcile.get();
            System.out.println("FAST-PATH calls with a stale view: " + calls);
            assertThat(calls.get("Ec2.ReplaceRoute")).isEqualTo(1L);
            assertThat(calls.get("DynamoDb.UpdateItem")).as("the lost claim, the winning one, the outbox removal").isEqualTo(3L);
            assertThat(calls.get("Ec2.DescribeRouteTables")).as("the route re-read after the lost claim").isEqualTo(1L);
            assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
            assertThat(s.owners.history(key, 10)).as("one change recorded after the pin clear").hasSize(2);
        }
    }

    @Test
    void twoMovedTablesCostThreePlusThreeEach(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws);
        try (LoopbackListener a = LoopbackListener.open(); LoopbackListener b = LoopbackListener.open(); CheckProber prober = new CheckProber()) {
            prober.warmUp();
            // Preference order only: both tables route to nat-a, so its failure moves two tables in one reconcile.
            Fixture f = fixture(aws, s, a.port(), b.port(), prober, "    policy: {zoneAffinity: false}\n");
            // The standby is set up as for NAT (source/dest check off), so the failover makes no one-time ENI fix.
            s.ec2.modifyNetworkInterfaceAttribute(r -> r.networkInterfaceId(s.eni(s.natB)).sourceDestCheck(v -> v.value(false)));
            invoke(f, "it:up");
            assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
            assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natA));

            a.kill();
            invoke(f, "it:down");
            assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
            assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
            ReconcileResult flip = f.backend().firstResult.get();
            assertThat(flip.applied()).hasSize(2);
            Map<String, Long> calls = f.backend().firstReconcile.get();
            System.out.println("FAST-PATH calls of a two-table failover: " + calls);
            // UpdateItem: the two claims; TransactWriteItems: the two settles and the one removal of both outbox entries.
            assertThat(calls).containsOnlyKeys("DynamoDb.PutItem", "DynamoDb.UpdateItem", "Ec2.ReplaceRoute",
                            "DynamoDb.TransactWriteItems", "EventBridge.PutEvents")
                    .containsEntry("DynamoDb.PutItem", 1L).containsEntry("DynamoDb.UpdateItem", 2L).containsEntry("Ec2.ReplaceRoute", 2L)
                    .containsEntry("DynamoDb.TransactWriteItems", 3L).containsEntry("EventBridge.PutEvents", 1L);
            assertThat(calls.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(FIXED_BUDGET + PER_TABLE_BUDGET * 2);
            for (String rtb : List.of(s.rtbA, s.rtbB)) {
                assertThat(s.owners.list().unannounced()).as("both events announced and removed from the outbox").isEmpty();
                assertThat(s.owners.history(new RouteKey(rtb, Destination.parse(DEFAULT)), 10)).hasSize(2);
            }
        }
    }
}
