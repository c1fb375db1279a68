package io.github.vpcroutefailover.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.OwnershipStore.Claim;
import io.github.vpcroutefailover.ports.StaleStateException;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveStatus;

@ExtendWith(LocalAwsExtension.class)
class DynamoDbStoresIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final RouteKey KEY = RouteKey.parse("rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0");
    private static final RouteTarget NAT_A = RouteTarget.eni("eni-0aaaaaaaaaaaaaaaa", "i-0aaaaaaaaaaaaaaaa");
    private static final RouteTarget NAT_B = RouteTarget.eni("eni-0bbbbbbbbbbbbbbbb", "i-0bbbbbbbbbbbbbbbb");

    private DynamoDbClient ddb;
    private String table;
    private DynamoDbOwnershipStore owners;
    private DynamoDbTargetStateStore states;

    @BeforeEach
    void setUp(LocalAws aws) {
        ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"),
                software.amazon.awssdk.core.retry.RetryMode.STANDARD).build();
        table = aws.uniqueName("ownership");
        OwnershipTable.create(ddb, table);
        owners = new DynamoDbOwnershipStore(ddb, table, Duration.ofDays(30));
        states = new DynamoDbTargetStateStore(ddb, table);
        aws.calls().reset();
    }

    private static Claim claim(RouteTarget to, long expected, String by) {
        return new Claim(KEY, "default-egress", to, null, expected, T0, by, "nat-a unhealthy", T0.plusSeconds(10),
                java.util.UUID.randomUUID().toString());
    }

    private Ownership settle(RouteKey key, long claimVersion, Ownership.ClaimStatus status, RouteTarget holds, String by,
                             Instant abandonedBefore) {
        HistoryEntry h = new HistoryEntry(key, "default-egress", claimVersion, T0, "fn-1", null, holds, "nat-a unhealthy", false,
                status == Ownership.ClaimStatus.APPLIED ? HistoryEntry.Outcome.APPLIED : HistoryEntry.Outcome.FAILED, null,
                abandonedBefore == null ? null : by);
        return owners.settle(new OwnershipStore.Settlement(key, claimVersion, status, holds, T0.plusSeconds(1), by, abandonedBefore,
                java.util.UUID.randomUUID().toString(), h));
    }

    @Test
    void tableHasTtlOnExpiresAtAndTheListingIndex() {
        var ttl = ddb.describeTimeToLive(r -> r.tableName(table)).timeToLiveDescription();
        assertThat(ttl.attributeName()).isEqualTo(OwnershipTable.EXPIRES_AT);
        assertThat(ttl.timeToLiveStatus()).isIn(TimeToLiveStatus.ENABLED, TimeToLiveStatus.ENABLING);
        var desc = ddb.describeTable(r -> r.tableName(table)).table();
        assertThat(desc.billingModeSummary().billingModeAsString()).isEqualTo("PAY_PER_REQUEST");
        assertThat(desc.globalSecondaryIndexes()).singleElement().satisfies(g -> assertThat(g.indexName()).isEqualTo("gsi1"));
    }

    @Test
    void claimBumpsTheVersionMarksPendingAndOnlyTheHolderMayMarkApplied() {
        Ownership first = owners.claim(claim(NAT_A, 0, "fn-1"));
        assertThat(first.version()).isEqualTo(1);
        assertThat(first.status()).isEqualTo(Ownership.ClaimStatus.PENDING);
        assertThat(first.target()).isEqualTo(NAT_A);
        assertThat(first.updatedBy()).isEqualTo("fn-1");
        assertThat(first.routeName()).isEqualTo("default-egress");

        assertThatThrownBy(() -> owners.claim(claim(NAT_B, 1, "fn-2"))).as("never a claim over a PENDING one")
                .isInstanceOf(ClaimLostException.class);
        Ownership applied = settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_A, "fn-1", null);
        assertThat(applied.status()).isEqualTo(Ownership.ClaimStatus.APPLIED);
        assertThat(applied.version()).isEqualTo(1);
        // Settling twice, or a claim we do not hold, fails: the fencing token has to match.
        assertThatThrownBy(() -> settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_A, "fn-1", null)).isInstanceOf(ClaimLostException.class);
        assertThatThrownBy(() -> settle(KEY, 7, Ownership.ClaimStatus.APPLIED, NAT_A, "fn-1", null)).isInstanceOf(ClaimLostException.class);
        assertThat(owners.history(KEY, 10)).as("exactly one history entry, written with the settle").singleElement()
                .satisfies(h -> assertThat(h.outcome()).isEqualTo(HistoryEntry.Outcome.APPLIED));

        Ownership second = owners.claim(claim(NAT_B, 1, "fn-2"));
        assertThat(second.version()).isEqualTo(2);
        assertThat(second.target()).isEqualTo(NAT_B);
        // A stale writer still at version 1 (or one that thinks there is no record) loses and changes nothing.
        assertThatThrownBy(() -> owners.claim(claim(NAT_A, 1, "fn-3"))).isInstanceOf(ClaimLostException.class)
                .hasMessageContaining(KEY.id());
        assertThatThrownBy(() -> owners.claim(claim(NAT_A, 0, "fn-3"))).isInstanceOf(ClaimLostException.class);
        assertThat(owners.load(KEY)).get().satisfies(o -> {
            assertThat(o.version()).isEqualTo(2);
            assertThat(o.target()).isEqualTo(NAT_B);
            assertThat(o.updatedBy()).isEqualTo("fn-2");
        });

        // A withdraw claim clears the target.
        settle(KEY, 2, Ownership.ClaimStatus.APPLIED, NAT_B, "fn-2", null);
        assertThat(owners.claim(claim(null, 2, "fn-2")).target()).isNull();
    }

    @Test
    void ofTwentyConcurrentClaimsOnOneVersionExactlyOneWins() throws Exception {
        owners.claim(claim(NAT_A, 0, "setup"));
        settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_A, "setup", null);
        int n = 20;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            for (int i = 0; i < n; i++) {
                String by = "fn-" + i;
                Callable<Boolean> c = () -> {
                    start.await();
                    try {
                        owners.claim(claim(NAT_B, 1, by));
                        return true;
                    } catch (ClaimLostException lost) {
                        return false;
                    }
                };
                results.add(pool.submit(c));
            }
            start.countDown();
            long winners = 0;
            for (Future<Boolean> f : results) {
                winners += f.get() ? 1 : 0;
            }
            assertThat(winners).isEqualTo(1);
        }
        assertThat(owners.load(KEY)).get().extracting(Ownership::version).isEqualTo(2L);
    }

    @Test
    void historyIsNewestFirstAndCarriesTheTtlAttribute() {
        owners.appendHistory(new HistoryEntry(KEY, "default-egress", 1, T0, "fn-1", null, NAT_A, "initial", false,
                HistoryEntry.Outcome.APPLIED, null));
        owners.appendHistory(new HistoryEntry(KEY, "default-egress", 2, T0.plusMillis(1500), "operator", NAT_A, NAT_B,
                "pinned", true, HistoryEntry.Outcome.APPLIED, null));
        owners.appendHistory(new HistoryEntry(KEY, "default-egress", 3, T0.plusSeconds(10), "fn-2", NAT_B, NAT_A,
                "fail back", false, HistoryEntry.Outcome.FAILED, "UnauthorizedOperation"));

        List<HistoryEntry> history = owners.history(KEY, 10);
        assertThat(history).extracting(HistoryEntry::version).containsExactly(3L, 2L, 1L);
        assertThat(history.get(0).error()).isEqualTo("UnauthorizedOperation");
        assertThat(history.get(0).outcome()).isEqualTo(HistoryEntry.Outcome.FAILED);
        assertThat(history.get(1).forced()).isTrue();
        assertThat(history.get(1).from()).isEqualTo(NAT_A);
        assertThat(history.get(1).to()).isEqualTo(NAT_B);
        assertThat(history.get(2).from()).isNull();
        assertThat(owners.history(KEY, 2)).extracting(HistoryEntry::version).containsExactly(3L, 2L);

        var items = ddb.query(r -> r.tableName(table).keyConditionExpression("pk = :pk AND begins_with(sk, :h)")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("ROUTE#" + KEY.id()), ":h", AttributeValue.fromS("HIST#"))))
                .items();
        assertThat(items).hasSize(3).allSatisfy(i -> assertThat(i).containsKey("expiresAt"));
        assertThat(items).anySatisfy(i -> assertThat(Long.parseLong(i.get("expiresAt").n()))
                .isEqualTo(T0.plus(Duration.ofDays(30)).getEpochSecond()));
        // History never shows up in the listing of current route state.
        assertThat(owners.loadAll()).isEmpty();
    }

    @Test
    void listingReturnsEveryRouteAndPinsSurviveClaims() {
        RouteKey other = RouteKey.parse("rtb-0bbbbbbbbbbbbbbbb|10.255.0.53/32");
        owners.claim(claim(NAT_A, 0, "fn-1"));
        settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_A, "fn-1", null);
        owners.claim(new Claim(other, "dns-anycast", NAT_B, null, 0, T0, "fn-1", "initial", T0.plusSeconds(10), "c-other"));
        Ownership.Pin pin = new Ownership.Pin(NAT_B.key(), T0.plus(Duration.ofHours(1)), true, "alice", "maintenance on nat-a");

        Ownership pinned = owners.setPin(KEY, "default-egress", 1, pin, "alice", T0);
        assertThat(pinned.version()).isEqualTo(2);
        assertThat(pinned.pin()).isEqualTo(pin);
        assertThatThrownBy(() -> owners.setPin(KEY, "default-egress", 1, null, "bob", T0)).isInstanceOf(ClaimLostException.class);
        assertThat(owners.claim(claim(NAT_B, 2, "fn-2")).pin()).as("a claim keeps the pin").isEqualTo(pin);

        Map<RouteKey, Ownership> all = owners.loadAll();
        assertThat(all).containsOnlyKeys(KEY, other);
        assertThat(all.get(KEY).pin()).isEqualTo(pin);
        assertThat(all.get(other).target()).isEqualTo(NAT_B);
        assertThat(owners.setPin(KEY, "default-egress", 3, null, "alice", T0).pin()).isNull();

        // A pin on a route we never touched creates the record without making it a pending claim.
        RouteKey fresh = RouteKey.parse("rtb-0cccccccccccccccc|0.0.0.0/0");
        Ownership created = owners.setPin(fresh, "default-egress", 0, pin, "alice", T0);
        assertThat(created.status()).isEqualTo(Ownership.ClaimStatus.NONE);
        assertThat(created.target()).isNull();
        assertThat(owners.load(List.of(KEY, fresh, RouteKey.parse("rtb-0dddddddddddddddd|0.0.0.0/0")))).containsOnlyKeys(KEY, fresh);
    }

    @Test
    void aPinWhileAClaimIsInFlightNeitherKeepsNorBlocksIt() {
        Ownership claimed = owners.claim(claim(NAT_B, 0, "fn-1"));
        Ownership.Pin pin = new Ownership.Pin(NAT_B.key(), T0.plus(Duration.ofHours(1)), false, "alice", "maintenance");

        Ownership pinned = owners.setPin(KEY, "default-egress", claimed.version(), pin, "alice", T0.plusSeconds(2));

        // Before: the pin bumped the version the claim's mark-applied was conditional on, so the writer could not
        // record its change and the record stayed PENDING for good.
        assertThat(pinned.version()).isEqualTo(2);
        assertThat(pinned.status()).isEqualTo(Ownership.ClaimStatus.PENDING);
        assertThat(pinned.updatedAt()).as("a pin does not refresh the claim").isEqualTo(T0);
        Ownership settled = settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_B, "fn-1", null);
        assertThat(settled.status()).isEqualTo(Ownership.ClaimStatus.APPLIED);
        assertThat(settled.version()).isEqualTo(2);
        assertThat(settled.pin()).isEqualTo(pin);
        // And a plan made before the pin still loses its claim: the pin is a fence.
        assertThatThrownBy(() -> owners.claim(claim(NAT_A, 1, "fn-stale"))).isInstanceOf(ClaimLostException.class);
        assertThat(owners.claim(claim(NAT_A, 2, "fn-2")).version()).isEqualTo(3);
    }

    @Test
    void aRepairSettlesOnlyAfterTheClaimDeadlineAndOnlyOnce() {
        owners.claim(claim(NAT_B, 0, "fn-dead"));

        assertThatThrownBy(() -> settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_B, "repairer", T0.plusSeconds(9)))
                .as("the writer may still act before its deadline").isInstanceOf(ClaimLostException.class);
        Ownership repaired = settle(KEY, 1, Ownership.ClaimStatus.APPLIED, NAT_B, "repairer", T0.plusSeconds(10));
        assertThat(repaired.status()).isEqualTo(Ownership.ClaimStatus.APPLIED);
        assertThat(repaired.claim().settledBy()).isEqualTo("repairer");
        assertThatThrownBy(() -> settle(KEY, 1, Ownership.ClaimStatus.SUPERSEDED, null, "repairer-2", T0.plusSeconds(11)))
                .isInstanceOf(ClaimLostException.class)
                .satisfies(e -> assertThat(((ClaimLostException) e).current().status()).isEqualTo(Ownership.ClaimStatus.APPLIED));
        assertThat(owners.history(KEY, 10)).singleElement().satisfies(h -> assertThat(h.recordedBy()).isEqualTo("repairer"));
    }

    @Test
    void aLostClaimRecognisesItsOwnWriteAndAStaleOneSeesTheRecordThatBeatIt() {
        Claim mine = claim(NAT_B, 0, "fn-1");
        owners.claim(mine);

        // The same claim sent again (what the SDK does after a lost response) finds its own write: not a lost race.
        Ownership again = owners.claim(mine);
        assertThat(again.version()).isEqualTo(1);
        assertThat(again.claim().id()).isEqualTo(mine.claimId());
        assertThatThrownBy(() -> owners.claim(claim(NAT_A, 0, "fn-2"))).isInstanceOf(ClaimLostException.class)
                .satisfies(e -> assertThat(((ClaimLostException) e).current().updatedBy()).isEqualTo("fn-1"));
    }

    @Test
    void targetStatesSaveWithOptimisticVersionsAndDrainsBumpTheVersion() {
        CheckState healthy = new CheckState(Health.HEALTHY, 2, 0, T0, T0.minusSeconds(30), "connect ok");
        TargetState s0 = new TargetState("i-0aaaaaaaaaaaaaaaa", Map.of("nat-tcp", healthy), null, T0.minusSeconds(30), 0);

        TargetState s1 = states.save(s0);
        assertThat(s1.version()).isEqualTo(1);
        assertThatThrownBy(() -> states.save(s0)).isInstanceOf(StaleStateException.class);
        assertThat(states.load(List.of("i-0aaaaaaaaaaaaaaaa")).get("i-0aaaaaaaaaaaaaaaa")).isEqualTo(s1);
        assertThat(states.load(List.of("i-0zzzzzzzzzzzzzzzz"))).containsEntry("i-0zzzzzzzzzzzzzzzz", TargetState.initial("i-0zzzzzzzzzzzzzzzz"));

        TargetState.Drain drain = new TargetState.Drain("alice", T0, "kernel patching");
        TargetState drained = states.setDrain("i-0aaaaaaaaaaaaaaaa", drain, T0);
        assertThat(drained.version()).isEqualTo(2);
        assertThat(drained.drain()).isEqualTo(drain);
        assertThat(drained.checks()).isEqualTo(s1.checks());
        // A reconcile that read version 1 before the drain must not overwrite it.
        assertThatThrownBy(() -> states.save(s1)).isInstanceOf(StaleStateException.class);

        TargetState undrained = states.setDrain("i-0aaaaaaaaaaaaaaaa", null, T0);
        assertThat(undrained.drained()).isFalse();
        assertThat(undrained.version()).isEqualTo(3);
        // Draining a target never seen before creates its state.
        assertThat(states.setDrain("eni-0ccccccccccccccccc", drain, T0).version()).isEqualTo(1);

        Map<String, TargetState> all = states.loadAll();
        assertThat(all).containsOnlyKeys("i-0aaaaaaaaaaaaaaaa", "eni-0ccccccccccccccccc");
        assertThat(all.get("i-0aaaaaaaaaaaaaaaa").checks()).containsEntry("nat-tcp", healthy);
        assertThat(all.get("i-0aaaaaaaaaaaaaaaa").healthySince()).isEqualTo(T0.minusSeconds(30));
        assertThat(owners.loadAll()).as("target states are not routes").isEmpty();
    }
}
