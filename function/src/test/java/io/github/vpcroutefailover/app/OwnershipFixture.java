package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbRouteRegistry;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.ec2.UnmanagedRoutes;
import io.github.vpcroutefailover.aws.eventbridge.EventBridgeRouteChangeNotifier;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FixtureResolver;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * The world of the ownership fault tests, with a fault-injecting proxy in front of each emulator (EC2, DynamoDB,
 * EventBridge): nat-a (zone 0, preferred) and nat-b (zone 1); one private table in zone 0 whose default route points
 * at nat-a; {@link #onNatAThenStopIt} stops nat-a, so the planner moves the route to nat-b.
 */
final class OwnershipFixture implements AutoCloseable {
    /** Gives a test an {@code OwnershipFixture} parameter, as {@link #onNatAThenStopIt} leaves it; closed after the test. */
    static final class Resolver extends FixtureResolver<OwnershipFixture> {
        Resolver() {
            super(OwnershipFixture.class, aws -> new OwnershipFixture(aws).onNatAThenStopIt());
        }
    }

    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    static final Destination DEFAULT = Destination.parse("0.0.0.0/0");
    /** Past the default claim budget: a claim made by the previous reconcile is abandoned when the next one runs. */
    static final Duration SCHEDULE = ReconcileOptions.DEFAULT_CLAIM_BUDGET.plusSeconds(1);

    final LocalAws aws;
    final TestNetwork net;
    final String natA;
    final String natB;
    final String rtb;
    final RouteKey key;
    final UnmanagedRoutes unmanaged;
    final FaultProxy ec2Proxy;
    final FaultProxy ddbProxy;
    /** EventBridge (moto) behind its own proxy: what reached it is in {@code ebProxy.forwardedBodies("PutEvents")}. */
    final FaultProxy ebProxy;
    final EventBridgeClient eventBridge;
    final Ec2Client ec2;
    final DynamoDbClient ddb;
    final String table;
    final DynamoDbOwnershipStore owners;
    final MutableClock clock = new MutableClock(T0);
    /** Route Failover events EventBridge confirmed (re-sends included), in order. */
    final List<RouteChangeNotifier.RouteChange> events = Collections.synchronizedList(new ArrayList<>());
    final Controller controller;
    /** The config the controller reads at each reconcile; a test may change it between reconciles. */
    final java.util.concurrent.atomic.AtomicReference<FailoverConfig> configNow = new java.util.concurrent.atomic.AtomicReference<>();

    OwnershipFixture(LocalAws aws) {
        this.aws = aws;
        this.net = TestNetwork.create(aws, 2);
        this.natA = net.instance(0, "role=nat");
        this.natB = net.instance(1, "role=nat");
        this.rtb = net.routeTable(0, "tier=private");
        this.key = new RouteKey(rtb, DEFAULT);
        this.unmanaged = UnmanagedRoutes.install(aws, net);
        this.ec2Proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
        this.ddbProxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON);
        this.ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).endpointOverride(ec2Proxy.endpoint()).build();
        this.ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD)
                .endpointOverride(ddbProxy.endpoint()).build();
        this.table = aws.uniqueName("ownership");
        OwnershipTable.create(aws.dynamoDb(), table);
        this.owners = new DynamoDbOwnershipStore(ddb, table);
        this.ebProxy = FaultProxy.start(aws.endpoint("EventBridge").orElseThrow(), FaultProxy.Dialect.AWS_JSON);
        this.eventBridge = AwsClients.tune(aws.configure(EventBridgeClient.builder(), "EventBridge"), RetryMode.STANDARD)
                .endpointOverride(ebProxy.endpoint()).build();
        EventBridgeRouteChangeNotifier bridge = new EventBridgeRouteChangeNotifier(eventBridge, null);
        configNow.set(config());
        this.controller = Controller.builder()
                .config(configNow::get)
                .registry(new DynamoDbRouteRegistry(ddb, table))
                .routeTables(new Ec2RouteTables(ec2))
                .instances(new Ec2Instances(ec2))
                .ownership(owners)
                .targetStates(new DynamoDbTargetStateStore(ddb, table))
                .lifecycle((g, h, t, i) -> {
                    throw new AssertionError("no lifecycle action in these tests");
                })
                .notifier(new RouteChangeNotifier() {
                    @Override
                    public void routesChanged(List<RouteChangeNotifier.RouteChange> changes) {
                        publish(changes);
                    }

                    @Override
                    public List<Boolean> publish(List<RouteChangeNotifier.RouteChange> changes) {
                        List<Boolean> ok = bridge.publish(changes);
                        for (int i = 0; i < changes.size(); i++) {
                            if (ok.get(i)) {
                                events.add(changes.get(i));
                            }
                        }
                        return ok;
                    }
                })
                .clock(clock)
                .build();
    }

    FailoverConfig config() {
        Map<String, CheckSpec> checks = Map.of("ec2", new CheckSpec.Ec2Status("ec2", true, 1, 1));
        Map<String, TargetSpec> targets = new LinkedHashMap<>();
        targets.put("nat-a", new TargetSpec.Instance("nat-a", natA, null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.FIX));
        targets.put("nat-b", new TargetSpec.Instance("nat-b", natB, null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.FIX));
        return new FailoverConfig(net.vpcId(), checks, targets, List.of(new RouteSpec("default-egress", DEFAULT,
                List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false)),
                List.of("nat-a", "nat-b"), List.of(), RoutePolicy.defaults())));
    }

    /** Route on nat-a, recorded; then nat-a stops. Counters start from here. */
    OwnershipFixture onNatAThenStopIt() {
        ReconcileResult setup = controller.reconcile("setup");
        assertThat(setup.applied()).hasSize(1);
        assertThat(routeInstance()).isEqualTo(natA);
        net.stopInstance(natA);
        clock.advance(SCHEDULE);
        aws.calls().reset();
        ec2Proxy.resetCounts();
        ddbProxy.resetCounts();
        ebProxy.resetCounts();
        return this;
    }

    ReconcileResult reconcile(String caller) {
        return controller.reconcile(caller);
    }

    /** The next scheduled reconcile, after the fault cleared. */
    ReconcileResult nextScheduled(String caller) {
        ec2Proxy.clear();
        ddbProxy.clear();
        ebProxy.clear();
        clock.advance(SCHEDULE);
        return controller.reconcile(caller);
    }

    String routeInstance() {
        var route = aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).findFirst().orElseThrow();
        String eni = route.networkInterfaceId();
        return eni == null ? route.instanceId() : (eni.equals(net.primaryEni(natA)) ? natA : eni.equals(net.primaryEni(natB)) ? natB : eni);
    }

    Ownership record() {
        return new DynamoDbOwnershipStore(aws.dynamoDb(), table).load(key).orElseThrow();
    }

    List<HistoryEntry> history() {
        return new DynamoDbOwnershipStore(aws.dynamoDb(), table).history(key, 50);
    }

    /**
     * The invariants of every row: route on nat-b, record APPLIED on nat-b, exactly {@code changes} APPLIED
     * history entries (the setup's create and the move) with distinct versions, one event per APPLIED entry,
     * unmanaged routes untouched.
     */
    void assertConsistent() {
        assertThat(routeInstance()).as("route").isEqualTo(natB);
        Ownership o = record();
        assertThat(o.status()).as("record status (never left PENDING)").isEqualTo(Ownership.ClaimStatus.APPLIED);
        assertThat(o.target().instanceId()).as("record target").isEqualTo(natB);
        List<HistoryEntry> applied = history().stream().filter(h -> h.outcome() == HistoryEntry.Outcome.APPLIED).toList();
        assertThat(applied).as("one APPLIED history entry per change that reached EC2: the create and the move").hasSize(2);
        assertThat(applied.get(0).to().instanceId()).isEqualTo(natB);
        assertThat(applied.get(0).from().instanceId()).isEqualTo(natA);
        assertThat(applied.get(0).version()).isEqualTo(o.claim().version());
        assertThat(applied.stream().map(HistoryEntry::version).distinct().count()).isEqualTo(2);
        assertThat(events).as("one Route Failover event per change that reached EC2").hasSize(2);
        assertThat(owners.list().unannounced()).as("the outbox is empty: every recorded change was announced").isEmpty();
        assertThat(events.get(1).to().instanceId()).isEqualTo(natB);
        assertThat(events.get(1).version()).isEqualTo(applied.get(0).version());
        unmanaged.assertUnchanged("0.0.0.0/0");
    }

    void row(String fault, int reconciles, ReconcileResult... results) {
        long mutations = aws.calls().mutations().values().stream().mapToLong(Long::longValue).sum();
        long calls = aws.calls().snapshot().values().stream().mapToLong(Long::longValue).sum();
        System.out.println("FAULT-ROW | " + fault + " | reconciles to converge after the fault: " + reconciles + " | calls: " + calls
                + " (mutations " + mutations + ": " + aws.calls().mutations() + ") | statuses: "
                + java.util.Arrays.stream(results).map(r -> r.actions().stream().map(a -> a.status().name()).toList().toString()).toList());
    }

    @Override
    public void close() {
        ec2Proxy.close();
        ddbProxy.close();
        ebProxy.close();
        ec2.close();
        ddb.close();
        eventBridge.close();
    }
}
