package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The protocol's remaining failure paths, through the fault proxies of {@link OwnershipFixture}: Route Failover
 * events are at least once (outbox written with the settle, published after the commit, re-sent by the next
 * reconcile when the publish failed, with one idempotency key per change); the repair decides on reads that cannot
 * be older than what they judge; a claim or settle throttled by DynamoDB is retried inside the invocation, bounded.
 * Every test asserts the route, record, history and events as {@link OwnershipFixture#assertConsistent} does.
 */
@ExtendWith({LocalAwsExtension.class, OwnershipFixture.Resolver.class})
class OwnershipEventsIT {
    /** The key of the move's event (the second change: the setup created the route at version 1). */
    private static String moveKey(OwnershipFixture f) {
        Ownership o = f.record();
        return f.rtb + "|0.0.0.0/0|" + o.claim().version();
    }

    private static long reachedEventBridge(OwnershipFixture f, String key) {
        return f.ebProxy.forwardedBodies("PutEvents").stream().filter(b -> b.contains(key)).count();
    }

    // ---- Route Failover events: at least once, through the outbox --------------------------------------------

    static Stream<Arguments> publishFaults() {
        return Stream.of(
                Arguments.of("PutEvents throttled (ThrottlingException) x3", Fault.throttle()),
                Arguments.of("PutEvents 500 InternalException x3", new Fault.Error(500, "InternalException", "Internal service error")),
                Arguments.of("PutEvents connection reset before EventBridge x3", new Fault.ResetBefore()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publishFaults")
    void anEventWhosePublishFailedIsSentExactlyOnceByTheNextReconcile(String name, Fault fault, OwnershipFixture f, LocalAws aws) {
        f.ebProxy.inject("PutEvents", fault, 3);

        ReconcileResult r1 = f.reconcile("r1");

        // Before: the event was logged as failed and lost for good. Now it waits in the outbox, due at once.
        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        String key = moveKey(f);
        assertThat(f.events).as("not confirmed").hasSize(1);
        assertThat(f.owners.list().unannounced()).singleElement().satisfies(u -> {
            assertThat(u.change().idempotencyKey()).isEqualTo(key);
            assertThat(u.due()).as("due at once after a failed publish").isBeforeOrEqualTo(f.clock.instant());
        });
        aws.calls().reset();

        ReconcileResult r2 = f.nextScheduled("r2");

        assertThat(r2.converged()).as("nothing to change in EC2").isTrue();
        assertThat(reachedEventBridge(f, key)).as("re-sent exactly once").isEqualTo(1);
        f.assertConsistent();
        assertThat(f.events.get(1).idempotencyKey()).isEqualTo(key);
        assertThat(f.events.get(1).invocationId()).as("the event as recorded with the change").isEqualTo("r1");
        // The re-send: lease (UpdateItem), PutEvents, removal from the outbox (UpdateItem).
        assertThat(aws.calls().calls("EventBridge.PutEvents")).isEqualTo(1);
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).isEqualTo(2);
        f.row(name, 1, r1, r2);
        assertThat(f.nextScheduled("r3").converged()).isTrue();
        assertThat(reachedEventBridge(f, key)).as("and never again").isEqualTo(1);
    }

    @Test
    void anEventWhosePublishResponseWasLostIsResentWithTheSameIdempotencyKey(OwnershipFixture f) {
        f.ebProxy.inject("PutEvents", new Fault.LostResponse(), 3);

        ReconcileResult r1 = f.reconcile("r1");

        String key = moveKey(f);
        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(reachedEventBridge(f, key)).as("the SDK's attempts reached EventBridge; no response came back").isEqualTo(3);
        ReconcileResult r2 = f.nextScheduled("r2");

        // At least once: EventBridge got it more than once, always with the same key, so consumers dedupe on it.
        assertThat(reachedEventBridge(f, key)).isEqualTo(4);
        assertThat(f.ebProxy.forwardedBodies("PutEvents").stream().filter(b -> b.contains(f.rtb + "|0.0.0.0/0|")).count())
                .as("every copy of the move's event carries the same key").isEqualTo(4);
        f.assertConsistent();
        f.row("PutEvents reached EventBridge, response lost x3", 1, r1, r2);
    }

    @Test
    void ofTwoReconcilesFindingTheSameOverdueEventOnlyOneSendsIt(OwnershipFixture f) {
        f.ebProxy.inject("PutEvents", Fault.throttle(), 3);
        f.reconcile("r1");
        f.ebProxy.clear();
        OwnershipStore.Unannounced overdue = f.owners.list().unannounced().get(0);
        String key = overdue.change().idempotencyKey();

        Announcer.Announced first = new Announcer(f.owners, changes -> { }, f.clock).announce(List.of(), List.of(overdue));
        Announcer.Announced second = new Announcer(f.owners, changes -> {
            throw new AssertionError("the second re-sender must not publish");
        }, f.clock).announce(List.of(), List.of(overdue));

        assertThat(first.resent()).isEqualTo(1);
        assertThat(second.leaseLost()).as("the lease (a conditional write on the entry's due time) admits one").isEqualTo(1);
        assertThat(second.published()).isZero();
        assertThat(f.owners.list().unannounced()).isEmpty();
        assertThat(key).endsWith("|" + f.record().claim().version());
    }

    // ---- the repair decides on reads no older than what they judge --------------------------------------------

    @Test
    void aStaleRouteTableReadCannotMakeTheRepairWriteOffAChangeThatHappened(OwnershipFixture f, LocalAws aws) {
        OwnershipFaultsIT.deadWritersClaim(f);
        assertThat(f.reconcile("r-early").actions()).as("inside its deadline: hands off").isEmpty();
        byte[] stale = f.ec2Proxy.lastResponse("DescribeRouteTables"); // the route still on nat-a
        // The dead writer's ReplaceRoute reached EC2 before it died.
        aws.ec2().replaceRoute(b -> b.routeTableId(f.rtb).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(f.net.primaryEni(f.natB)));
        f.ec2Proxy.clear();
        f.ec2Proxy.resetCounts();
        f.clock.advance(OwnershipFixture.SCHEDULE);
        // The observation and the repair's first read are delivered late: they show the table before the change.
        f.ec2Proxy.inject("DescribeRouteTables", new Fault.Replay(stale), 2);

        ReconcileResult r1 = f.reconcile("r1");

        // Before: the repair decided on the observation alone, superseded the claim (ABANDONED history, no event)
        // and then "moved" the route that was already right, recording a change EC2 had made earlier.
        assertThat(r1.actions()).extracting(ActionOutcome::status).containsExactly(Status.REPAIRED);
        assertThat(f.ec2Proxy.seen("DescribeRouteTables")).as("observe, repair read, confirming read").isEqualTo(3);
        f.assertConsistent();
        assertThat(f.history()).noneMatch(h -> h.outcome() == HistoryEntry.Outcome.ABANDONED);
        assertThat(f.history().get(0)).satisfies(h -> {
            assertThat(h.by()).isEqualTo("dead-writer");
            assertThat(h.recordedBy()).isEqualTo("r1");
        });
        assertThat(f.nextScheduled("r2").converged()).isTrue();
    }

    @Test
    void aStaleListingCannotMakeTheRepairTouchANewerClaim(OwnershipFixture f, LocalAws aws) {
        Ownership dead = OwnershipFaultsIT.deadWritersClaim(f);
        f.reconcile("r-early");
        byte[] staleListing = f.ddbProxy.lastResponse("Query", "\"ROUTE\""); // the route listing: the claim PENDING
        // The writer was not dead: it changed EC2 and settled late; then a live writer claimed again.
        RouteTarget natB = RouteTarget.eni(f.net.primaryEni(f.natB), f.natB);
        aws.ec2().replaceRoute(b -> b.routeTableId(f.rtb).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(f.net.primaryEni(f.natB)));
        long v = dead.claim().version();
        f.owners.settle(new OwnershipStore.Settlement(f.key, v, Ownership.ClaimStatus.APPLIED, natB, f.clock.instant(), "dead-writer",
                null, UUID.randomUUID().toString(), new HistoryEntry(f.key, "default-egress", v, dead.updatedAt(), "dead-writer",
                        dead.claim().from(), natB, "nat-a stopped", false, HistoryEntry.Outcome.APPLIED, null, null)));
        Ownership settled = f.record();
        f.owners.claim(new OwnershipStore.Claim(f.key, "default-egress", natB, natB, settled.version(), f.clock.instant(), "live-writer",
                "test", f.clock.instant().plus(Duration.ofHours(1)), UUID.randomUUID().toString()));
        f.ddbProxy.clear();
        f.clock.advance(OwnershipFixture.SCHEDULE);
        f.ddbProxy.inject("Query", "\"ROUTE\"", new Fault.Replay(staleListing), 1);
        aws.calls().reset();

        ReconcileResult r1 = f.reconcile("r1");

        // The consistent re-read shows the live claim: no settle is even attempted, the live claim is untouched.
        assertThat(r1.actions()).noneMatch(a -> a.status() == Status.REPAIRED || a.status() == Status.RELEASED);
        assertThat(aws.calls().calls("DynamoDb.TransactWriteItems")).as("no repair write on a stale listing").isZero();
        Ownership now = f.record();
        assertThat(now.status()).isEqualTo(Ownership.ClaimStatus.PENDING);
        assertThat(now.updatedBy()).isEqualTo("live-writer");
    }

    @Test
    void aStaleListingDoesNotMakeOurOwnChangeLookChangedOutside(OwnershipFixture f, LocalAws aws) {
        f.owners.loadAll(); // through the proxy: the listing as it is now (the route recorded on nat-a)
        byte[] staleListing = f.ddbProxy.lastResponse("Query", "\"ROUTE\"");
        f.reconcile("r1"); // moves the route to nat-b and records it
        f.ddbProxy.clear();
        f.clock.advance(Duration.ofMinutes(2)); // past the claim lease: a disagreement is no longer "EC2 catching up"
        f.ddbProxy.inject("Query", "\"ROUTE\"", new Fault.Replay(staleListing), 1);
        aws.calls().reset();

        ReconcileResult r2 = f.reconcile("r2");

        // Before: the stale record (nat-a) against the table (nat-b) was reported as a change made outside.
        assertThat(r2.notes()).noneMatch(n -> n.message().contains("changed outside"));
        assertThat(aws.calls().calls("DynamoDb.BatchGetItem")).as("one consistent re-read of the disagreeing record").isEqualTo(1);
        assertThat(r2.actions()).isEmpty();
        f.assertConsistent();
    }

    // ---- DynamoDB throttling the protocol's writes: retried in the invocation, bounded ------------------------

    @Test
    void aClaimThrottledPastTheSdkRetriesIsRetriedInTheSameInvocation(OwnershipFixture f, LocalAws aws) {
        // Five throttled responses: the SDK's three attempts of our first claim, two of our second.
        f.ddbProxy.inject("UpdateItem", "claimId", new Fault.Throttle("ProvisionedThroughputExceededException"), 5);

        ReconcileResult r = f.reconcile("r1");

        // Before: "claim failed, nothing written": FAILED, and the route stayed on the stopped instance until the next reconcile.
        assertThat(r.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(f.ddbProxy.forwardedBodies("UpdateItem").stream().filter(b -> b.contains("claimId")).count())
                .as("the sixth attempt reached DynamoDB").isEqualTo(1);
        // Claims: our 2 attempts, 6 HTTP attempts; plus the outbox removal after publishing (1 call, 1 attempt).
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).isEqualTo(3);
        assertThat(aws.calls().attempts("DynamoDb.UpdateItem")).isEqualTo(7);
        f.assertConsistent();
        f.row("claim UpdateItem ProvisionedThroughputExceededException x5", 0, r);
        assertThat(f.nextScheduled("r2").converged()).isTrue();
    }

    @Test
    void aSettleCancelledForThrottlingIsRetriedInTheSameInvocation(OwnershipFixture f, LocalAws aws) {
        f.ddbProxy.inject("TransactWriteItems", new Fault.TransactionCanceled(List.of("ThrottlingError", "None")), 3);

        ReconcileResult r = f.reconcile("r1");

        // Before: two attempts, then UNRECORDED (route moved, not recorded until a repair after the claim deadline).
        assertThat(r.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED);
        assertThat(aws.calls().attempts("DynamoDb.TransactWriteItems")).as("the SDK does not retry a cancelled transaction: we do")
                .isEqualTo(4);
        assertThat(aws.calls().calls("DynamoDb.TransactWriteItems")).isEqualTo(4);
        f.assertConsistent();
        f.row("settle TransactionCanceled [ThrottlingError, None] x3", 0, r);
        assertThat(f.nextScheduled("r2").converged()).isTrue();
    }

    // ---- Correlated data-path alerts of routes that leave the config -------------------------------------------

    @Test
    void anOpenAlertOfASlotTheConfigNoLongerSelectsIsClearedByTheNextReconcileOnce(OwnershipFixture f) {
        // The route (on nat-a, which stopped) has an open correlated-failure alert; then the operator points the route,
        // same name, at another destination in the same table. The old slot's record is no longer managed.
        OwnershipStore.Unannounced opening = new OwnershipStore.Unannounced(f.key, Long.MIN_VALUE + OwnershipFixture.T0.toEpochMilli(),
                new RouteChangeNotifier.RouteChange(f.rtb, "0.0.0.0/0", "default-egress", null, null, null, null, "opened by the test",
                        1, false, false, "test", OwnershipFixture.T0, RouteChangeNotifier.RouteChange.CORRELATED_FAILURE),
                OwnershipFixture.T0);
        assertThat(f.owners.alert(f.key, "default-egress", OwnershipFixture.T0, null, opening)).isTrue();
        FailoverConfig old = f.configNow.get();
        RouteSpec replaced = old.routes().get(0);
        f.configNow.set(new FailoverConfig(old.vpcId(), old.checks(), old.targets(), List.of(new RouteSpec("default-egress",
                Destination.parse("10.99.0.0/16"), replaced.routeTables(), replaced.targets(), List.of(), replaced.policy()))));

        f.nextScheduled("r1");
        f.nextScheduled("r2");

        List<RouteChangeNotifier.RouteChange> cleared = f.events.stream()
                .filter(e -> RouteChangeNotifier.RouteChange.CORRELATED_CLEARED.equals(e.alert())).toList();
        assertThat(cleared).as("one cleared event over two reconciles").singleElement().satisfies(e -> {
            assertThat(e.routeName()).isEqualTo("default-egress");
            assertThat(e.routeTableId()).isEqualTo(f.rtb);
            assertThat(e.reason()).contains("no longer manages 0.0.0.0/0 in " + f.rtb);
        });
        assertThat(f.record().correlatedSince()).isNull();
        assertThat(f.routeInstance()).as("a route no longer managed is never touched").isEqualTo(f.natA);
    }

    @Test
    void anOpenAlertOnATableDeletedSinceIsClearedByTheNextReconcileOnce(OwnershipFixture f, LocalAws aws) {
        // A second private table of the VPC had its default route's alert open; then the table was deleted (the
        // subnet moved to another table). No reconcile observes it again, so only EC2 can say it is gone.
        String gone = aws.ec2().createRouteTable(r -> r.vpcId(f.net.vpcId())).routeTable().routeTableId();
        io.github.vpcroutefailover.domain.model.RouteKey key = new io.github.vpcroutefailover.domain.model.RouteKey(gone, OwnershipFixture.DEFAULT);
        // Opened long enough ago to be past the grace an unobserved table gets (CorrelatedAlerts.DELETED_TABLE_GRACE).
        java.time.Instant opened = OwnershipFixture.T0.minus(CorrelatedAlerts.DELETED_TABLE_GRACE).minusSeconds(60);
        OwnershipStore.Unannounced opening = new OwnershipStore.Unannounced(key, Long.MIN_VALUE + opened.toEpochMilli(),
                new RouteChangeNotifier.RouteChange(gone, "0.0.0.0/0", "default-egress", null, null, null, null, "opened by the test",
                        1, false, false, "test", opened, RouteChangeNotifier.RouteChange.CORRELATED_FAILURE),
                opened);
        assertThat(f.owners.alert(key, "default-egress", opened, null, opening)).isTrue();
        aws.ec2().deleteRouteTable(r -> r.routeTableId(gone));
        aws.calls().reset();

        f.nextScheduled("r1");
        long whileOpen = aws.calls().snapshot().getOrDefault("Ec2.DescribeRouteTables", 0L);
        aws.calls().reset();
        f.nextScheduled("r2");
        long afterwards = aws.calls().snapshot().getOrDefault("Ec2.DescribeRouteTables", 0L);
        f.nextScheduled("r3");

        List<RouteChangeNotifier.RouteChange> cleared = f.events.stream()
                .filter(e -> RouteChangeNotifier.RouteChange.CORRELATED_CLEARED.equals(e.alert())).toList();
        assertThat(cleared).as("one cleared event over three reconciles").singleElement().satisfies(e -> {
            assertThat(e.routeTableId()).isEqualTo(gone);
            assertThat(e.reason()).contains("route table " + gone + " of route 'default-egress' no longer exists");
        });
        assertThat(f.owners.load(key).orElseThrow().correlatedSince()).isNull();
        // The check is one more read, made only while such an alert is open.
        assertThat(whileOpen).as("DescribeRouteTables with the alert open: the observe's and the check's").isEqualTo(afterwards + 1);
        assertThat(afterwards).as("once closed: the observe's only").isEqualTo(1);
    }
}
