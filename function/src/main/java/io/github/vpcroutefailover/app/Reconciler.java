package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HealthSource;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.Instances;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RoutePlanner;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.StaleStateException;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.ports.OutcomeUnknownException;
import io.github.vpcroutefailover.ports.RouteChangeException;
import io.github.vpcroutefailover.domain.ownership.RecordMachine;
import io.github.vpcroutefailover.ports.TargetStateStore;
import io.github.vpcroutefailover.ports.TargetStateUpdater;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reconcile use case: observe EC2 and DynamoDB, fold new health observations into target states, plan, and
 * apply only the difference. Every route change is claimed in DynamoDB (a conditional write on the route's
 * version) before EC2 is touched, so any number of concurrent reconciles change each route at most once per
 * decision. Actions for different route tables run in parallel on a bounded pool.
 *
 * <p>The apply path is the record state machine of {@link RecordMachine} (docs/ownership-table.md): abandoned claims
 * are repaired before planning; each action claims with a deadline, changes EC2, and settles the claim together with
 * its history in one transaction, APPLIED or, when a re-read of the table shows the change did not reach EC2,
 * FAILED at once (then retried on fresh state when the fault was transient). Every call of a claim is bounded by
 * its deadline ({@link CallDeadline}), and no claim starts without the time to finish it.
 *
 * <p>Thread-safe: one instance may serve concurrent reconciles.
 */
public final class Reconciler {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final int STATE_SAVE_ATTEMPTS = 3;
    /** Less time than this left in the invocation: no new claim (claim, EC2 change and settle each need a call). */
    static final Duration MIN_CLAIM_TIME = Duration.ofSeconds(3);
    /** Recording an applied change: the SDK retries each attempt; a second attempt covers a transient burst. */
    private static final int SETTLE_ATTEMPTS = 2;

    private final RouteTables routeTables;
    private final Instances instances;
    private final OwnershipStore ownership;
    private final TargetStateStore targetStates;
    private final List<HealthSource> healthSources;
    private final RoutePlanner planner;
    private final TargetStateUpdater stateUpdater;
    private final Clock clock;
    private final int parallelism;

    private Reconciler(Builder b) {
        this.routeTables = Objects.requireNonNull(b.routeTables, "routeTables");
        this.instances = Objects.requireNonNull(b.instances, "instances");
        this.ownership = Objects.requireNonNull(b.ownership, "ownership");
        this.targetStates = Objects.requireNonNull(b.targetStates, "targetStates");
        this.healthSources = List.copyOf(b.healthSources);
        this.planner = Objects.requireNonNull(b.planner, "planner");
        this.stateUpdater = Objects.requireNonNull(b.stateUpdater, "stateUpdater");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        if (b.parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + b.parallelism);
        }
        this.parallelism = b.parallelism;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Everything one reconcile observed. */
    public record World(List<ObservedRouteTable> tables, List<ObservedInstance> instances, List<ObservedEni> enis,
                        Map<RouteKey, Ownership> ownership, Map<String, TargetState> targetStates) {
    }

    public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options) {
        return reconcile(config, options, List.of());
    }

    /**
     * Reconciles with extra observations made elsewhere (the in-VPC probe's), applied together with what the health
     * sources report, so they go through the same rise/fall state and the same ownership fencing.
     */
    public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> extra) {
        Instant now = clock.instant();
        World world = observe(config);
        List<Candidate> candidates = CandidateResolver.resolve(config, world.instances(), world.enis()).candidates();
        List<HealthSource> all = new ArrayList<>();
        all.add(new Ec2HealthSource(config.checks(), world.instances(), world.enis(), world.tables()));
        all.addAll(healthSources);
        HealthSources.Gathered gathered = HealthSources.of(all).gather(candidates, now);
        List<Observation> observations = new ArrayList<>(gathered.observations());
        observations.addAll(extra);
        AtomicInteger saved = new AtomicInteger();
        Map<String, TargetState> states = applyObservations(config, candidates, observations, world.targetStates(), now,
                options.dryRun(), saved);

        List<PlanNote> notes = Collections.synchronizedList(new ArrayList<>());
        // Abandoned claims first: the planner must see what EC2 and the record agree on, and a claim is refused
        // over a PENDING record, so an abandoned one would block its route until it is settled.
        Map<RouteKey, Ownership> owners = new HashMap<>(world.ownership());
        List<ActionOutcome> repairs = options.dryRun() ? List.of()
                : new Repairer(ownership, options, now, candidates, notes).repair(world, owners);

        PlanInput input = new PlanInput(config, world.tables(), world.instances(), world.enis(), states, owners,
                now, options.claimLease());
        Plan plan = planner.plan(input);
        notes.addAll(0, plan.notes());
        gathered.failures().forEach(f -> notes.add(new PlanNote(PlanNote.Level.WARN, null, null, f)));
        for (PlanNote n : plan.notes()) {
            LOG.atLevel(n.level() == PlanNote.Level.ERROR ? org.slf4j.event.Level.ERROR
                            : n.level() == PlanNote.Level.WARN ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO)
                    .addKeyValue("event", "plan-note").addKeyValue("route", n.routeName())
                    .addKeyValue("key", n.key() == null ? null : n.key().id()).log(n.message());
        }
        if (plan.converged() && repairs.isEmpty()) {
            LOG.atInfo().addKeyValue("event", "reconcile").addKeyValue("converged", true).addKeyValue("caller", options.caller())
                    .addKeyValue("routes", plan.routes().size()).addKeyValue("statesSaved", saved.get()).log("converged; nothing to change");
            return new ReconcileResult(now, options.caller(), options.dryRun(), plan, List.of(), notes, 0, saved.get(), true);
        }

        // Group by table: one table's actions run in order, different tables' in parallel.
        Map<String, List<RouteAction>> byTable = new TreeMap<>();
        for (RouteAction a : plan.actions()) {
            byTable.computeIfAbsent(a.key().routeTableId(), k -> new ArrayList<>()).add(a);
        }
        AtomicInteger lost = new AtomicInteger();
        List<ActionOutcome> outcomes = Collections.synchronizedList(new ArrayList<>(repairs));
        Execution exec = new Execution(config, options, input, world, now, notes, lost);
        if (byTable.size() <= 1 || parallelism == 1) {
            byTable.values().forEach(actions -> actions.forEach(a -> outcomes.add(exec.run(a))));
        } else {
            try (ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelism, byTable.size()), threads())) {
                List<Future<List<ActionOutcome>>> futures = new ArrayList<>();
                for (List<RouteAction> actions : byTable.values()) {
                    futures.add(pool.submit(CallDeadline.propagate(() -> actions.stream().map(exec::run).toList())));
                }
                for (Future<List<ActionOutcome>> f : futures) {
                    outcomes.addAll(get(f));
                }
            }
        }
        List<ActionOutcome> ordered = new ArrayList<>(outcomes);
        ordered.sort((a, b) -> a.key().compareTo(b.key()));
        LOG.atInfo().addKeyValue("event", "reconcile").addKeyValue("converged", false).addKeyValue("caller", options.caller())
                .addKeyValue("dryRun", options.dryRun()).addKeyValue("actions", ordered.size())
                .addKeyValue("applied", ordered.stream().filter(o -> o.status() == Status.APPLIED).count())
                .addKeyValue("repaired", ordered.stream().filter(o -> o.status() == Status.REPAIRED).count())
                .addKeyValue("lostRaces", lost.get()).addKeyValue("statesSaved", saved.get()).log("reconcile done");
        return new ReconcileResult(now, options.caller(), options.dryRun(), plan, ordered, new ArrayList<>(notes), lost.get(),
                saved.get(), false);
    }

    /**
     * Reads the world in a fixed number of calls: it grows with pages and configured targets, never with routes.
     *
     * <p>Ownership is read <em>before</em> the route tables. A writer marks a record APPLIED only after its EC2 change,
     * so whatever version we see, the tables we read afterwards already contain that version's change. Read the
     * other way round, we could pair an old table with the new record, plan the same change again on the new
     * version, and win that claim: a second, redundant route change.
     */
    public World observe(FailoverConfig config) {
        Set<String> eniIds = new LinkedHashSet<>();
        Set<String> configured = new LinkedHashSet<>();
        Set<Map<String, String>> tagSets = new LinkedHashSet<>();
        for (TargetSpec t : config.targets().values()) {
            switch (t) {
                case TargetSpec.Eni e -> eniIds.add(e.eniId());
                case TargetSpec.Instance i -> {
                    if (i.byTags()) {
                        tagSets.add(i.tags());
                    } else {
                        configured.add(i.instanceId());
                    }
                }
                case TargetSpec.Gateway g -> {
                }
            }
        }
        // Independent reads run in parallel, so a slow endpoint costs its latency once per dependency level rather
        // than once per read. The one ordering kept: route tables are read after ownership (see above).
        try (ExecutorService pool = Executors.newFixedThreadPool(4, threads())) {
            Future<Map<RouteKey, Ownership>> owners = pool.submit(CallDeadline.propagate(ownership::loadAll));
            Future<List<ObservedRouteTable>> tables = pool.submit(CallDeadline.propagate(() -> {
                get(owners);
                return routeTables.describeVpcTables(config.vpcId());
            }));
            Future<Map<String, TargetState>> states = pool.submit(CallDeadline.propagate(targetStates::loadAll));
            Future<List<ObservedEni>> enisF = pool.submit(CallDeadline.propagate(
                    () -> eniIds.isEmpty() ? List.<ObservedEni>of() : instances.describeEnis(eniIds)));
            Future<List<ObservedInstance>> byTags = pool.submit(CallDeadline.propagate(() -> {
                List<ObservedInstance> out = new ArrayList<>();
                for (Map<String, String> tags : tagSets) {
                    out.addAll(instances.findInstances(config.vpcId(), tags));
                }
                return out;
            }));
            Future<List<ObservedInstance>> named = pool.submit(CallDeadline.propagate(
                    () -> configured.isEmpty() ? List.<ObservedInstance>of() : instances.describeInstances(configured)));
            List<ObservedEni> enis = get(enisF);
            Map<String, ObservedInstance> found = new LinkedHashMap<>();
            get(named).forEach(i -> found.put(i.instanceId(), i));
            Set<String> behindEnis = new LinkedHashSet<>();
            enis.stream().map(ObservedEni::attachedInstanceId).filter(Objects::nonNull).filter(id -> !found.containsKey(id))
                    .forEach(behindEnis::add);
            if (!behindEnis.isEmpty()) {
                instances.describeInstances(behindEnis).forEach(i -> found.put(i.instanceId(), i));
            }
            get(byTags).forEach(i -> found.putIfAbsent(i.instanceId(), i));
            List<ObservedInstance> observed = new ArrayList<>(found.values());
            boolean wantStatus = config.checks().values().stream().anyMatch(c -> c instanceof CheckSpec.Ec2Status s && s.statusChecks());
            List<String> running = observed.stream().filter(ObservedInstance::running).map(ObservedInstance::instanceId).toList();
            if (wantStatus && !running.isEmpty()) {
                Set<String> impaired = instances.impairedInstances(running);
                observed = observed.stream().map(i -> impaired.contains(i.instanceId())
                        ? new ObservedInstance(i.instanceId(), i.state(), i.zone(), i.launchTime(), i.tags(), i.enis(), true) : i).toList();
            }
            return new World(enrich(get(tables), observed, enis), observed, enis, get(owners), get(states));
        }
    }

    /**
     * EC2 reports the instance behind an ENI route; not every endpoint does (moto). Fill it in from the instances we
     * observed so that a route to an instance's ENI is recognised as that instance.
     */
    static List<ObservedRouteTable> enrich(List<ObservedRouteTable> tables, List<ObservedInstance> instances, List<ObservedEni> enis) {
        Map<String, String> instanceOfEni = new HashMap<>();
        instances.forEach(i -> i.enis().forEach(e -> instanceOfEni.put(e.eniId(), i.instanceId())));
        enis.stream().filter(e -> e.attachedInstanceId() != null).forEach(e -> instanceOfEni.put(e.eniId(), e.attachedInstanceId()));
        List<ObservedRouteTable> out = new ArrayList<>(tables.size());
        for (ObservedRouteTable t : tables) {
            List<ObservedRoute> routes = t.routes().stream().map(r -> {
                RouteTarget target = r.target();
                if (target != null && target.kind() == TargetKind.NETWORK_INTERFACE && target.instanceId() == null
                        && instanceOfEni.containsKey(target.id())) {
                    return new ObservedRoute(r.destination(), RouteTarget.eni(target.id(), instanceOfEni.get(target.id())),
                            r.blackhole(), r.origin());
                }
                return r;
            }).toList();
            out.add(new ObservedRouteTable(t.id(), t.vpcId(), t.tags(), t.subnetIds(), t.main(), t.zone(), routes));
        }
        return out;
    }

    private Map<String, TargetState> applyObservations(FailoverConfig config, List<Candidate> candidates,
                                                       List<Observation> observations, Map<String, TargetState> stored,
                                                       Instant now, boolean dryRun, AtomicInteger saved) {
        Map<String, List<Observation>> byKey = new LinkedHashMap<>();
        // Each target's own checks: healthySince means "every check this target lists is healthy", so the evaluator
        // must not be handed checks of other targets (they would never be observed here and keep it UNKNOWN).
        Map<String, Map<String, CheckSpec>> checksByKey = new HashMap<>();
        for (Candidate c : candidates) {
            byKey.putIfAbsent(c.key(), new ArrayList<>());
            Map<String, CheckSpec> own = checksByKey.computeIfAbsent(c.key(), k -> new LinkedHashMap<>());
            c.checks().forEach(name -> {
                CheckSpec spec = config.checks().get(name);
                if (spec != null) {
                    own.put(name, spec);
                }
            });
        }
        observations.forEach(o -> {
            List<Observation> list = byKey.get(o.targetKey());
            if (list != null) {
                list.add(o);
            }
        });
        Map<String, TargetState> out = new HashMap<>(stored);
        for (Map.Entry<String, List<Observation>> e : byKey.entrySet()) {
            String key = e.getKey();
            Map<String, CheckSpec> checks = checksByKey.getOrDefault(key, Map.of());
            TargetState prev = stored.getOrDefault(key, TargetState.initial(key));
            for (int attempt = 1; ; attempt++) {
                TargetState next = stateUpdater.apply(prev, checks, e.getValue(), now);
                if (dryRun || sameForPlanning(prev, next, checks)) {
                    out.put(key, next);
                    break;
                }
                try {
                    out.put(key, targetStates.save(withVersion(next, prev.version())));
                    saved.incrementAndGet();
                    break;
                } catch (StaleStateException stale) {
                    // Another reconcile (or a drain) wrote first: apply our observations on top of what it wrote.
                    prev = targetStates.load(List.of(key)).get(key);
                    if (attempt >= STATE_SAVE_ATTEMPTS) {
                        LOG.atWarn().addKeyValue("event", "target-state-contended").addKeyValue("target", key)
                                .log("target state kept changing under us; planning on the latest stored state");
                        out.put(key, prev);
                        break;
                    }
                }
            }
        }
        return out;
    }

    private static TargetState withVersion(TargetState s, long version) {
        return s.version() == version ? s : new TargetState(s.targetKey(), s.checks(), s.drain(), s.healthySince(), version);
    }

    /**
     * Whether two states differ only in bookkeeping nobody plans on: when each observation was seen (once the check is
     * settled), its detail text, and streak counters beyond rise/fall. Skipping such writes keeps a converged reconcile
     * free of writes; SkippedStateWritesTest checks that the skipped writes never change a verdict.
     */
    static boolean sameForPlanning(TargetState a, TargetState b, Map<String, CheckSpec> checks) {
        if (!Objects.equals(a.drain(), b.drain()) || !Objects.equals(a.healthySince(), b.healthySince())
                || !a.checks().keySet().equals(b.checks().keySet())) {
            return false;
        }
        for (Map.Entry<String, CheckState> e : a.checks().entrySet()) {
            CheckState x = e.getValue();
            CheckState y = b.checks().get(e.getKey());
            CheckSpec spec = checks.get(io.github.vpcroutefailover.domain.health.HealthEvaluator.checkName(e.getKey()));
            int rise = spec == null ? Integer.MAX_VALUE : spec.rise();
            int fall = spec == null ? Integer.MAX_VALUE : spec.fall();
            if (x.health() != y.health() || !Objects.equals(x.changedAt(), y.changedAt())
                    || Math.min(x.passes(), rise) != Math.min(y.passes(), rise)
                    || Math.min(x.failures(), fall) != Math.min(y.failures(), fall)) {
                return false;
            }
            if (!Objects.equals(x.lastAt(), y.lastAt()) && !settled(y)) {
                // Mid-streak, equal counters can still be a different streak (fail, pass, fail: failures 1 -> 1). The
                // stored lastAt must then move on, or a source that re-delivers its window (agent metrics) would have
                // the older observations re-applied after the ones in between slid out of the window, and count
                // a failure or pass twice.
                return false;
            }
        }
        return true;
    }

    /**
     * A check whose future verdicts do not depend on which observations led here: healthy with no failure in a row,
     * or unhealthy with no pass in a row. Skipping a write in such a state loses nothing.
     */
    private static boolean settled(CheckState s) {
        return (s.health() == io.github.vpcroutefailover.domain.health.Health.HEALTHY && s.failures() == 0)
                || (s.health() == io.github.vpcroutefailover.domain.health.Health.UNHEALTHY && s.passes() == 0);
    }

    /** One reconcile's execution of its actions; shared by the table workers. */
    private final class Execution {
        private final FailoverConfig config;
        private final ReconcileOptions options;
        private final PlanInput input;
        private final World world;
        private final Instant now;
        private final List<PlanNote> notes;
        private final AtomicInteger lost;
        /** ENIs whose source/dest check this reconcile has disabled; concurrent workers wait for the one doing it. */
        private final java.util.concurrent.ConcurrentHashMap<String, Boolean> fixedEnis = new java.util.concurrent.ConcurrentHashMap<>();

        Execution(FailoverConfig config, ReconcileOptions options, PlanInput input, World world, Instant now,
                  List<PlanNote> notes, AtomicInteger lost) {
            this.config = config;
            this.options = options;
            this.input = input;
            this.world = world;
            this.now = now;
            this.notes = notes;
            this.lost = lost;
        }

        /** What one claim attempt came to. */
        private sealed interface Step {
        }

        /** Another writer holds the version we planned on: re-read and re-plan. */
        private record Lost(ClaimLostException e) implements Step {
        }

        /** Our claim did not change EC2 and was released: the route may be retried on fresh state. */
        private record Released(ActionOutcome outcome, boolean transientFault) implements Step {
        }

        private record Done(ActionOutcome outcome) implements Step {
        }

        ActionOutcome run(RouteAction first) {
            RouteAction action = first;
            PlanInput current = input;
            for (int attempt = 1; ; attempt++) {
                Optional<ActionOutcome> refused = checkSourceDest(action);
                if (refused.isPresent()) {
                    return refused.get();
                }
                if (options.dryRun()) {
                    return dryRun(action);
                }
                Optional<Duration> left = CallDeadline.remaining();
                if (left.isPresent() && left.get().compareTo(MIN_CLAIM_TIME) < 0) {
                    String msg = "not claimed: " + Math.max(0, left.get().toMillis()) + " ms left in this invocation, less than the "
                            + MIN_CLAIM_TIME.toMillis() + " ms a claim needs to finish; the next reconcile does it";
                    note(PlanNote.Level.WARN, action, msg);
                    log(action, "deferred", action.expectedVersion(), msg);
                    return new ActionOutcome(action.key(), action, Status.DEFERRED, action.expectedVersion(), msg);
                }
                Duration budget = left.isPresent() && left.get().compareTo(options.claimBudget()) < 0 ? left.get() : options.claimBudget();
                Step step = attempt(action, budget);
                switch (step) {
                    case Done d -> {
                        return d.outcome();
                    }
                    case Lost l -> {
                        lost.incrementAndGet();
                        log(action, "claim-lost", action.expectedVersion(), l.e().getMessage());
                        if (attempt >= options.maxClaimAttempts()) {
                            note(PlanNote.Level.WARN, action, "gave up after " + attempt + " lost claims; the next reconcile retries");
                            return new ActionOutcome(action.key(), action, Status.LOST, action.expectedVersion(), l.e().getMessage());
                        }
                        current = reread(current, action.key(), l.e().current());
                    }
                    case Released r -> {
                        if (!r.transientFault() || attempt >= options.maxClaimAttempts()) {
                            return r.outcome();
                        }
                        try {
                            current = reread(current, action.key(), null);
                        } catch (RuntimeException e) {
                            return r.outcome();
                        }
                        log(action, "retry", r.outcome().version(), "the change did not reach EC2 (" + r.outcome().detail()
                                + "); claim released; retrying on fresh state");
                    }
                }
                Optional<RouteAction> again = planner.plan(current).actions().stream()
                        .filter(a -> a.key().equals(first.key())).findFirst();
                if (again.isEmpty()) {
                    log(action, "superseded", action.expectedVersion(), "another writer settled this route");
                    return new ActionOutcome(action.key(), action, Status.SUPERSEDED, action.expectedVersion(),
                            "another writer changed the route; re-planned on its result: nothing left to do");
                }
                action = again.get();
            }
        }

        /**
         * Claim, change EC2, settle: one pass of the protocol. The claim and the EC2 change run under the claim's
         * deadline (no EC2 call can start after it, so a repairer reading the table after it sees the final state);
         * the settle may run after it, under the invocation's deadline only: it is conditional on the claim still
         * being PENDING, so if a repairer got there first it loses and finds the repairer's record.
         */
        private Step attempt(RouteAction action, Duration budget) {
            Instant deadline = clock.instant().plus(budget);
            Object phase = CallDeadline.within(System.nanoTime() + budget.toNanos(), () -> claimAndChange(action, deadline));
            if (phase instanceof Step step) {
                return step;
            }
            return settle(action, (Change) phase);
        }

        /** What the claimed EC2 change came to, before it is recorded. */
        private record Change(long version, boolean forced, boolean reached, RouteTarget holds, String detail, RuntimeException cause) {
        }

        private Object claimAndChange(RouteAction action, Instant deadline) {
            String claimId = UUID.randomUUID().toString();
            Ownership claimed;
            try {
                claimed = ownership.claim(new OwnershipStore.Claim(action.key(), action.routeName(),
                        action.to() == null ? null : action.to().target(), action.from(), action.expectedVersion(), now,
                        options.caller(), action.reason(), deadline, claimId));
            } catch (ClaimLostException e) {
                return new Lost(e);
            } catch (OutcomeUnknownException e) {
                note(PlanNote.Level.ERROR, action, e.getMessage());
                log(action, "claim-unknown", action.expectedVersion(), e.getMessage());
                return new Done(new ActionOutcome(action.key(), action, Status.UNKNOWN, action.expectedVersion() + 1, e.getMessage()));
            } catch (RuntimeException e) {
                // Read back and found unchanged: nothing was written, nothing to release.
                String msg = "claim failed, nothing written: " + e.getMessage();
                note(PlanNote.Level.ERROR, action, msg);
                log(action, "claim-failed", action.expectedVersion(), msg);
                return new Done(new ActionOutcome(action.key(), action, Status.FAILED, action.expectedVersion(), msg));
            }
            CrashPoints.reached("after-claim");
            return change(action, claimed);
        }

        /** After a lost claim or a released one: ownership first, then the table, so an APPLIED record is never paired with an older table. */
        private PlanInput reread(PlanInput in, RouteKey key, Ownership known) {
            Map<RouteKey, Ownership> owners = new HashMap<>(in.ownership());
            Optional<Ownership> record = known != null ? Optional.of(known) : ownership.load(key);
            record.ifPresentOrElse(o -> owners.put(key, o), () -> owners.remove(key));
            List<ObservedRouteTable> fresh = enrich(routeTables.describeTables(List.of(key.routeTableId())), in.instances(), in.enis());
            List<ObservedRouteTable> tables = new ArrayList<>();
            for (ObservedRouteTable t : in.tables()) {
                if (t.id().equals(key.routeTableId())) {
                    fresh.stream().filter(f -> f.id().equals(t.id())).findFirst().ifPresent(tables::add);
                } else {
                    tables.add(t);
                }
            }
            return new PlanInput(in.config(), tables, in.instances(), in.enis(), in.targetStates(), owners, in.now(), in.claimLease());
        }

        private Optional<ActionOutcome> checkSourceDest(RouteAction action) {
            if (action.to() == null) {
                return Optional.empty();
            }
            TargetSpec.SourceDestCheck policy = policy(action.to());
            ObservedEni eni = eni(action.to().target());
            if (policy == TargetSpec.SourceDestCheck.VERIFY && eni != null && eni.sourceDestCheck()) {
                String msg = "refused to point " + action.key().id() + " at " + action.to().target() + ": source/destination check "
                        + "is enabled on " + eni.eniId() + ", so it would drop forwarded traffic; disable it "
                        + "(aws ec2 modify-network-interface-attribute --network-interface-id " + eni.eniId()
                        + " --no-source-dest-check) or set sourceDestCheck: fix on target " + action.to().targetName();
                note(PlanNote.Level.ERROR, action, msg);
                log(action, "refused", action.expectedVersion(), msg);
                return Optional.of(new ActionOutcome(action.key(), action, Status.REFUSED, action.expectedVersion(), msg));
            }
            return Optional.empty();
        }

        private boolean needsFix(RouteAction action) {
            if (action.to() == null || policy(action.to()) != TargetSpec.SourceDestCheck.FIX) {
                return false;
            }
            ObservedEni eni = eni(action.to().target());
            return eni != null && eni.sourceDestCheck();
        }

        private ActionOutcome dryRun(RouteAction action) {
            String detail = "dry run: would " + describe(action);
            if (options.validateWithEc2DryRun()) {
                try {
                    if (needsFix(action)) {
                        instances.disableSourceDestCheck(action.to().target().id(), true);
                    }
                    ApplyOutcome o = ec2(action, true);
                    detail = detail + "; " + o.detail();
                } catch (RuntimeException e) {
                    note(PlanNote.Level.ERROR, action, "EC2 dry run failed: " + e.getMessage());
                    log(action, "dry-run-failed", action.expectedVersion(), e.getMessage());
                    return new ActionOutcome(action.key(), action, Status.FAILED, action.expectedVersion(), e.getMessage());
                }
            }
            log(action, "dry-run", action.expectedVersion(), detail);
            return new ActionOutcome(action.key(), action, Status.DRY_RUN, action.expectedVersion(), detail);
        }

        private Object change(RouteAction action, Ownership claimed) {
            long version = claimed.claim() == null ? claimed.version() : claimed.claim().version();
            boolean forced = claimed.pin() != null && claimed.pin().force() && claimed.pin().activeAt(now);
            RouteTarget wanted = action.to() == null ? null : action.to().target();
            try {
                if (needsFix(action)) {
                    String eniId = action.to().target().id();
                    fixedEnis.computeIfAbsent(eniId, id -> {
                        instances.disableSourceDestCheck(id, false);
                        log(action, "source-dest-check-disabled", version, "disabled source/dest check on " + id + " before routing to it");
                        return Boolean.TRUE;
                    });
                }
                CrashPoints.reached("before-ec2");
                ApplyOutcome outcome = ec2(action, false);
                CrashPoints.reached("after-ec2");
                return new Change(version, forced, true, wanted, outcome.operation() + ": " + outcome.detail(), null);
            } catch (RuntimeException e) {
                // Whatever EC2 (or the network) said, what counts is what the table holds now: a lost response or a
                // timeout may hide a change that happened, an error response one that did not.
                RouteTarget holds;
                try {
                    holds = observeRoute(action.key());
                } catch (RuntimeException readFailed) {
                    e.addSuppressed(readFailed);
                    String msg = "EC2 change failed (" + e.getMessage() + ") and the route table could not be re-read ("
                            + readFailed.getMessage() + "); the claim stays PENDING until its deadline, then the next reconcile"
                            + " settles it from what EC2 holds";
                    note(PlanNote.Level.ERROR, action, msg);
                    log(action, "outcome-unknown", version, msg);
                    return new Done(new ActionOutcome(action.key(), action, Status.UNKNOWN, version, msg));
                }
                if (RecordMachine.repair(wanted, holds) != RecordMachine.Repair.CONFIRM) {
                    return new Change(version, forced, false, holds, null, e);
                }
                String detail = "EC2 reported " + e.getMessage() + ", but the route table holds the change: it reached EC2";
                note(PlanNote.Level.WARN, action, detail);
                log(action, "applied-despite-error", version, detail);
                return new Change(version, forced, true, holds, detail, null);
            }
        }

        private Step settle(RouteAction action, Change c) {
            if (!c.reached()) {
                return release(action, c.version(), c.forced(), c.holds(), c.cause());
            }
            long version = c.version();
            CrashPoints.reached("before-settle");
            HistoryEntry entry = history(action, version, c.forced(), HistoryEntry.Outcome.APPLIED, null, null);
            RuntimeException last = null;
            for (int tries = 1; tries <= SETTLE_ATTEMPTS; tries++) {
                try {
                    ownership.settle(new OwnershipStore.Settlement(action.key(), version, Ownership.ClaimStatus.APPLIED, c.holds(),
                            clock.instant(), options.caller(), null, UUID.randomUUID().toString(), entry));
                    log(action, "applied", version, c.detail());
                    return new Done(new ActionOutcome(action.key(), action, Status.APPLIED, version, c.detail()));
                } catch (ClaimLostException e) {
                    Ownership rec = e.current();
                    if (rec != null && rec.status() == Ownership.ClaimStatus.APPLIED && rec.claim() != null && rec.claim().version() == version) {
                        String msg = "applied; " + rec.claim().settledBy() + " had already confirmed and announced it (our deadline had passed)";
                        log(action, "applied-confirmed-by-other", version, msg);
                        return new Done(new ActionOutcome(action.key(), action, Status.SUPERSEDED, version, msg));
                    }
                    String msg = "applied in EC2, but the claim was settled by someone else as " + (rec == null ? "unknown" : rec.status())
                            + " meanwhile: " + e.getMessage() + "; the next reconcile re-plans on what EC2 holds";
                    note(PlanNote.Level.ERROR, action, msg);
                    log(action, "unrecorded", version, msg);
                    return new Done(new ActionOutcome(action.key(), action, Status.UNRECORDED, version, msg));
                } catch (RuntimeException e) {
                    last = e;
                    log(action, "settle-failed", version, "recording the applied change failed (attempt " + tries + "): " + e.getMessage());
                }
            }
            String msg = "applied in EC2 (" + c.detail() + "), but recording it failed: " + last.getMessage()
                    + "; the claim stays PENDING until its deadline, then the next reconcile confirms it, writes its history and announces it";
            note(PlanNote.Level.ERROR, action, msg);
            return new Done(new ActionOutcome(action.key(), action, Status.UNRECORDED, version, msg));
        }

        /** RELEASE: the change is not in EC2; settle the claim FAILED with its history at once, so nobody waits for it. */
        private Step release(RouteAction action, long version, boolean forced, RouteTarget holds, RuntimeException cause) {
            String error = cause.getMessage();
            note(PlanNote.Level.ERROR, action, "failed: " + error);
            log(action, "failed", version, error);
            HistoryEntry entry = history(action, version, forced, HistoryEntry.Outcome.FAILED, error, null);
            try {
                ownership.settle(new OwnershipStore.Settlement(action.key(), version, Ownership.ClaimStatus.FAILED, holds,
                        clock.instant(), options.caller(), null, UUID.randomUUID().toString(), entry));
            } catch (ClaimLostException e) {
                return new Done(new ActionOutcome(action.key(), action, Status.FAILED, version, error + "; the claim was settled by "
                        + (e.current() == null ? "someone else" : e.current().updatedBy()) + " meanwhile"));
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
                String msg = error + "; releasing the claim failed too (" + e.getMessage() + "): it stays PENDING until its "
                        + "deadline, then the next reconcile settles it";
                note(PlanNote.Level.ERROR, action, msg);
                return new Done(new ActionOutcome(action.key(), action, Status.FAILED, version, msg));
            }
            log(action, "released", version, "claim released: the change did not reach EC2");
            return new Released(new ActionOutcome(action.key(), action, Status.FAILED, version, error), transientFault(cause));
        }

        /** What the table holds for the route now (null: no route), read fresh. */
        private RouteTarget observeRoute(RouteKey key) {
            List<ObservedRouteTable> fresh = enrich(routeTables.describeTables(List.of(key.routeTableId())), world.instances(), world.enis());
            return fresh.stream().filter(t -> t.id().equals(key.routeTableId())).findFirst()
                    .flatMap(t -> t.route(key.destination())).map(ObservedRoute::target).orElse(null);
        }

        private ApplyOutcome ec2(RouteAction action, boolean dryRun) {
            RouteKey k = action.key();
            return switch (action) {
                case RouteAction.Delete d -> routeTables.delete(k.routeTableId(), k.destination(), dryRun);
                case RouteAction.Create c -> routeTables.upsert(k.routeTableId(), k.destination(), c.to().target(), false, dryRun);
                case RouteAction.Replace r -> routeTables.upsert(k.routeTableId(), k.destination(), r.to().target(), true, dryRun);
            };
        }

        private HistoryEntry history(RouteAction action, long version, boolean forced, HistoryEntry.Outcome outcome, String error,
                                     String recordedBy) {
            return new HistoryEntry(action.key(), action.routeName(), version, now, options.caller(), action.from(),
                    action.to() == null ? null : action.to().target(), action.reason(), forced, outcome, error, recordedBy);
        }

        private TargetSpec.SourceDestCheck policy(Candidate c) {
            return switch (config.targets().get(c.targetName())) {
                case TargetSpec.Instance i -> i.sourceDestCheck();
                case TargetSpec.Eni e -> e.sourceDestCheck();
                case null, default -> TargetSpec.SourceDestCheck.IGNORE;
            };
        }

        private ObservedEni eni(RouteTarget target) {
            for (ObservedInstance i : world.instances()) {
                for (ObservedEni e : i.enis()) {
                    if (e.eniId().equals(target.id())) {
                        return e;
                    }
                }
            }
            return world.enis().stream().filter(e -> e.eniId().equals(target.id())).findFirst().orElse(null);
        }

        private void note(PlanNote.Level level, RouteAction action, String message) {
            notes.add(new PlanNote(level, action.routeName(), action.key(), message));
        }

        private void log(RouteAction action, String event, long version, String detail) {
            Reconciler.log(action, event, version, detail, options);
        }
    }

    /**
     * Throttling, 5xx and transport errors: the same call may well succeed a moment later, so a released claim is
     * retried in the same invocation. Refusals (permissions, bad parameters, missing resources) are not.
     */
    static boolean transientFault(RuntimeException e) {
        if (e instanceof RouteChangeException rce) {
            String code = rce.errorCode();
            return code == null || code.equals("RequestLimitExceeded") || code.equals("Throttling") || code.equals("InternalError")
                    || code.equals("InternalFailure") || code.equals("ServiceUnavailable") || code.equals("Unavailable");
        }
        return true;
    }

    static void log(RouteAction action, String event, long version, String detail, ReconcileOptions options) {
        var b = switch (event) {
            case "failed", "refused", "dry-run-failed", "claim-failed", "claim-unknown", "outcome-unknown", "unrecorded" -> LOG.atError();
            case "claim-lost", "deferred", "settle-failed", "applied-despite-error" -> LOG.atWarn();
            default -> LOG.atInfo();
        };
        b.addKeyValue("event", "route-" + event)
                .addKeyValue("route", action.routeName())
                .addKeyValue("key", action.key().id())
                .addKeyValue("action", action.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT))
                .addKeyValue("from", action.from() == null ? null : action.from().toString())
                .addKeyValue("to", action.to() == null ? null : action.to().target().toString())
                .addKeyValue("reason", action.reason())
                .addKeyValue("version", version)
                .addKeyValue("caller", options.caller())
                .addKeyValue("dryRun", options.dryRun())
                .log(detail);
    }

    private static String describe(RouteAction a) {
        return switch (a) {
            case RouteAction.Create c -> "create " + c.key().id() + " -> " + c.to().target();
            case RouteAction.Replace r -> "replace " + r.key().id() + " " + r.from() + " -> " + r.to().target();
            case RouteAction.Delete d -> "delete " + d.key().id() + " (was " + d.from() + ")";
        } + " (" + a.reason() + ")";
    }

    private static <T> T get(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while applying route changes", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static ThreadFactory threads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "reconcile-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public static final class Builder {
        private RouteTables routeTables;
        private Instances instances;
        private OwnershipStore ownership;
        private TargetStateStore targetStates;
        private final List<HealthSource> healthSources = new ArrayList<>();
        private RoutePlanner planner = RoutePlanner.domain();
        private TargetStateUpdater stateUpdater = TargetStateUpdater.domain();
        private Clock clock = Clock.systemUTC();
        private int parallelism = 8;

        public Builder routeTables(RouteTables v) {
            this.routeTables = v;
            return this;
        }

        public Builder instances(Instances v) {
            this.instances = v;
            return this;
        }

        public Builder ownership(OwnershipStore v) {
            this.ownership = v;
            return this;
        }

        public Builder targetStates(TargetStateStore v) {
            this.targetStates = v;
            return this;
        }

        /** Sources beyond EC2 status (which is built in): agent metrics, probes, alarms. */
        public Builder healthSource(HealthSource v) {
            this.healthSources.add(v);
            return this;
        }

        public Builder planner(RoutePlanner v) {
            this.planner = v;
            return this;
        }

        public Builder stateUpdater(TargetStateUpdater v) {
            this.stateUpdater = v;
            return this;
        }

        /** Tests inject a controllable clock to step through hold timers. */
        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        /** Route tables changed at once; EC2's per-account mutation rate limits are the real bound. */
        public Builder parallelism(int v) {
            this.parallelism = v;
            return this;
        }

        public Reconciler build() {
            return new Reconciler(this);
        }
    }
}
