package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.HealthSource;
import io.github.vpcroutefailover.ports.Instances;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RoutePlanner;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.domain.ownership.RecordMachine;
import io.github.vpcroutefailover.ports.TargetStateStore;
import io.github.vpcroutefailover.ports.TargetStateUpdater;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
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

    private final OwnershipStore ownership;
    private final List<HealthSource> healthSources;
    private final RoutePlanner planner;
    private final Clock clock;
    private final int parallelism;
    private final WorldObserver observer;
    private final TargetStateFolder folder;
    private final ActionExecution.Ports ports;

    private Reconciler(Builder b) {
        RouteTables routeTables = Objects.requireNonNull(b.routeTables, "routeTables");
        Instances instances = Objects.requireNonNull(b.instances, "instances");
        this.ownership = Objects.requireNonNull(b.ownership, "ownership");
        TargetStateStore targetStates = Objects.requireNonNull(b.targetStates, "targetStates");
        this.healthSources = List.copyOf(b.healthSources);
        this.planner = Objects.requireNonNull(b.planner, "planner");
        TargetStateUpdater stateUpdater = Objects.requireNonNull(b.stateUpdater, "stateUpdater");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        if (b.parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + b.parallelism);
        }
        this.parallelism = b.parallelism;
        this.observer = new WorldObserver(routeTables, instances, ownership, targetStates);
        this.folder = new TargetStateFolder(targetStates, stateUpdater);
        this.ports = new ActionExecution.Ports(routeTables, instances, ownership, planner, clock);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Everything one reconcile observed. */
    /** @param unannounced outbox entries: changes recorded whose Route Failover event is not known to be published */
    public record World(List<ObservedRouteTable> tables, List<ObservedInstance> instances, List<ObservedEni> enis,
                        Map<RouteKey, Ownership> ownership, Map<String, TargetState> targetStates,
                        List<OwnershipStore.Unannounced> unannounced) {
        public World(List<ObservedRouteTable> tables, List<ObservedInstance> instances, List<ObservedEni> enis,
                     Map<RouteKey, Ownership> ownership, Map<String, TargetState> targetStates) {
            this(tables, instances, enis, ownership, targetStates, List.of());
        }
    }

    public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options) {
        return reconcile(config, options, List.of());
    }

    /**
     * Reconciles with extra observations made elsewhere (the in-VPC probe's), applied together with what the health
     * sources report, so they go through the same rise/fall state and the same ownership fencing.
     */
    public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> extra) {
        return reconcile(config, options, extra, null);
    }

    /**
     * The probe's fast path: reconciles on a world the caller observed earlier instead of reading it again, so a
     * confirmed failure costs only its writes (target state, claim, route, settle). Exact however old {@code known}
     * is: ownership and route tables were read in the fencing order, every claim is conditional on the version that
     * world saw (a newer record loses the claim, and the route is then re-read and re-planned), and every state save
     * on the version it saw. What can be stale is unfenced EC2 facts about instances (state, ENIs): callers bound its
     * age. {@code known == null} observes as usual.
     */
    public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> extra, World known) {
        Instant now = clock.instant();
        World world = known != null ? known : observe(config);
        List<Candidate> candidates = CandidateResolver.resolve(config, world.instances(), world.enis()).candidates();
        List<HealthSource> all = new ArrayList<>();
        all.add(new Ec2HealthSource(config.checks(), world.instances(), world.enis(), world.tables()));
        all.addAll(healthSources);
        HealthSources.Gathered gathered = HealthSources.of(all).gather(candidates, now);
        List<Observation> observations = new ArrayList<>(gathered.observations());
        // Data-path results arrive keyed by path (route + table); they are about the hop the table holds now.
        observations.addAll(DataPaths.attribute(extra, config, world.tables(), world.ownership()));
        AtomicInteger saved = new AtomicInteger();
        Map<String, TargetState> states = folder.apply(config, candidates, observations, world.targetStates(), now,
                options.dryRun(), saved);

        List<PlanNote> notes = Collections.synchronizedList(new ArrayList<>());
        // Abandoned claims first: the planner must see what EC2 and the record agree on, and a claim is refused
        // over a PENDING record, so an abandoned one would block its route until it is settled.
        Map<RouteKey, Ownership> owners = new HashMap<>(world.ownership());
        List<OwnershipStore.Unannounced> announcements = Collections.synchronizedList(new ArrayList<>());
        // Events recorded earlier and still unpublished past their due time: the writer is gone or gave up.
        List<OwnershipStore.Unannounced> overdue = options.dryRun() ? List.of()
                : world.unannounced().stream().filter(u -> !u.due().isAfter(now)).toList();
        Repairer repairer = new Repairer(ownership, ports.routeTables(), options, now, candidates, notes, announcements);
        List<ActionOutcome> repairs = options.dryRun() ? List.of() : repairer.repair(world, owners);
        // A repaired record was read (consistently) after the listing, and its table after that: plan on those reads.
        Map<String, ObservedRouteTable> reread = repairer.tablesRead();
        List<ObservedRouteTable> tables = reread.isEmpty() ? world.tables()
                : world.tables().stream().map(t -> reread.getOrDefault(t.id(), t)).toList();

        if (!options.dryRun()) {
            rereadDisagreeing(tables, owners);
        }
        PlanInput input = new PlanInput(config, tables, world.instances(), world.enis(), states, owners,
                now, options.claimLease());
        Plan plan = planner.plan(input);
        requireSomeTableMatched(config, plan);
        notes.addAll(0, plan.notes());
        gathered.failures().forEach(f -> notes.add(new PlanNote(PlanNote.Level.WARN, null, null, f)));
        for (PlanNote n : plan.notes()) {
            LOG.atLevel(n.level() == PlanNote.Level.ERROR ? org.slf4j.event.Level.ERROR
                            : n.level() == PlanNote.Level.WARN ? org.slf4j.event.Level.WARN : org.slf4j.event.Level.INFO)
                    .addKeyValue("event", "plan-note").addKeyValue("route", n.routeName())
                    .addKeyValue("key", n.key() == null ? null : n.key().id()).log(n.message());
        }
        if (!options.dryRun()) {
            announcements.addAll(CorrelatedAlerts.update(ownership, plan, owners,
                    // This VPC's own tables only: a transit gateway table may be shared by several VPCs' configs.
                    tables.stream().filter(t -> !t.transitGateway() && Objects.equals(t.vpcId(), config.vpcId()))
                            .map(ObservedRouteTable::id).collect(java.util.stream.Collectors.toSet()),
                    options.caller(), now, options.claimLease()));
        }
        // Housekeeping that asks EC2: after this reconcile's changes, and never on the probe's fast path (a confirmed
        // failure costs only its writes); a later observing reconcile does it.
        Runnable closeOnDeletedTables = options.dryRun() || known != null ? () -> { }
                : () -> announcements.addAll(CorrelatedAlerts.closeOnDeletedTables(ownership, owners,
                        tables.stream().map(ObservedRouteTable::id).collect(java.util.stream.Collectors.toSet()),
                        ports.routeTables()::existingTables, options.caller(), now, options.claimLease()));
        if (plan.converged() && repairs.isEmpty()) {
            closeOnDeletedTables.run();
            LOG.atInfo().addKeyValue("event", "reconcile").addKeyValue("converged", true).addKeyValue("caller", options.caller())
                    .addKeyValue("routes", plan.routes().size()).addKeyValue("statesSaved", saved.get()).log("converged; nothing to change");
            return new ReconcileResult(now, options.caller(), options.dryRun(), plan, List.of(), notes, 0, saved.get(), true,
                    new ArrayList<>(announcements), overdue);
        }

        // Group by table: one table's actions run in order, different tables' in parallel.
        Map<String, List<RouteAction>> byTable = new TreeMap<>();
        for (RouteAction a : plan.actions()) {
            byTable.computeIfAbsent(a.key().routeTableId(), k -> new ArrayList<>()).add(a);
        }
        AtomicInteger lost = new AtomicInteger();
        List<ActionOutcome> outcomes = Collections.synchronizedList(new ArrayList<>(repairs));
        ActionExecution exec = new ActionExecution(ports, config, options, input, world, now, notes, lost, candidates, announcements);
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
        closeOnDeletedTables.run();
        LOG.atInfo().addKeyValue("event", "reconcile").addKeyValue("converged", false).addKeyValue("caller", options.caller())
                .addKeyValue("dryRun", options.dryRun()).addKeyValue("actions", ordered.size())
                .addKeyValue("applied", ordered.stream().filter(o -> o.status() == Status.APPLIED).count())
                .addKeyValue("repaired", ordered.stream().filter(o -> o.status() == Status.REPAIRED).count())
                .addKeyValue("lostRaces", lost.get()).addKeyValue("statesSaved", saved.get()).log("reconcile done");
        return new ReconcileResult(now, options.caller(), options.dryRun(), plan, ordered, new ArrayList<>(notes), lost.get(),
                saved.get(), false, new ArrayList<>(announcements), overdue);
    }

    /**
     * An APPLIED record whose hop EC2 does not hold means "changed outside" (or a stale listing: the listing is a GSI,
     * eventually consistent). Such records, and only those (none in a converged reconcile), are re-read with one
     * consistent read before the planner judges them, so neither the warning nor a plan rests on a stale record.
     */
    private void rereadDisagreeing(List<ObservedRouteTable> tables, Map<RouteKey, Ownership> owners) {
        Map<String, ObservedRouteTable> byId = new HashMap<>();
        tables.forEach(t -> byId.put(t.id(), t));
        List<RouteKey> disagree = owners.values().stream().filter(o -> o.status() == Ownership.ClaimStatus.APPLIED).filter(o -> {
            ObservedRouteTable t = byId.get(o.key().routeTableId());
            if (t == null) {
                return false;
            }
            var holds = t.route(o.key().destination()).map(io.github.vpcroutefailover.domain.model.ObservedRoute::target).orElse(null);
            return o.target() == null ? holds != null : !o.target().sameHopAs(holds);
        }).map(Ownership::key).toList();
        if (disagree.isEmpty()) {
            return;
        }
        try {
            Map<RouteKey, Ownership> fresh = ownership.load(disagree);
            disagree.forEach(k -> {
                Ownership o = fresh.get(k);
                if (o == null) {
                    owners.remove(k);
                } else {
                    owners.put(k, o);
                }
            });
        } catch (RuntimeException e) {
            // Planning on the listing is still safe (every change is a claim conditional on the version); only the
            // "changed outside" warning may then be a stale one.
            LOG.atWarn().addKeyValue("event", "reread-failed").log("could not re-read records that disagree with EC2: " + e.getMessage());
        }
    }

    /**
     * A config with required selectors that manages no route at all does not fit this VPC (a copied config, tags
     * never applied): that is an error to fix, not a converged state.
     */
    private static void requireSomeTableMatched(FailoverConfig config, Plan plan) {
        boolean required = config.routes().stream().anyMatch(r -> r.routeTables().stream().anyMatch(t -> !t.optional()));
        if (!required || !plan.routes().isEmpty() || !plan.actions().isEmpty()) {
            return;
        }
        String why = plan.notes().stream().filter(n -> n.level() == PlanNote.Level.ERROR).map(PlanNote::message)
                .collect(java.util.stream.Collectors.joining("; "));
        throw new WorldMismatchException("routes", "no route of the config matched a route table in " + config.vpcId()
                + (why.isEmpty() ? "" : ": " + why));
    }

    /** Reads the world in a fixed number of calls (see {@link WorldObserver}). */
    public World observe(FailoverConfig config) {
        return observer.observe(config);
    }

    static <T> T get(Future<T> f) {
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

    static ThreadFactory threads() {
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
