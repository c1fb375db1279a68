package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The correlated data-path failure alert (issue #14, docs/events.md "alert") against DynamoDB Local through the real
 * store: one event on entering and one on leaving across any number of reconciles (the state is on the route's
 * record and opening or closing it is one conditional write with the event in the outbox), at least once (a failed
 * publish is re-sent from the outbox with the same idempotency key), and the record's fence stays usable. Counts
 * calls and events, never durations.
 */
@ExtendWith(LocalAwsExtension.class)
class CorrelatedAlertIT {
    static final RouteKey KEY = new RouteKey("rtb-0aaaaaaaaaaaaaaaa", Destination.parse("0.0.0.0/0"));
    static final RouteTarget A = RouteTarget.eni("eni-0aaaaaaaaaaaaaaaa", "i-0aaaaaaaaaaaaaaaa");
    static final Candidate NAT_A = new Candidate("nat-a", A, "us-east-1a", List.of(), false);

    static Plan plan(boolean correlated) {
        return plan(KEY, correlated);
    }

    static Plan plan(RouteKey key, boolean correlated) {
        RouteStatus s = new RouteStatus("egress", key, "us-east-1a", A, false, null, 0,
                List.of(new RouteStatus.CandidateHealth(NAT_A, Health.HEALTHY, false, "")), "stays");
        List<PlanNote> notes = correlated ? List.of(new PlanNote(PlanNote.Level.WARN, "egress", null,
                DataPaths.CORRELATED_NOTE + " of route 'egress' (nat-a, nat-b: egress-path): the destination itself is likely down"))
                : List.of();
        return new Plan(List.of(), notes, List.of(s));
    }

    /** One reconcile's part: read the records as the listing does, then open or close the alert. */
    static List<OwnershipStore.Unannounced> reconcile(OwnershipStore store, boolean correlated, Instant now, String caller) {
        return CorrelatedAlerts.update(store, plan(correlated), store.list().records(),
                java.util.Set.of(KEY.routeTableId()), caller, now, Duration.ofSeconds(5));
    }

    static DynamoDbOwnershipStore store(LocalAws aws) {
        String table = aws.uniqueName("ownership");
        OwnershipTable.create(aws.dynamoDb(), table);
        return new DynamoDbOwnershipStore(aws.dynamoDb(), table);
    }

    @Test
    void oneEventOnEnteringAndOneOnLeavingWhateverTheNumberOfReconciles(LocalAws aws) {
        DynamoDbOwnershipStore store = store(aws);
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        aws.calls().reset();

        List<OwnershipStore.Unannounced> queued = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            queued.addAll(reconcile(store, true, t0.plusSeconds(i), "r" + i));
        }
        assertThat(queued).as("five reconciles in the state, one alert").singleElement().satisfies(u -> {
            assertThat(u.change().alert()).isEqualTo(RouteChange.CORRELATED_FAILURE);
            assertThat(u.change().idempotencyKey()).isEqualTo("rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0|data-path-correlated-failure|" + t0.toEpochMilli());
            assertThat(u.change().from()).isEqualTo(A).isEqualTo(u.change().to());
            assertThat(u.change().toTarget()).isEqualTo("nat-a");
        });
        assertThat(aws.calls().calls("DynamoDb.UpdateItem")).as("one write: the others read the open alert from the listing").isEqualTo(1);
        Ownership record = store.load(KEY).orElseThrow();
        assertThat(record.correlatedSince()).isEqualTo(t0);
        assertThat(record.version()).as("a record created by the alert starts at 1, as one created by a pin").isEqualTo(1);
        assertThat(store.list().unannounced()).as("the event waits in the outbox until published")
                .extracting(u -> u.change().idempotencyKey()).containsExactly(queued.get(0).change().idempotencyKey());

        // A concurrent reconcile that read the listing before the alert opened loses the conditional write: no duplicate.
        Map<RouteKey, Ownership> stale = Map.of();
        assertThat(CorrelatedAlerts.update(store, plan(true), stale, java.util.Set.of(KEY.routeTableId()), "late", t0.plusSeconds(1),
                Duration.ofSeconds(5))).isEmpty();

        // The fence is intact: a claim at the record's version wins.
        store.claim(new OwnershipStore.Claim(KEY, "egress", A, A, 1, t0.plusSeconds(6), "c", "test claim", t0.plusSeconds(36), "claim-1"));
        assertThat(store.load(KEY).orElseThrow().version()).isEqualTo(2);
        assertThat(store.load(KEY).orElseThrow().correlatedSince()).as("a claim keeps the alert").isEqualTo(t0);

        List<OwnershipStore.Unannounced> cleared = new ArrayList<>();
        for (int i = 10; i < 14; i++) {
            cleared.addAll(reconcile(store, false, t0.plusSeconds(i), "r" + i));
        }
        assertThat(cleared).as("four reconciles out of the state, one cleared alert").singleElement()
                .satisfies(u -> assertThat(u.change().alert()).isEqualTo(RouteChange.CORRELATED_CLEARED));
        assertThat(store.load(KEY).orElseThrow().correlatedSince()).isNull();
        assertThat(reconcile(store, true, t0.plusSeconds(20), "r20")).as("a new episode alerts again").hasSize(1);
    }

    @Test
    void aFailedPublishIsResentFromTheOutboxWithTheSameKeyAndThenRemoved(LocalAws aws) {
        DynamoDbOwnershipStore store = store(aws);
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        List<String> sent = new ArrayList<>();
        boolean[] fail = {true};
        RouteChangeNotifier notifier = new RouteChangeNotifier() {
            @Override
            public void routesChanged(List<RouteChange> changes) {
            }

            @Override
            public List<Boolean> publish(List<RouteChange> changes) {
                changes.forEach(c -> sent.add(c.idempotencyKey()));
                return changes.stream().map(c -> !fail[0]).toList();
            }
        };
        MutableClock clock = new MutableClock(t0);
        Announcer announcer = new Announcer(store, notifier, clock);

        List<OwnershipStore.Unannounced> own = reconcile(store, true, t0, "r1");
        assertThat(announcer.announce(own, List.of())).satisfies(a -> assertThat(a.failed()).isEqualTo(1));
        OwnershipStore.Listing listing = store.list();
        assertThat(listing.unannounced()).as("due at once for the next reconcile").singleElement()
                .satisfies(u -> assertThat(u.due()).isBeforeOrEqualTo(clock.instant()));

        fail[0] = false;
        clock.advance(Duration.ofSeconds(1));
        assertThat(reconcile(store, true, clock.instant(), "r2")).as("still in the state: nothing new").isEmpty();
        assertThat(announcer.announce(List.of(), listing.unannounced())).satisfies(a -> assertThat(a.resent()).isEqualTo(1));
        assertThat(sent).hasSize(2).containsOnly(own.get(0).change().idempotencyKey());
        assertThat(store.list().unannounced()).as("published, removed").isEmpty();
        assertThat(store.load(KEY).orElseThrow().correlatedSince()).as("the alert stays open").isEqualTo(t0);
    }

    @Test
    void aReSenderThatFindsBothSidesOfAnEpisodeSendsTheOpeningOneFirst(LocalAws aws) {
        // EventBridge down for a whole episode: both entries wait in the outbox; sent cleared-then-failure, a consumer
        // would be left believing the alert is still open.
        DynamoDbOwnershipStore store = store(aws);
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        List<String> sent = new ArrayList<>();
        RouteChangeNotifier notifier = new RouteChangeNotifier() {
            @Override
            public void routesChanged(List<RouteChange> changes) {
            }

            @Override
            public List<Boolean> publish(List<RouteChange> changes) {
                changes.forEach(c -> sent.add(c.alert()));
                return changes.stream().map(c -> true).toList();
            }
        };
        assertThat(reconcile(store, true, t0, "r1")).hasSize(1);
        assertThat(reconcile(store, false, t0.plusSeconds(10), "r2")).hasSize(1);
        MutableClock clock = new MutableClock(t0.plusSeconds(60));

        new Announcer(store, notifier, clock).announce(List.of(), store.list().unannounced());

        assertThat(sent).containsExactly(RouteChange.CORRELATED_FAILURE, RouteChange.CORRELATED_CLEARED);
        assertThat(store.list().unannounced()).as("both published, removed").isEmpty();
    }

    @Test
    void anOpenAlertWhoseSlotTheConfigNoLongerSelectsIsClearedOnceAndOnlyForTablesThisReconcileObserved(LocalAws aws) {
        DynamoDbOwnershipStore store = store(aws);
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(reconcile(store, true, t0, "r1")).hasSize(1);
        Plan withoutTheRoute = new Plan(List.of(), List.of(), List.of());

        // Another VPC's reconcile (the table is not one it observed), and a config that still selects the slot without
        // planning it (two routes claim it): nothing.
        assertThat(CorrelatedAlerts.update(store, withoutTheRoute, store.list().records(), java.util.Set.of("rtb-0bbbbbbbbbbbbbbbb"),
                "vpc-b", t0.plusSeconds(1), Duration.ofSeconds(5))).isEmpty();
        Plan selectedNotPlanned = new Plan(List.of(), List.of(), List.of(), java.util.Set.of(KEY));
        assertThat(CorrelatedAlerts.update(store, selectedNotPlanned, store.list().records(), java.util.Set.of(KEY.routeTableId()), "r2",
                t0.plusSeconds(2), Duration.ofSeconds(5))).isEmpty();
        assertThat(store.load(KEY).orElseThrow().correlatedSince()).isEqualTo(t0);

        java.util.Set<String> observed = java.util.Set.of(KEY.routeTableId());
        List<OwnershipStore.Unannounced> cleared = new ArrayList<>();
        for (int i = 3; i < 6; i++) {
            cleared.addAll(CorrelatedAlerts.update(store, withoutTheRoute, store.list().records(), observed, "r" + i,
                    t0.plusSeconds(i), Duration.ofSeconds(5)));
        }
        assertThat(cleared).as("three reconciles after the route left the config, one cleared alert").singleElement().satisfies(u -> {
            assertThat(u.change().alert()).isEqualTo(RouteChange.CORRELATED_CLEARED);
            assertThat(u.change().routeName()).isEqualTo("egress");
            assertThat(u.change().reason()).contains("no longer manages 0.0.0.0/0 in " + KEY.routeTableId());
        });
        assertThat(store.load(KEY).orElseThrow().correlatedSince()).isNull();
    }

    @Test
    void anOpenAlertOnATableThatNoLongerExistsIsClearedOnceAndAQuietReconcileAsksEc2Nothing(LocalAws aws) {
        DynamoDbOwnershipStore store = store(aws);
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.77.0.0/16")).vpc().vpcId();
        String kept = aws.ec2().createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        String deleted = aws.ec2().createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
        RouteKey onKept = new RouteKey(kept, Destination.parse("0.0.0.0/0"));
        RouteKey onDeleted = new RouteKey(deleted, Destination.parse("0.0.0.0/0"));
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        for (RouteKey k : List.of(onKept, onDeleted)) {
            assertThat(CorrelatedAlerts.update(store, plan(k, true), store.list().records(),
                    java.util.Set.of(k.routeTableId()), "open", t0, Duration.ofSeconds(5))).hasSize(1);
        }
        aws.ec2().deleteRouteTable(r -> r.routeTableId(deleted));
        // The reconciler's question, through the real adapter: which of these tables still exist here?
        io.github.vpcroutefailover.aws.ec2.Ec2RouteTables ec2 = new io.github.vpcroutefailover.aws.ec2.Ec2RouteTables(aws.ec2());
        List<java.util.Collection<String>> asked = new ArrayList<>();
        java.util.function.Function<java.util.Collection<String>, java.util.Set<String>> existing = ids -> {
            asked.add(List.copyOf(ids));
            return ec2.existingTables(ids);
        };

        // Within the grace period (a table just created elsewhere may not be visible yet): not even asked.
        assertThat(CorrelatedAlerts.closeOnDeletedTables(store, store.list().records(), java.util.Set.of(), existing, "early",
                t0.plus(CorrelatedAlerts.DELETED_TABLE_GRACE), Duration.ofSeconds(5))).isEmpty();
        assertThat(asked).isEmpty();

        // Then, as seen by another VPC's reconciles (neither table observed): the deleted table's alert closes once.
        Instant later = t0.plus(CorrelatedAlerts.DELETED_TABLE_GRACE).plusSeconds(1);
        List<OwnershipStore.Unannounced> cleared = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            cleared.addAll(CorrelatedAlerts.closeOnDeletedTables(store, store.list().records(), java.util.Set.of(), existing, "r" + i,
                    later.plusSeconds(i), Duration.ofSeconds(5)));
        }

        assertThat(cleared).as("one cleared alert, for the deleted table only").singleElement().satisfies(u -> {
            assertThat(u.change().alert()).isEqualTo(RouteChange.CORRELATED_CLEARED);
            assertThat(u.change().reason()).contains("route table " + deleted + " of route 'egress' no longer exists");
        });
        assertThat(store.load(onDeleted).orElseThrow().correlatedSince()).isNull();
        assertThat(store.load(onKept).orElseThrow().correlatedSince()).as("another VPC's table, still there: its alert stays").isEqualTo(t0);
        assertThat(asked).as("one read per reconcile while an alert sits on an unobserved table, only those tables")
                .hasSize(3).allSatisfy(ids -> assertThat(ids).isSubsetOf(kept, deleted));

        // The kept table observed by its own VPC's reconcile: no EC2 question at all.
        asked.clear();
        assertThat(CorrelatedAlerts.closeOnDeletedTables(store, store.list().records(), java.util.Set.of(kept), existing, "own",
                later.plusSeconds(10), Duration.ofSeconds(5))).isEmpty();
        assertThat(asked).as("every open alert is on an observed table").isEmpty();
    }

    @Test
    void aFailedExistenceCheckLeavesTheAlertForTheNextReconcile(LocalAws aws) {
        DynamoDbOwnershipStore store = store(aws);
        Instant t0 = Instant.parse("2030-01-01T00:00:00Z");
        assertThat(reconcile(store, true, t0, "r1")).hasSize(1);

        assertThat(CorrelatedAlerts.closeOnDeletedTables(store, store.list().records(), java.util.Set.of(), ids -> {
            throw new IllegalStateException("Throttling: Rate exceeded");
        }, "r2", t0.plus(CorrelatedAlerts.DELETED_TABLE_GRACE).plusSeconds(1), Duration.ofSeconds(5))).isEmpty();
        assertThat(store.load(KEY).orElseThrow().correlatedSince()).isEqualTo(t0);
    }
}
