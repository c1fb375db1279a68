package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.RouteChangeException;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.testsupport.Endpoints;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;
import net.jqwik.api.state.Transformer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Model-based test of the ownership protocol: random interleavings of several reconcilers, pins, drains, instance
 * stops/starts, injected faults (DynamoDB through the fault proxy; EC2 through a fault-injecting in-memory route
 * table) and writer crashes, against the real DynamoDB adapter on DynamoDB Local. Fixed seed and try budget, so CI
 * runs the same ~1 minute of sequences every time.
 *
 * <p>Invariants, after every step: every EC2 change is made under a PENDING claim of its own, and no claim version
 * changes EC2 twice. After the faults stop (faults cleared, clock past every claim deadline, one reconcile): no
 * record is PENDING, the APPLIED history is exactly the EC2 changes (count and order), one event per APPLIED entry,
 * and the route points at an eligible target whenever one exists.
 */
class OwnershipModelIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Destination DEFAULT = Destination.parse("0.0.0.0/0");
    private static final String RTB = "rtb-0model00000000001";
    private static final RouteKey KEY = new RouteKey(RTB, DEFAULT);
    private static final List<String> INSTANCES = List.of("i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb");

    private static FaultProxy proxy;
    private static DynamoDbClient direct;
    private static DynamoDbClient viaProxy;

    private static synchronized void clients() {
        if (direct != null) {
            return;
        }
        URI ddb = Endpoints.forService("DynamoDB");
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(ddb.getHost(), ddb.getPort()), 2000);
        } catch (IOException e) {
            throw new IllegalStateException("DynamoDB Local at " + ddb + " is not reachable (" + e.getMessage()
                    + "); start the local AWS test bed with 'scripts/local-aws start' or run 'scripts/test'", e);
        }
        proxy = FaultProxy.start(ddb, FaultProxy.Dialect.DYNAMODB_JSON);
        direct = client(ddb);
        viaProxy = client(proxy.endpoint());
    }

    private static DynamoDbClient client(URI endpoint) {
        return AwsClients.tune(DynamoDbClient.builder().endpointOverride(endpoint).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
                .httpClient(UrlConnectionHttpClient.builder().socketTimeout(Duration.ofSeconds(30)).build()), RetryMode.STANDARD).build();
    }

    @AfterContainer
    static void closeClients() {
        if (proxy != null) {
            proxy.close();
            direct.close();
            viaProxy.close();
        }
    }

    // ------------------------------------------------------------------------------------------ the model

    /** A writer that dies at a point of the apply path: an Error, so nothing in the reconciler catches it. */
    static final class Crash extends Error {
        Crash(String where) {
            super("simulated crash " + where);
        }
    }

    enum Ec2Fault { NONE, THROTTLE, LOST_RESPONSE, CRASH_BEFORE, CRASH_AFTER }

    enum DdbFault { NONE, CLAIM_RESPONSE_LOST, SETTLE_THROTTLED, SETTLE_COMMITTED_500 }

    /** One EC2 route table in memory, with faults, that checks every change against the ownership record. */
    final class FakeEc2 implements RouteTables, InstancesById {
        final Map<Destination, RouteTarget> routes = new ConcurrentHashMap<>();
        final Map<String, Boolean> running = new ConcurrentHashMap<>();
        final List<RouteTarget> changes = Collections.synchronizedList(new ArrayList<>());
        final Set<Long> versionsThatChangedEc2 = ConcurrentHashMap.newKeySet();
        volatile Ec2Fault fault = Ec2Fault.NONE;

        FakeEc2() {
            INSTANCES.forEach(i -> running.put(i, true));
            routes.put(DEFAULT, hop(INSTANCES.get(0)));
        }

        RouteTarget hop(String instanceId) {
            return RouteTarget.eni("eni-" + instanceId.substring(2), instanceId);
        }

        @Override
        public List<ObservedRouteTable> describeVpcTables(String vpcId) {
            return describeTables(List.of(RTB));
        }

        @Override
        public List<ObservedRouteTable> describeTables(Collection<String> ids) {
            if (!ids.contains(RTB)) {
                return List.of();
            }
            List<ObservedRoute> rs = new ArrayList<>();
            routes.forEach((d, t) -> rs.add(new ObservedRoute(d, t, false, "CreateRoute")));
            return List.of(new ObservedRouteTable(RTB, "vpc-model", Map.of("tier", "private"), Set.of(), false, null, rs));
        }

        @Override
        public ApplyOutcome upsert(String rtb, Destination d, RouteTarget target, boolean exists, boolean dryRun) {
            Ec2Fault f = fault;
            switch (f) {
                case THROTTLE -> throw new RouteChangeException("RequestLimitExceeded", "ReplaceRoute: Request limit exceeded.", null);
                case CRASH_BEFORE -> throw new Crash("before ReplaceRoute");
                default -> {
                }
            }
            change(target);
            switch (f) {
                case LOST_RESPONSE -> throw SdkClientException.create("Unable to execute HTTP request: Connection reset");
                case CRASH_AFTER -> throw new Crash("after ReplaceRoute reached EC2");
                default -> {
                }
            }
            return new ApplyOutcome(exists ? ApplyOutcome.Operation.REPLACED : ApplyOutcome.Operation.CREATED, false, "ok");
        }

        /** The invariant at the moment of a change: a live PENDING claim for this target, whose version changed nothing before. */
        private synchronized void change(RouteTarget target) {
            Ownership o = new DynamoDbOwnershipStore(direct, table).load(KEY).orElseThrow(
                    () -> new AssertionError("EC2 changed without an ownership record"));
            assertThat(o.status()).as("EC2 changed only under a PENDING claim").isEqualTo(Ownership.ClaimStatus.PENDING);
            assertThat(o.target()).as("the claim is for this change").isEqualTo(target);
            assertThat(versionsThatChangedEc2.add(o.claim().version())).as("claim version %d changed EC2 twice", o.claim().version()).isTrue();
            RouteTarget before = routes.put(DEFAULT, target);
            if (!target.sameHopAs(before)) {
                changes.add(target);
            }
        }

        @Override
        public ApplyOutcome delete(String rtb, Destination d, boolean dryRun) {
            throw new AssertionError("the model never withdraws");
        }

        @Override
        public List<ObservedInstance> describeInstances(Collection<String> ids) {
            List<ObservedInstance> out = new ArrayList<>();
            for (String id : ids) {
                if (running.containsKey(id)) {
                    RouteTarget h = hop(id);
                    out.add(new ObservedInstance(id, running.get(id) ? "running" : "stopped", "az-1", T0, Map.of(),
                            List.of(new ObservedEni(h.id(), id, 0, "az-1", "subnet-1", "10.0.0.1", false, "in-use")), false));
                }
            }
            return out;
        }

        @Override
        public boolean disableSourceDestCheck(String eniId, boolean dryRun) {
            return false;
        }
    }

    private String table;

    final class Model {
        final FakeEc2 ec2 = new FakeEc2();
        final MutableClock clock = new MutableClock(T0);
        final DynamoDbOwnershipStore owners;
        final DynamoDbTargetStateStore states;
        final List<ActionOutcome> announced = Collections.synchronizedList(new ArrayList<>());
        final List<String> log = Collections.synchronizedList(new ArrayList<>());
        final FailoverConfig config;
        int reconciles;

        Model() {
            clients();
            proxy.clear();
            table = "vrf-model-" + UUID.randomUUID().toString().substring(0, 8);
            OwnershipTable.create(direct, table);
            owners = new DynamoDbOwnershipStore(viaProxy, table);
            states = new DynamoDbTargetStateStore(viaProxy, table);
            Map<String, TargetSpec> targets = new LinkedHashMap<>();
            targets.put("nat-a", new TargetSpec.Instance("nat-a", INSTANCES.get(0), null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.IGNORE));
            targets.put("nat-b", new TargetSpec.Instance("nat-b", INSTANCES.get(1), null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.IGNORE));
            config = new FailoverConfig("vpc-model", Map.of("ec2", new CheckSpec.Ec2Status("ec2", false, 1, 1)), targets,
                    List.of(new RouteSpec("default-egress", DEFAULT, List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false)),
                            List.of("nat-a", "nat-b"), List.of(), RoutePolicy.defaults())));
        }

        Reconciler reconciler() {
            return Reconciler.builder().routeTables(ec2).instances(ec2).ownership(owners)
                    .targetStates(states).clock(clock).build();
        }

        void reconcile(String caller, Ec2Fault ec2Fault, DdbFault ddbFault) {
            ec2.fault = ec2Fault;
            switch (ddbFault) {
                case CLAIM_RESPONSE_LOST -> proxy.inject("UpdateItem", "claimId", new Fault.LostResponse(), 3);
                case SETTLE_THROTTLED -> proxy.inject("TransactWriteItems", Fault.throttle(), 6);
                case SETTLE_COMMITTED_500 -> proxy.inject("TransactWriteItems", new Fault.ErrorAfter(500, "InternalServerError", "boom"), 1);
                case NONE -> {
                }
            }
            reconciles++;
            try {
                ReconcileResult r = reconciler().reconcile(config, ReconcileOptions.apply(caller + "#" + reconciles));
                announced.addAll(r.announced());
                log.add(caller + " " + ec2Fault + "/" + ddbFault + " -> " + r.actions().stream().map(a -> a.status().name()).toList());
            } catch (Crash c) {
                log.add(caller + " " + ec2Fault + "/" + ddbFault + " -> crashed: " + c.getMessage());
            } catch (RuntimeException e) {
                // A reconcile may fail as a whole while faults are on (e.g. an observe call throttled past its retries).
                log.add(caller + " " + ec2Fault + "/" + ddbFault + " -> failed: " + e.getMessage());
            } finally {
                ec2.fault = Ec2Fault.NONE;
                proxy.clear();
            }
        }

        void concurrently(int n) {
            List<CompletableFuture<Void>> all = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String who = "par-" + i;
                all.add(CompletableFuture.runAsync(() -> reconcile(who, Ec2Fault.NONE, DdbFault.NONE)));
            }
            all.forEach(CompletableFuture::join);
        }

        void setRunning(int i, boolean up) {
            ec2.running.put(INSTANCES.get(i), up);
            log.add((up ? "start " : "stop ") + i);
        }

        void drain(int i, boolean on) {
            states.setDrain(INSTANCES.get(i), on ? new TargetState.Drain("ops", clock.instant(), "model") : null, clock.instant());
            log.add((on ? "drain " : "undrain ") + i);
        }

        void pin(Integer i) {
            Ownership o = new DynamoDbOwnershipStore(direct, table).load(KEY).orElse(null);
            long v = o == null ? 0 : o.version();
            Ownership.Pin pin = i == null ? null
                    : new Ownership.Pin(INSTANCES.get(i), clock.instant().plus(Duration.ofMinutes(10)), false, "alice", "model");
            try {
                owners.setPin(KEY, "default-egress", v, pin, "alice", clock.instant());
                log.add(i == null ? "unpin" : "pin " + i);
            } catch (RuntimeException raced) {
                log.add("pin raced: " + raced.getMessage());
            }
        }

        void advance(Duration d) {
            clock.advance(d);
            log.add("advance " + d);
        }

        boolean eligible(RouteTarget t) {
            if (t == null || !ec2.running.getOrDefault(t.instanceId(), false)) {
                return false;
            }
            TargetState s = new DynamoDbTargetStateStore(direct, table).load(List.of(t.instanceId())).get(t.instanceId());
            return s == null || !s.drained();
        }

        /** The faults stop; the clock passes every claim deadline; one reconcile; then the invariants. */
        void quiesceAndCheck() {
            try {
                check();
            } finally {
                direct.deleteTable(r -> r.tableName(table));
            }
        }

        private void check() {
            advance(ReconcileOptions.DEFAULT_CLAIM_BUDGET.plusSeconds(1));
            reconcile("after-faults", Ec2Fault.NONE, DdbFault.NONE);
            String trail = String.join("\n  ", log);
            Ownership o = new DynamoDbOwnershipStore(direct, table).load(KEY).orElse(null);
            if (o != null) {
                assertThat(o.status()).as("no record PENDING once faults stop:\n  %s", trail).isNotEqualTo(Ownership.ClaimStatus.PENDING);
            }
            List<HistoryEntry> applied = new ArrayList<>(new DynamoDbOwnershipStore(direct, table).history(KEY, 1000).stream()
                    .filter(h -> h.outcome() == HistoryEntry.Outcome.APPLIED).toList());
            Collections.reverse(applied);
            assertThat(applied.stream().map(HistoryEntry::to).toList()).as("APPLIED history == the EC2 changes, in order:\n  %s", trail)
                    .isEqualTo(List.copyOf(ec2.changes));
            assertThat(new HashSet<>(applied.stream().map(HistoryEntry::version).toList())).hasSize(applied.size());
            assertThat(announced).as("one event per APPLIED entry:\n  %s", trail).hasSize(applied.size());
            boolean anyEligible = INSTANCES.stream().map(ec2::hop).anyMatch(this::eligible);
            if (anyEligible) {
                assertThat(eligible(ec2.routes.get(DEFAULT))).as("route on an eligible target one reconcile after the faults stop:\n  %s", trail)
                        .isTrue();
            }
        }
    }

    // ------------------------------------------------------------------------------------------ actions

    private static Action.Independent<Model> action(Arbitrary<Transformer<Model>> t) {
        return () -> t;
    }

    @Provide
    Arbitrary<ActionChain<Model>> chains() {
        Arbitrary<Transformer<Model>> reconcile = net.jqwik.api.Combinators.combine(
                        Arbitraries.of("r1", "r2", "r3"), Arbitraries.of(Ec2Fault.class), Arbitraries.of(DdbFault.class))
                .as((who, e, d) -> Transformer.mutate("reconcile " + who + " ec2=" + e + " ddb=" + d, m -> m.reconcile(who, e, d)));
        Arbitrary<Transformer<Model>> plain = Arbitraries.of("r1", "r2")
                .map(who -> Transformer.mutate("reconcile " + who, m -> m.reconcile(who, Ec2Fault.NONE, DdbFault.NONE)));
        Arbitrary<Transformer<Model>> parallel = Arbitraries.integers().between(2, 3)
                .map(n -> Transformer.mutate(n + " concurrent reconciles", m -> m.concurrently(n)));
        Arbitrary<Transformer<Model>> stopStart = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.of(true, false))
                .as((i, up) -> Transformer.mutate((up ? "start " : "stop ") + i, m -> m.setRunning(i, up)));
        Arbitrary<Transformer<Model>> drain = net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 1), Arbitraries.of(true, false))
                .as((i, on) -> Transformer.mutate((on ? "drain " : "undrain ") + i, m -> m.drain(i, on)));
        Arbitrary<Transformer<Model>> pin = Arbitraries.of(0, 1, -1)
                .map(i -> Transformer.mutate(i < 0 ? "unpin" : "pin " + i, m -> m.pin(i < 0 ? null : i)));
        Arbitrary<Transformer<Model>> advance = Arbitraries.of(Duration.ofSeconds(5), Duration.ofSeconds(25), Duration.ofMinutes(6))
                .map(d -> Transformer.mutate("advance " + d, m -> m.advance(d)));
        return ActionChain.startWith(Model::new)
                .withAction(4, action(reconcile))
                .withAction(2, action(plain))
                .withAction(1, action(parallel))
                .withAction(2, action(stopStart))
                .withAction(1, action(drain))
                .withAction(1, action(pin))
                .withAction(1, action(advance))
                .withMaxTransformations(14);
    }

    @Property(tries = 25, seed = "20261127", shrinking = net.jqwik.api.ShrinkingMode.OFF)
    void theProtocolKeepsItsInvariantsUnderInterleavedFaults(@ForAll("chains") ActionChain<Model> chain) {
        chain.run().quiesceAndCheck();
    }

    // ------------------------------------------------------------------------------------------ pinned cases

    /** Issue #10 row: a writer dies after its ReplaceRoute reached EC2; a pin arrives; the repair still confirms it. */
    @Example
    void crashAfterEc2ThenAPinThenTheRepair() {
        Model m = new Model();
        m.setRunning(0, false);
        m.reconcile("w", Ec2Fault.CRASH_AFTER, DdbFault.NONE);
        m.pin(1);
        m.reconcile("early", Ec2Fault.NONE, DdbFault.NONE);
        assertThat(m.announced).as("the crashed change is not announced before it is repaired").isEmpty();
        m.quiesceAndCheck();
        assertThat(m.announced).singleElement().satisfies(a -> assertThat(a.status()).isEqualTo(ReconcileResult.Status.REPAIRED));
    }

    /** Issue #10 rows: the claim's response lost, then the settle throttled through the whole invocation. */
    @Example
    void claimResponseLostThenSettleThrottled() {
        Model m = new Model();
        m.setRunning(0, false);
        m.reconcile("w1", Ec2Fault.NONE, DdbFault.CLAIM_RESPONSE_LOST);
        m.setRunning(0, true);
        m.setRunning(1, false);
        m.advance(Duration.ofMinutes(6));
        m.reconcile("w2", Ec2Fault.NONE, DdbFault.SETTLE_THROTTLED);
        m.quiesceAndCheck();
    }

    /** Issue #10 rows: ReplaceRoute throttled and its response lost, with a crash before EC2 between them. */
    @Example
    void throttledCrashedAndLostReplaceRoutes() {
        Model m = new Model();
        m.setRunning(0, false);
        m.reconcile("w1", Ec2Fault.THROTTLE, DdbFault.NONE);
        m.setRunning(0, true);
        m.setRunning(1, false);
        m.advance(Duration.ofMinutes(6));
        m.reconcile("w2", Ec2Fault.CRASH_BEFORE, DdbFault.NONE);
        m.reconcile("w3", Ec2Fault.LOST_RESPONSE, DdbFault.NONE);
        m.quiesceAndCheck();
    }
}
