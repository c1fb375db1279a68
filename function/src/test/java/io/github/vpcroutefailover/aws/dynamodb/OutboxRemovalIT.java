package io.github.vpcroutefailover.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.Announcer;
import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.OwnershipStore.Unannounced;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@link Outbox#removeAll}'s fallback: when the one TransactWriteItems that removes the published entries of several
 * records is cancelled (a record deregistered meanwhile, a conflicting write, throttling), each entry is removed on its
 * own. Whatever the cancellation, every published entry ends removed, an entry removed by someone else meanwhile is
 * fine, an entry that was not published stays (its event is not lost), and no removal creates an item. Through
 * DynamoDB Local, the real SDK client and a {@link FaultProxy}; the removals are counted per entry from what reached
 * DynamoDB.
 *
 * <p>The world: records A, B and C, each with the outbox entry of its latest change (version 1, published); C also
 * has the entry of an older change nobody published (its first claim's, version 1; its latest is version 2).
 */
@ExtendWith({LocalAwsExtension.class, ProxiedOwnershipTable.Resolver.class})
class OutboxRemovalIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final RouteKey A = RouteKey.parse("rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0");
    private static final RouteKey B = RouteKey.parse("rtb-0bbbbbbbbbbbbbbbb|0.0.0.0/0");
    private static final RouteKey C = RouteKey.parse("rtb-0cccccccccccccccc|0.0.0.0/0");
    private static final RouteTarget NAT = RouteTarget.eni("eni-0bbbbbbbbbbbbbbbb", "i-0bbbbbbbbbbbbbbbb");

    private LocalAws aws;
    private ProxiedOwnershipTable t;
    private Unannounced a;
    private Unannounced b;
    private Unannounced cOld;
    private Unannounced c;

    @BeforeEach
    void setUp(ProxiedOwnershipTable t, LocalAws aws) {
        this.aws = aws;
        this.t = t;
        a = recordChange(A, 0);
        b = recordChange(B, 0);
        cOld = recordChange(C, 0);
        c = recordChange(C, 1);
        assertThat(unannounced()).containsExactlyInAnyOrder(a, b, cOld, c);
        t.proxy.resetCounts();
        aws.calls().reset();
    }

    /** Claims {@code key} and settles the claim APPLIED with its event in the outbox, as a reconcile does. */
    private Unannounced recordChange(RouteKey key, long expected) {
        long v = expected + 1;
        t.direct.claim(new OwnershipStore.Claim(key, "egress", NAT, null, expected, T0, "fn-1", "nat-a unhealthy", T0.plusSeconds(60),
                UUID.randomUUID().toString()));
        RouteChange change = new RouteChange(key.routeTableId(), key.destination().toString(), "egress", null, null, NAT, "nat-b",
                "nat-a unhealthy", v, false, false, "fn-1", T0);
        Unannounced entry = new Unannounced(key, v, change, T0.plusSeconds(60));
        t.direct.settleWithoutReadBack(new OwnershipStore.Settlement(key, v, Ownership.ClaimStatus.APPLIED, NAT, T0, "fn-1", null,
                UUID.randomUUID().toString(), new HistoryEntry(key, "egress", v, T0, "fn-1", null, NAT, "nat-a unhealthy", false,
                HistoryEntry.Outcome.APPLIED, null, null), entry));
        return entry;
    }

    private List<Unannounced> unannounced() {
        return t.direct.list().unannounced();
    }

    /** UpdateItem requests that reached DynamoDB removing {@code entry} (one per record, so the table id picks it). */
    private long removalsReached(Unannounced entry) {
        return t.proxy.forwardedBodies("UpdateItem").stream()
                .filter(body -> body.contains(entry.key().routeTableId()) && body.contains(Outbox.attribute(entry.version())))
                .count();
    }

    @Test
    void oneTransactionRemovesThePublishedEntriesOfEveryRecordAndNothingElse() {
        t.owners.markAnnounced(List.of(a, b, c));

        assertThat(unannounced()).as("the unpublished older entry stays: its event is not lost").containsExactly(cOld);
        assertThat(aws.calls().calls("DynamoDb.TransactWriteItems")).isEqualTo(1);
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).as("no fallback").isZero();
    }

    @Test
    void aTransactionCancelledBecauseAnotherReconcileRemovedAnEntryFallsBackToOneRemovalPerEntry() {
        // Another reconcile re-sent B's event and removed its entry while ours was in flight: DynamoDB cancels ours
        // for the conflicting write on B's record.
        t.direct.markAnnounced(b);
        aws.calls().reset(); // the emulator's own client counts too
        t.proxy.inject("TransactWriteItems", new Fault.TransactionCanceled(List.of("None", "TransactionConflict", "None")), 1);

        t.owners.markAnnounced(List.of(a, b, c));

        assertThat(unannounced()).containsExactly(cOld);
        assertThat(t.proxy.forwarded("TransactWriteItems")).as("the cancelled transaction wrote nothing").isZero();
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).as("one removal per published entry").isEqualTo(3);
        assertThat(List.of(removalsReached(a), removalsReached(b), removalsReached(c))).as("each removal sent once")
                .containsExactly(1L, 1L, 1L);
        assertThat(aws.calls().attempts("DynamoDb.UpdateItem")).as("B's removal found it gone: not retried").isEqualTo(3);
    }

    @Test
    void aTransactionCancelledForThrottlingFallsBackToOneRemovalPerEntry() {
        t.proxy.inject("TransactWriteItems", new Fault.TransactionCanceled(List.of("ThrottlingError", "None", "None")), 1);

        t.owners.markAnnounced(List.of(a, b, c));

        assertThat(unannounced()).containsExactly(cOld);
        assertThat(aws.calls().attempts("DynamoDb.TransactWriteItems")).as("the SDK does not retry a cancelled transaction").isEqualTo(1);
        assertThat(List.of(removalsReached(a), removalsReached(b), removalsReached(c))).containsExactly(1L, 1L, 1L);
    }

    @Test
    void aRecordDeregisteredMeanwhileCancelsTheTransactionAndIsNotRecreatedByTheFallback() {
        // A real cancellation, no proxy fault: A's record is gone, so its action's condition (the record exists) fails.
        Map<String, AttributeValue> keyOfA = DynamoDbOwnershipStore.stateKey(KeyScope.HOME, A);
        aws.dynamoDb().deleteItem(r -> r.tableName(t.table).key(keyOfA));

        t.owners.markAnnounced(List.of(a, b, c));

        assertThat(t.proxy.forwarded("TransactWriteItems")).as("DynamoDB itself cancelled it").isEqualTo(1);
        assertThat(unannounced()).containsExactly(cOld);
        assertThat(aws.dynamoDb().getItem(r -> r.tableName(t.table).key(keyOfA).consistentRead(true)).item())
                .as("the removal of A's entry did not create an empty record").isNullOrEmpty();
        assertThat(List.of(removalsReached(a), removalsReached(b), removalsReached(c))).containsExactly(1L, 1L, 1L);
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).isEqualTo(3);
    }

    @Test
    void aFallbackRemovalThrottledPastTheSdkRetriesLeavesTheAnnouncerToRemoveEachEntryOnce() {
        // The cancelled transaction, then A's fallback removal throttled on each of the SDK's three attempts: the batch
        // fails and the Announcer removes the entries one by one.
        t.proxy.inject("TransactWriteItems", new Fault.TransactionCanceled(List.of("ThrottlingError", "None", "None")), 1);
        t.proxy.inject("UpdateItem", new Fault.Throttle("ThrottlingException"), 3);
        List<RouteChange> published = new ArrayList<>();
        RouteChangeNotifier confirmAll = new RouteChangeNotifier() {
            @Override
            public void routesChanged(List<RouteChange> changes) {
                publish(changes);
            }

            @Override
            public List<Boolean> publish(List<RouteChange> changes) {
                published.addAll(changes);
                return changes.stream().map(x -> true).toList();
            }
        };

        Announcer.Announced done = new Announcer(t.owners, confirmAll, Clock.fixed(T0, ZoneOffset.UTC)).announce(List.of(a, b, c), List.of());

        assertThat(done.published()).isEqualTo(3);
        assertThat(published).containsExactly(a.change(), b.change(), c.change());
        assertThat(unannounced()).as("every published entry removed, the unpublished one kept").containsExactly(cOld);
        assertThat(List.of(removalsReached(a), removalsReached(b), removalsReached(c))).as("each removal reached DynamoDB once")
                .containsExactly(1L, 1L, 1L);
        assertThat(aws.calls().attempts("DynamoDb.UpdateItem")).as("3 throttled attempts, then one per entry").isEqualTo(6);
    }
}
