package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.ec2.MotoTransitGatewayShim;
import io.github.vpcroutefailover.aws.ec2.TransitGatewayWorld;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRoute;

/**
 * A transit gateway static route failing over between the attachments of two inspection VPCs when the appliance
 * behind one fails, and back after the hold, with the real reconciler, planner, ownership table and the emulator's
 * transit gateway API (moto's two gaps bridged by {@link MotoTransitGatewayShim}, whose use is asserted); and the
 * same failover with the route API failing under it (throttled, 500, reset, every response lost, the confirming read
 * throttled), through a {@link FaultProxy}: the route ends right, the record is not left PENDING, and no more
 * writes reach EC2 than the protocol allows (one per change; the SDK's retries of an idempotent Replace).
 */
@ExtendWith(LocalAwsExtension.class)
class TransitGatewayFailoverIT {
    private static final String SPOKE = "10.20.0.0/16";

    private MotoTransitGatewayShim shim;
    private FaultProxy ec2Proxy;
    private Ec2Client proxied;

    @BeforeEach
    void shim(LocalAws aws) {
        shim = new MotoTransitGatewayShim(aws.endpoint("EC2").orElseThrow());
    }

    @AfterEach
    void close() {
        if (proxied != null) {
            proxied.close();
        }
        if (ec2Proxy != null) {
            ec2Proxy.close();
        }
    }

    private static FailoverConfig config(Scenario s, TransitGatewayWorld w) {
        return ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, rise: 1, fall: 1}
                targets:
                  inspect-a: {transitGatewayAttachment: %s, appliance: %s, checks: [ec2]}
                  inspect-b: {transitGatewayAttachment: %s, appliance: %s, checks: [ec2]}
                routes:
                  - name: spoke
                    destination: %s
                    routeTables: [{transitGatewayRouteTable: %s}]
                    targets: [inspect-a, inspect-b]
                    policy: {failBack: {after: 2m}}
                """.formatted(s.net.vpcId(), w.attachA, w.applianceA, w.attachB, w.applianceB, SPOKE, w.table), "tgw.yaml");
    }

    private Reconciler reconciler(Scenario s, Ec2Client shimmed) {
        return Reconciler.builder().routeTables(new Ec2RouteTables(shimmed)).instances(new Ec2Instances(s.ec2))
                .ownership(s.owners).targetStates(s.states).clock(s.clock).build();
    }

    private static String hop(Ec2Client shimmed, TransitGatewayWorld w) {
        return shimmed.searchTransitGatewayRoutes(q -> q.transitGatewayRouteTableId(w.table)
                        .filters(f -> f.name("route-search.exact-match").values(SPOKE))).routes().stream().findFirst()
                .map(TransitGatewayRoute::transitGatewayAttachments).filter(a -> !a.isEmpty())
                .map(a -> a.get(0).transitGatewayAttachmentId()).orElse(null);
    }

    @Test
    void aStaticRouteFailsOverWithTheApplianceBehindItsAttachmentAndFailsBackAfterTheHold(LocalAws aws) {
        Scenario s = new Scenario(aws);
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2Client ec2 = shim.wrap(s.ec2);
        FailoverConfig config = config(s, w);
        Reconciler r = reconciler(s, ec2);

        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:tgw"));
        assertThat(aws.calls().calls("Ec2.CreateTransitGatewayRoute")).isEqualTo(1);
        assertThat(hop(ec2, w)).isEqualTo(w.attachA);
        aws.calls().reset();
        assertThat(r.reconcile(config, ReconcileOptions.apply("it:converged")).actions()).isEmpty();
        assertThat(aws.calls().calls("Ec2.CreateTransitGatewayRoute")).as("converged: reads only").isZero();

        w.inspectA.stopInstance(w.applianceA);
        s.clock.advance(Duration.ofSeconds(10));
        ReconcileResult failover = r.reconcile(config, ReconcileOptions.apply("it:appliance-a-down"));
        assertThat(failover.applied()).singleElement().satisfies(a -> assertThat(a.action().reason()).contains("UNHEALTHY"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachB);
        assertThat(shim.replaces()).as("a Replace, never delete+create").isEqualTo(1);
        assertThat(s.version(w.table, SPOKE)).as("fenced and recorded under the transit gateway table's key").isEqualTo(2);

        w.inspectA.startInstance(w.applianceA);
        s.clock.advance(Duration.ofSeconds(10));
        r.reconcile(config, ReconcileOptions.apply("it:appliance-a-back"));
        assertThat(hop(ec2, w)).as("within the hold").isEqualTo(w.attachB);
        s.clock.advance(Duration.ofMinutes(3));
        r.reconcile(config, ReconcileOptions.apply("it:hold-passed"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachA);
        assertThat(shim.replaces()).isEqualTo(2);
        assertThat(shim.filled()).as("moto's attachment lists needed the shim").isPositive();
    }

    @Test
    void aBlackholeStaticRouteIsReplacedAndADeletedAttachmentFailsOver(LocalAws aws) {
        Scenario s = new Scenario(aws);
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2Client ec2 = shim.wrap(s.ec2);
        FailoverConfig config = config(s, w);
        Reconciler r = reconciler(s, ec2);
        ec2.createTransitGatewayRoute(q -> q.transitGatewayRouteTableId(w.table).destinationCidrBlock(SPOKE).blackhole(true));

        r.reconcile(config, ReconcileOptions.apply("it:blackhole"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachA);
        assertThat(shim.replaces()).as("the blackhole static route is replaced in place").isEqualTo(1);

        // The attachment is deleted under the route: it forwards nowhere, so the route is a blackhole and the
        // appliance's ec2 check fails hard on it, whatever the instance says.
        aws.ec2().deleteTransitGatewayVpcAttachment(q -> q.transitGatewayAttachmentId(w.attachA));
        s.clock.advance(Duration.ofSeconds(10));
        r.reconcile(config, ReconcileOptions.apply("it:attachment-gone"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachB);
    }

    // ---- transit gateway route API faults during a failover ----------------------------------------------------
    // Through a FaultProxy in front of moto, under the shim: the shim sends a Replace to moto as
    // CreateTransitGatewayRoute, so that is the operation the proxy sees for both.

    /** The world of the fault rows: the route created on attachment A and recorded; then appliance A stops. */
    private record Faulty(Scenario s, TransitGatewayWorld w, FailoverConfig config, Reconciler r, RouteKey key) {
        ReconcileResult reconcile(String caller) {
            return r.reconcile(config, ReconcileOptions.apply(caller));
        }
    }

    private Faulty faultyFailover(LocalAws aws) {
        Scenario s = new Scenario(aws);
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        ec2Proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
        proxied = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).endpointOverride(ec2Proxy.endpoint()).build();
        Ec2Client ec2 = shim.wrap(proxied);
        FailoverConfig config = config(s, w);
        Faulty f = new Faulty(s, w, config, reconciler(s, ec2), new RouteKey(w.table, Destination.parse(SPOKE)));
        assertThat(f.reconcile("setup").applied()).hasSize(1);
        assertThat(hop(shim.wrap(s.ec2), w)).isEqualTo(w.attachA);
        w.inspectA.stopInstance(w.applianceA);
        s.clock.advance(Duration.ofSeconds(10));
        ec2Proxy.resetCounts();
        aws.calls().reset();
        return f;
    }

    /** The next scheduled reconcile, after the fault cleared: past the claim budget, so an abandoned claim is repaired. */
    private ReconcileResult nextScheduled(Faulty f, String caller) {
        ec2Proxy.clear();
        ec2Proxy.resetCounts();
        f.s.clock.advance(OwnershipFixture.SCHEDULE);
        return f.reconcile(caller);
    }

    /**
     * Route on attachment B, record APPLIED on it (never left PENDING), one APPLIED history entry per change that
     * reached EC2 (the setup's create and the move) with distinct versions, and {@code failed} FAILED entries.
     */
    private void assertFailedOver(Faulty f, int failed) {
        assertThat(hop(shim.wrap(f.s.ec2), f.w)).as("route").isEqualTo(f.w.attachB);
        Ownership o = f.s.owners.load(f.key).orElseThrow();
        assertThat(o.status()).as("record status").isEqualTo(Ownership.ClaimStatus.APPLIED);
        assertThat(o.target().id()).as("record target").isEqualTo(f.w.attachB);
        List<HistoryEntry> history = f.s.owners.history(f.key, 50);
        List<HistoryEntry> applied = history.stream().filter(h -> h.outcome() == HistoryEntry.Outcome.APPLIED).toList();
        assertThat(applied).as("the create and the move").hasSize(2);
        assertThat(applied.get(0).to().id()).isEqualTo(f.w.attachB);
        assertThat(applied.get(0).from().id()).isEqualTo(f.w.attachA);
        assertThat(applied.get(0).version()).isEqualTo(o.claim().version());
        assertThat(applied.stream().map(HistoryEntry::version).distinct().count()).isEqualTo(2);
        assertThat(history).filteredOn(h -> h.outcome() == HistoryEntry.Outcome.FAILED).hasSize(failed);
    }

    static Stream<Arguments> refusedReplaces() {
        return Stream.of(
                Arguments.of("ReplaceTransitGatewayRoute throttled (RequestLimitExceeded 503) x3", Fault.throttle()),
                Arguments.of("ReplaceTransitGatewayRoute 500 InternalError x3", new Fault.Error(500, "InternalError", "An internal error has occurred")),
                Arguments.of("ReplaceTransitGatewayRoute connection reset before EC2 x3", new Fault.ResetBefore()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedReplaces")
    void aReplaceThatNeverReachedEc2IsReleasedAndRetriedInTheSameInvocation(String name, Fault fault, LocalAws aws) {
        Faulty f = faultyFailover(aws);
        ec2Proxy.inject("CreateTransitGatewayRoute", fault, 3);

        ReconcileResult r1 = f.reconcile("r1");

        // The SDK's three attempts failed; the table re-read showed attachment A, so the claim was released (FAILED
        // history) and the move retried on fresh state: one change reached EC2.
        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(shim.replaces()).as("two Replace calls (the failed one, the retry), never a delete").isEqualTo(2);
        assertThat(ec2Proxy.seen("CreateTransitGatewayRoute")).as("three failed attempts, then the retry").isEqualTo(4);
        assertThat(ec2Proxy.forwarded("CreateTransitGatewayRoute")).as("exactly one write reached EC2").isEqualTo(1);
        assertThat(aws.calls().calls("Ec2.DeleteTransitGatewayRoute")).isZero();
        assertFailedOver(f, 1);
        assertThat(nextScheduled(f, "r2").converged()).isTrue();
        assertThat(ec2Proxy.seen("CreateTransitGatewayRoute")).as("converged: no write").isZero();
    }

    @Test
    void aReplaceThatReachedEc2WithEveryResponseLostIsConfirmedByReadingTheTable(LocalAws aws) {
        Faulty f = faultyFailover(aws);
        ec2Proxy.inject("CreateTransitGatewayRoute", new Fault.LostResponse(), 3);

        ReconcileResult r1 = f.reconcile("r1");

        // Every attempt reached EC2 (each the same idempotent Replace to B); the re-read shows B: recorded APPLIED
        // at once, no FAILED history, no second Replace from us.
        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(shim.replaces()).isEqualTo(1);
        assertThat(ec2Proxy.forwarded("CreateTransitGatewayRoute")).as("the SDK's three attempts, all to B").isEqualTo(3);
        assertFailedOver(f, 0);
        assertThat(nextScheduled(f, "r2").converged()).isTrue();
        assertThat(ec2Proxy.seen("CreateTransitGatewayRoute")).isZero();
    }

    @Test
    void aLostReplaceWhoseConfirmingSearchIsThrottledIsRepairedByTheNextReconcile(LocalAws aws) {
        Faulty f = faultyFailover(aws);
        ec2Proxy.inject("CreateTransitGatewayRoute", new Fault.LostResponse(), 3);
        // The first search is the observation's; the re-read after the lost Replace is the second: throttle it.
        ec2Proxy.inject("SearchTransitGatewayRoutes", new Fault.Latency(Duration.ZERO), 1);
        ec2Proxy.inject("SearchTransitGatewayRoutes", Fault.throttle(), 3);

        ReconcileResult r1 = f.reconcile("r1");

        // The outcome cannot be known: the claim stays PENDING (never guessed FAILED, which would let a retry or
        // another writer act on a wrong belief) until its deadline; then the next reconcile reads B and confirms it.
        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.UNKNOWN);
        assertThat(f.s.owners.load(f.key).orElseThrow().status()).isEqualTo(Ownership.ClaimStatus.PENDING);
        ReconcileResult r2 = nextScheduled(f, "r2");
        assertThat(r2.actions()).extracting(ActionOutcome::status).containsExactly(Status.REPAIRED);
        assertThat(ec2Proxy.seen("CreateTransitGatewayRoute")).as("the repair confirms; it does not write again").isZero();
        assertFailedOver(f, 0);
        assertThat(f.s.owners.history(f.key, 1).get(0).recordedBy()).isEqualTo("r2");
        assertThat(nextScheduled(f, "r3").converged()).isTrue();
    }

    @Test
    void anObservationWhoseSearchIsThrottledChangesNothingAndTheNextReconcileFailsOver(LocalAws aws) {
        Faulty f = faultyFailover(aws);
        ec2Proxy.inject("SearchTransitGatewayRoutes", Fault.throttle(), 3);

        // Without the table's routes there is nothing to plan on: no claim, no write.
        assertThatThrownBy(() -> f.reconcile("r1")).hasStackTraceContaining("Request limit exceeded");
        assertThat(ec2Proxy.seen("CreateTransitGatewayRoute")).isZero();
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).as("no claim").isZero();
        assertThat(f.s.owners.load(f.key).orElseThrow().status()).isEqualTo(Ownership.ClaimStatus.APPLIED);

        ReconcileResult r2 = nextScheduled(f, "r2");

        assertThat(r2.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(ec2Proxy.forwarded("CreateTransitGatewayRoute")).isEqualTo(1);
        assertFailedOver(f, 0);
    }

    @Test
    void aCreateThrottledPastTheSdkRetriesIsRetriedInTheSameInvocation(LocalAws aws) {
        Scenario s = new Scenario(aws);
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        ec2Proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
        proxied = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).endpointOverride(ec2Proxy.endpoint()).build();
        Reconciler r = reconciler(s, shim.wrap(proxied));
        ec2Proxy.inject("CreateTransitGatewayRoute", Fault.throttle(), 3);

        ReconcileResult r1 = r.reconcile(config(s, w), ReconcileOptions.apply("r1"));

        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(ec2Proxy.forwarded("CreateTransitGatewayRoute")).isEqualTo(1);
        assertThat(hop(shim.wrap(s.ec2), w)).isEqualTo(w.attachA);
        RouteKey key = new RouteKey(w.table, Destination.parse(SPOKE));
        assertThat(s.owners.load(key).orElseThrow().status()).isEqualTo(Ownership.ClaimStatus.APPLIED);
        assertThat(s.owners.history(key, 50)).extracting(HistoryEntry::outcome)
                .containsExactly(HistoryEntry.Outcome.APPLIED, HistoryEntry.Outcome.FAILED);
    }
}
