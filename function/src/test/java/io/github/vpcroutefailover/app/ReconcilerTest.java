package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RouteChangeException;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.TargetStateStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Failure paths of the reconcile use case, with hand-written in-memory ports (the emulator ITs cover the happy paths). */
class ReconcilerTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Destination DEFAULT = Destination.parse("0.0.0.0/0");

    /** Two tables, each with a default route to nat-a; the stand-in planner wants nat-b. */
    private final FakeEc2 ec2 = new FakeEc2();
    private final FakeOwnership owners = new FakeOwnership();
    private final FakeStates states = new FakeStates();
    private final StandInPlanner planner = new StandInPlanner().want("default-egress", "nat-b");
    private final FailoverConfig config = new FailoverConfig("vpc-1", Map.of("ec2", new CheckSpec.Ec2Status("ec2", false, 1, 1)),
            Map.of("nat-a", new TargetSpec.Instance("nat-a", "i-a", null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.IGNORE),
                    "nat-b", new TargetSpec.Instance("nat-b", "i-b", null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.IGNORE)),
            List.of(new RouteSpec("default-egress", DEFAULT, List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false)),
                    List.of("nat-a", "nat-b"), List.of(), RoutePolicy.defaults())));

    private Reconciler reconciler() {
        return Reconciler.builder().routeTables(ec2).instances(ec2).ownership(owners).targetStates(states)
                .planner(planner).stateUpdater(new LatestObservationUpdater()).clock(new MutableClock(T0)).build();
    }

    @Test
    void anEc2FailureAfterTheClaimReleasesTheClaimAtOnceWithItsHistory() {
        ec2.failTable = "rtb-a";

        ReconcileResult r = reconciler().reconcile(config, ReconcileOptions.apply("unit"));

        assertThat(r.failed()).singleElement().satisfies(f -> {
            assertThat(f.key().routeTableId()).isEqualTo("rtb-a");
            assertThat(f.detail()).contains("not permitted");
            assertThat(f.version()).isEqualTo(1);
        });
        assertThat(r.applied()).singleElement().satisfies(a -> assertThat(a.key().routeTableId()).isEqualTo("rtb-b"));
        RouteKey failedKey = new RouteKey("rtb-a", DEFAULT);
        // Before: the claim stayed PENDING, blocking the route for the whole lease. Now the re-read table shows the
        // change did not happen, so the claim is released (FAILED) in the same write as its history.
        assertThat(owners.records.get(failedKey).status()).isEqualTo(Ownership.ClaimStatus.FAILED);
        assertThat(owners.records.get(failedKey).target().instanceId()).as("the record says what EC2 holds").isEqualTo("i-a");
        assertThat(owners.history).filteredOn(h -> h.key().equals(failedKey)).singleElement().satisfies(h -> {
            assertThat(h.outcome()).isEqualTo(HistoryEntry.Outcome.FAILED);
            assertThat(h.error()).contains("not permitted");
        });
        assertThat(r.notes()).anySatisfy(n -> assertThat(n.message()).contains("failed"));
    }

    @Test
    void lostClaimsAreRetriedABoundedNumberOfTimes() {
        owners.alwaysLose = true;

        ReconcileResult r = reconciler().reconcile(config, ReconcileOptions.apply("unit"));

        assertThat(r.actions()).hasSize(2).allSatisfy(a -> assertThat(a.status()).isEqualTo(Status.LOST));
        assertThat(owners.claims.get()).isEqualTo(2 * 3);
        assertThat(r.lostRaces()).isEqualTo(6);
        assertThat(ec2.mutations.get()).isZero();
    }

    @Test
    void actionsForDifferentTablesRunConcurrently() {
        ec2.rendezvous = new CountDownLatch(2);

        ReconcileResult r = reconciler().reconcile(config, ReconcileOptions.apply("unit"));

        assertThat(r.applied()).hasSize(2);
        // Each table's ReplaceRoute waited for the other table's to start: only possible if they ran in parallel.
        assertThat(ec2.metAtRendezvous.get()).isEqualTo(2);
    }

    @Test
    void bookkeepingOnlyChangesAreNotWorthAWrite() {
        Map<String, CheckSpec> checks = Map.of("tcp", new CheckSpec.Tcp("tcp", 22, null, null, 2, 3));
        TargetState a = new TargetState("i-a", Map.of("tcp", new CheckState(Health.HEALTHY, 2, 0, T0, T0, "ok in 3 ms")), null, T0, 4);
        TargetState later = new TargetState("i-a", Map.of("tcp", new CheckState(Health.HEALTHY, 9, 0, T0.plusSeconds(60), T0, "ok in 5 ms")), null, T0, 4);
        TargetState rising = new TargetState("i-a", Map.of("tcp", new CheckState(Health.UNHEALTHY, 1, 0, T0, T0, "ok")), null, null, 4);
        TargetState rising2 = new TargetState("i-a", Map.of("tcp", new CheckState(Health.UNHEALTHY, 2, 0, T0, T0, "ok")), null, null, 4);
        TargetState drained = new TargetState("i-a", a.checks(), new TargetState.Drain("ops", T0, "patching"), T0, 4);

        assertThat(TargetStateFolder.sameForPlanning(a, later, checks)).isTrue();
        assertThat(TargetStateFolder.sameForPlanning(rising, rising2, checks)).as("a pass towards rise matters").isFalse();
        assertThat(TargetStateFolder.sameForPlanning(a, drained, checks)).isFalse();
        assertThat(TargetStateFolder.sameForPlanning(a, rising, checks)).isFalse();
    }

    @Test
    void enisOfObservedInstancesAreRecognisedAsThoseInstances() {
        ObservedRouteTable t = new ObservedRouteTable("rtb-a", "vpc-1", Map.of(), Set.of(), false, null,
                List.of(new ObservedRoute(DEFAULT, RouteTarget.eni("eni-a", null), false, "CreateRoute")));
        List<ObservedRouteTable> out = WorldObserver.enrich(List.of(t), List.of(ec2.instance("i-a")), List.of());
        assertThat(out.get(0).routes().get(0).target()).isEqualTo(RouteTarget.eni("eni-a", "i-a"));
    }

    /** Route tables and instances in memory: two private tables whose default route points at i-a. */
    static final class FakeEc2 implements RouteTables, InstancesById {
        final Map<String, Map<Destination, RouteTarget>> tables = new ConcurrentHashMap<>();
        final AtomicInteger mutations = new AtomicInteger();
        final AtomicInteger metAtRendezvous = new AtomicInteger();
        volatile String failTable;
        volatile CountDownLatch rendezvous;

        FakeEc2() {
            for (String id : List.of("rtb-a", "rtb-b")) {
                Map<Destination, RouteTarget> routes = new ConcurrentHashMap<>();
                routes.put(DEFAULT, RouteTarget.eni("eni-a", "i-a"));
                tables.put(id, routes);
            }
        }

        ObservedInstance instance(String id) {
            String eni = "eni-" + id.substring(2);
            return new ObservedInstance(id, "running", "az-" + id.substring(2), T0, Map.of(),
                    List.of(new ObservedEni(eni, id, 0, "az", "s", "10.0.0.1", false, "in-use")), false);
        }

        @Override
        public List<ObservedRouteTable> describeVpcTables(String vpcId) {
            return describeTables(tables.keySet());
        }

        @Override
        public List<ObservedRouteTable> describeTables(Collection<String> ids) {
            List<ObservedRouteTable> out = new ArrayList<>();
            for (String id : ids.stream().sorted().toList()) {
                List<ObservedRoute> routes = new ArrayList<>();
                tables.get(id).forEach((d, t) -> routes.add(new ObservedRoute(d, t, false, "CreateRoute")));
                out.add(new ObservedRouteTable(id, "vpc-1", Map.of("tier", "private"), Set.of(), false, null, routes));
            }
            return out;
        }

        @Override
        public ApplyOutcome upsert(String rtb, Destination d, RouteTarget target, boolean exists, boolean dryRun) {
            mutations.incrementAndGet();
            CountDownLatch r = rendezvous;
            if (r != null) {
                r.countDown();
                try {
                    if (r.await(20, TimeUnit.SECONDS)) {
                        metAtRendezvous.incrementAndGet();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (rtb.equals(failTable)) {
                throw new RouteChangeException("UnauthorizedOperation", "ReplaceRoute " + rtb + ": not permitted", null);
            }
            tables.get(rtb).put(d, target);
            return new ApplyOutcome(exists ? ApplyOutcome.Operation.REPLACED : ApplyOutcome.Operation.CREATED, false, "ok");
        }

        @Override
        public ApplyOutcome delete(String rtb, Destination d, boolean dryRun) {
            mutations.incrementAndGet();
            tables.get(rtb).remove(d);
            return new ApplyOutcome(ApplyOutcome.Operation.DELETED, false, "ok");
        }

        @Override
        public List<ObservedInstance> describeInstances(Collection<String> ids) {
            return ids.stream().sorted().map(this::instance).toList();
        }

        @Override
        public boolean disableSourceDestCheck(String eniId, boolean dryRun) {
            throw new AssertionError("IGNORE targets must never be modified");
        }
    }

    static final class FakeOwnership implements OwnershipStore {
        final Map<RouteKey, Ownership> records = new ConcurrentHashMap<>();
        final List<HistoryEntry> history = java.util.Collections.synchronizedList(new ArrayList<>());
        /** Every settle that committed, with the outbox entry it wrote (if any). */
        final List<Settlement> settled = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger claims = new AtomicInteger();
        volatile boolean alwaysLose;

        @Override
        public Map<RouteKey, Ownership> loadAll() {
            return new HashMap<>(records);
        }

        @Override
        public Map<RouteKey, Ownership> load(Collection<RouteKey> keys) {
            Map<RouteKey, Ownership> out = new HashMap<>();
            keys.forEach(k -> {
                if (records.containsKey(k)) {
                    out.put(k, records.get(k));
                }
            });
            return out;
        }

        @Override
        public synchronized Ownership claim(Claim c) {
            claims.incrementAndGet();
            Ownership cur = records.get(c.key());
            long v = cur == null ? 0 : cur.version();
            if (alwaysLose || v != c.expectedVersion()) {
                throw new ClaimLostException(c.key(), c.expectedVersion(), "claim");
            }
            Ownership next = new Ownership(c.key(), c.routeName(), c.to(), v + 1, Ownership.ClaimStatus.PENDING, c.at(), c.by(),
                    c.reason(), cur == null ? null : cur.pin(), new Ownership.Claim(v + 1, c.claimId(), c.deadline(), c.from(), null, null));
            records.put(c.key(), next);
            return next;
        }

        @Override
        public synchronized Ownership settle(Settlement st) {
            Ownership o = records.get(st.key());
            if (o == null || o.status() != Ownership.ClaimStatus.PENDING || o.claim().version() != st.claimVersion()) {
                throw new ClaimLostException(st.key(), st.claimVersion(), "settle", o);
            }
            Ownership next = new Ownership(st.key(), o.routeName(), st.holds(), o.version(), st.status(), o.updatedAt(),
                    o.updatedBy(), o.reason(), o.pin(), new Ownership.Claim(o.claim().version(), o.claim().id(), o.claim().deadline(),
                    o.claim().from(), st.by(), st.settleId()));
            records.put(st.key(), next);
            history.add(st.history());
            settled.add(st);
            return next;
        }

        @Override
        public Ownership setPin(RouteKey key, String routeName, long expectedVersion, Ownership.Pin pin, String by, Instant at) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<HistoryEntry> history(RouteKey key, int limit) {
            return history.stream().filter(h -> h.key().equals(key)).limit(limit).toList();
        }
    }

    static final class FakeStates implements TargetStateStore {
        final Map<String, TargetState> states = new ConcurrentHashMap<>();

        @Override
        public Map<String, TargetState> loadAll() {
            return new HashMap<>(states);
        }

        @Override
        public Map<String, TargetState> load(Collection<String> keys) {
            Map<String, TargetState> out = new HashMap<>();
            keys.forEach(k -> out.put(k, states.getOrDefault(k, TargetState.initial(k))));
            return out;
        }

        @Override
        public synchronized TargetState save(TargetState s) {
            TargetState next = new TargetState(s.targetKey(), s.checks(), s.drain(), s.healthySince(), s.version() + 1);
            states.put(s.targetKey(), next);
            return next;
        }

        @Override
        public TargetState setDrain(String targetKey, TargetState.Drain drain, Instant at) {
            throw new UnsupportedOperationException();
        }
    }
}
