package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import io.github.vpcroutefailover.ports.ProbeLeaseStore;
import io.github.vpcroutefailover.probe.LeaseSettings;
import io.github.vpcroutefailover.probe.LeaseTenure;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeRun;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.probe.ProbeTargets;
import io.github.vpcroutefailover.probe.Sleeper;
import io.github.vpcroutefailover.probe.Tenure;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One invocation of the in-VPC probe: observe the world once (the reconciler's observe path), probe every candidate
 * with tcp/http checks until the deadline, and hand failures and recoveries to a reconcile with the probe's
 * observations fed in, so a probe-triggered failover goes through the same rise/fall state and the same DynamoDB
 * ownership fencing as a scheduled reconcile.
 *
 * <p>The probe-triggered reconcile uses EC2 status plus the probe's observations, not the CloudWatch sources (agent
 * metrics, alarms): it is the fast path, and a CloudWatch read would only delay the failover. Checks of those
 * sources keep their stored verdicts until the scheduled reconcile refreshes them.
 *
 * <p>Observations still undelivered when the loop ends (passes in a steady state, a failure streak still below
 * {@code fall}) are applied by one final reconcile, so the next invocation's counters continue from them.
 *
 * <p>With a {@link #lease probe lease} consecutive invocations overlap and hand over instead (see {@link LeaseTenure}):
 * the next one observes while the previous one still probes, takes over between two rounds with its counters, and the
 * previous one stops. A hand-over carries the counters, so no final reconcile is needed for them; only failures still
 * undelivered (a trigger that failed) are reconciled by the one handing over.
 */
public final class ProbeCycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeCycle.class);
    /**
     * How old the invocation's own observation of the world may be for the fast path. Ownership and routes are
     * fenced whatever its age; instance facts (state, ENIs) are not, but the probe has just probed every candidate. One
     * invocation's length (80 s) plus its start: a trigger in the same invocation always qualifies.
     */
    static final java.time.Duration FAST_PATH_MAX_AGE = java.time.Duration.ofSeconds(90);

    private final Backend reconciler;
    private final ProbeLoop loop;
    private final UnaryOperator<ProbeTarget> addressing;
    private volatile Set<String> dataPathZones = Set.of();
    private volatile PostFlipVerifier verifier;
    /** How often an invocation may read its data paths' ownership records for a new hop; null: never. */
    private volatile java.time.Duration hopWatchEvery;
    /** This invocation's watch; the loop (built once) asks it through {@link #reportWatch}. */
    private final AtomicReference<io.github.vpcroutefailover.probe.ReportWatch> reportWatch =
            new AtomicReference<>(io.github.vpcroutefailover.probe.ReportWatch.NONE);
    /** Where this invocation's trigger calls go; the loop (and its pool) outlives invocations. */
    private final AtomicReference<Consumer<List<Observation>>> sink = new AtomicReference<>(observations -> {
        throw new IllegalStateException("probe trigger fired outside an invocation");
    });

    /** What {@link #lease} configures: the store, this probe's scope (its AZ), timing, and the clock and waits. */
    private record Lease(ProbeLeaseStore store, String scope, LeaseSettings settings, Clock clock, Sleeper sleeper) {
    }

    private Lease lease;

    /**
     * Makes invocations take the probe lease of {@code scope} before probing and hand it over to the next one (call
     * once, before the first {@link #run}). Without it every invocation probes on its own (tests, the local CLI).
     */
    public ProbeCycle lease(ProbeLeaseStore store, String scope, LeaseSettings settings, Clock clock, Sleeper sleeper) {
        this.lease = new Lease(Objects.requireNonNull(store, "store"), Objects.requireNonNull(scope, "scope"),
                Objects.requireNonNull(settings, "settings"), Objects.requireNonNull(clock, "clock"), Objects.requireNonNull(sleeper, "sleeper"));
        return this;
    }

    /**
     * @param loopBuilder a configured loop builder (prober, settings, clock, sleeper, metrics, AZ); its trigger is set here
     * @param addressing  rewrites a target before probing; identity in production (tests point targets at 127.0.0.1)
     */
    public ProbeCycle(Reconciler reconciler, ProbeLoop.Builder loopBuilder, UnaryOperator<ProbeTarget> addressing) {
        this(Backend.of(reconciler), loopBuilder, addressing);
    }

    /** @param backend how the probe observes and reconciles; production uses {@link Controller#probeBackend()} */
    public ProbeCycle(Backend backend, ProbeLoop.Builder loopBuilder, UnaryOperator<ProbeTarget> addressing) {
        this.reconciler = Objects.requireNonNull(backend, "backend");
        this.addressing = Objects.requireNonNull(addressing, "addressing");
        this.loop = loopBuilder.trigger(FailoverTrigger.reconcileWith(observations -> sink.get().accept(observations)))
                .reportWatch(now -> reportWatch.get().due(now)).build();
    }

    /**
     * What the probe needs of the reconcile path: one observation of the world, and reconciles fed with its own
     * observations, under the same DynamoDB ownership fencing as every other reconcile.
     */
    public interface Backend {
        Reconciler.World observe(FailoverConfig config);

        ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations);

        /** The fast path: on a world observed earlier (see {@link Reconciler#reconcile(FailoverConfig, ReconcileOptions, List, Reconciler.World)}). */
        default ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations,
                                          Reconciler.World known) {
            return reconcile(config, options, observations);
        }

        /**
         * A strongly consistent read of these routes' ownership records (for {@link #watchHops}); a backend without
         * an ownership store cannot watch.
         */
        default Map<io.github.vpcroutefailover.domain.model.RouteKey, io.github.vpcroutefailover.domain.model.Ownership> records(
                java.util.Collection<io.github.vpcroutefailover.domain.model.RouteKey> keys) {
            throw new UnsupportedOperationException("this probe backend reads no ownership records; do not call watchHops with it");
        }

        static Backend of(Reconciler reconciler) {
            return new Backend() {
                @Override
                public Reconciler.World observe(FailoverConfig config) {
                    return reconciler.observe(config);
                }

                @Override
                public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations) {
                    return reconciler.reconcile(config, options, observations);
                }

                @Override
                public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations,
                                                 Reconciler.World known) {
                    return reconciler.reconcile(config, options, observations, known);
                }
            };
        }
    }

    /**
     * @param targets     probed targets (after addressing)
     * @param reconciles  every reconcile this invocation ran (trigger calls, then the final one if any)
     * @param lease       how the probe lease went; null without a lease
     */
    public record Result(ProbeRun run, List<ProbeTarget> targets, List<ReconcileResult> reconciles, LeaseReport lease) {
        public Result {
            targets = List.copyOf(targets);
            reconciles = List.copyOf(reconciles);
        }

        public Result(ProbeRun run, List<ProbeTarget> targets, List<ReconcileResult> reconciles) {
            this(run, targets, reconciles, null);
        }
    }

    /**
     * @param acquired how the lease was had (null: it was not, and nothing was probed)
     * @param generation the lease generation probed under (0: none)
     * @param counts     renewals, hand-overs, failures
     */
    public record LeaseReport(LeaseTenure.How acquired, long generation, LeaseTenure.Counts counts) {
    }

    /** Runs one invocation. Not for concurrent use: one probe invocation per execution environment at a time. */
    public synchronized Result run(FailoverConfig config, String caller, Instant deadline) {
        Instant started = lease == null ? null : lease.clock().instant();
        Reconciler.World world = reconciler.observe(config);
        List<Candidate> candidates = CandidateResolver.resolve(config, world.instances(), world.enis()).candidates();
        Map<String, ObservedEni> enis = new LinkedHashMap<>();
        for (ObservedInstance i : world.instances()) {
            i.enis().forEach(e -> enis.putIfAbsent(e.eniId(), e));
        }
        world.enis().forEach(e -> enis.putIfAbsent(e.eniId(), e));
        List<ProbeTarget> targets = new ArrayList<>(ProbeTargets.resolve(candidates, config.checks(), enis.values()).stream().map(addressing).toList());
        Map<String, TargetState> seeds = new LinkedHashMap<>(world.targetStates());
        List<DataPaths.Path> paths = addDataPaths(config, world, targets, seeds);
        java.time.Duration watchEvery = hopWatchEvery;
        reportWatch.set(watchEvery == null || paths.isEmpty() ? io.github.vpcroutefailover.probe.ReportWatch.NONE
                : new HopChangeWatch(paths, world.ownership(), reconciler::records, watchEvery));

        List<ReconcileResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        // The first trigger of the invocation reconciles on the world just observed (the fast path: claim, route,
        // settle, no re-read); after it the view is stale in what that reconcile changed, so later ones observe.
        AtomicReference<Reconciler.World> known = new AtomicReference<>(world);
        long observedAt = System.nanoTime();
        sink.set(observations -> {
            Reconciler.World view = known.getAndSet(null);
            if (view != null && System.nanoTime() - observedAt > FAST_PATH_MAX_AGE.toNanos()) {
                view = null;
            }
            ReconcileResult r = reconciler.reconcile(config, ReconcileOptions.apply(caller + "#" + n.incrementAndGet()), observations, view);
            results.add(r);
            PostFlipVerifier v = verifier;
            if (v != null && !dataPathZones.isEmpty()) {
                try {
                    results.addAll(v.verify(config, r, dataPathZones, reconciler, caller + "#" + n.get(), deadline));
                } catch (RuntimeException e) {
                    // The move itself is recorded; the loop keeps probing the path, and its next fall crossing (or the
                    // invocation's final reconcile) delivers what verification would have.
                    LOG.atWarn().addKeyValue("event", "post-flip-verify-incomplete").setCause(e)
                            .log("post-flip verification could not finish: " + e);
                }
            }
        });
        try {
            ProbeRun run;
            LeaseReport report = null;
            if (lease == null) {
                run = loop.run(targets, seeds, deadline);
            } else {
                LeaseTenure tenure = new LeaseTenure(lease.store(), lease.scope(), caller, lease.clock(), lease.sleeper(), lease.settings(), started);
                Leased leased = underLease(tenure, targets, seeds, deadline);
                run = leased.run();
                report = new LeaseReport(leased.how(), leased.generation(), tenure.counts());
            }
            boolean handedOver = run.stop() == ProbeRun.Stop.HANDED_OVER;
            boolean failures = run.undelivered().stream().anyMatch(o -> !o.passed());
            if (!run.undelivered().isEmpty() && (!handedOver || failures)) {
                try {
                    results.add(reconciler.reconcile(config, ReconcileOptions.apply(caller + "#final"), run.undelivered()));
                } catch (RuntimeException e) {
                    // Only counters below rise/fall are lost; the next invocation starts from the stored state.
                    LOG.atWarn().addKeyValue("event", "probe-final-reconcile-failed").setCause(e)
                            .log("could not store the probe's last observations: " + e);
                }
            }
            LOG.atInfo().addKeyValue("event", "probe-invocation").addKeyValue("caller", caller)
                    .addKeyValue("targets", targets.size()).addKeyValue("rounds", run.rounds())
                    .addKeyValue("reconciles", results.size()).addKeyValue("stop", run.stop().name())
                    .addKeyValue("lease", report == null ? null : report.acquired() + "@" + report.generation()).log("probe invocation done");
            return new Result(run, targets, results, report);
        } finally {
            reportWatch.set(io.github.vpcroutefailover.probe.ReportWatch.NONE);
            sink.set(observations -> {
                throw new IllegalStateException("probe trigger fired outside an invocation");
            });
        }
    }

    private record Leased(ProbeRun run, LeaseTenure.How how, long generation) {
    }

    /**
     * Probes while this invocation holds the lease: waits for it (the previous invocation probes meanwhile), seeds the
     * counters from the newer of the stored state and what the previous holder handed over, and re-takes a lease
     * that lapsed (renewals failed) while time is left. Ends by handing over to a waiting successor or releasing.
     */
    private Leased underLease(LeaseTenure tenure, List<ProbeTarget> targets, Map<String, TargetState> stored, Instant deadline) {
        Map<String, TargetState> seeds = stored;
        ProbeRun total = null;
        LeaseTenure.How how = null;
        long generation = 0;
        // Renewals go on while the loop thread is busy in a trigger call (a failover's reconcile may outlast the ttl).
        java.util.concurrent.ScheduledExecutorService beat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "probe-lease-heartbeat");
            t.setDaemon(true);
            return t;
        });
        long every = tenure.heartbeatEvery().toMillis();
        beat.scheduleWithFixedDelay(tenure::heartbeat, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            while (true) {
                Optional<LeaseTenure.Acquired> got = tenure.acquire(deadline);
                if (got.isEmpty()) {
                    break;
                }
                how = how == null ? got.get().how() : how;
                generation = got.get().generation();
                seeds = newest(seeds, got.get().states(), lease.scope());
                ProbeRun run = loop.run(targets, seeds, deadline, tenure);
                total = total == null ? run : total.then(run);
                if (run.stop() != ProbeRun.Stop.LEASE_EXPIRED) {
                    break;
                }
                seeds = newest(seeds, run.states(), lease.scope());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            beat.shutdownNow();
        }
        if (total == null) {
            total = loop.run(List.of(), Map.of(), deadline, Tenure.UNBOUNDED);
        }
        tenure.finish(total.states());
        return new Leased(total, how, generation);
    }

    /**
     * Per check, the counters with the newer last observation: what the previous holder handed over (in memory,
     * never stored below the thresholds) or the stored state (a scheduled reconcile may have written since).
     */
    static Map<String, TargetState> newest(Map<String, TargetState> stored, Map<String, Map<String, CheckState>> handed, String probeAz) {
        if (handed.isEmpty()) {
            return stored;
        }
        Map<String, TargetState> out = new LinkedHashMap<>(stored);
        handed.forEach((target, checks) -> {
            TargetState base = out.getOrDefault(target, TargetState.initial(target));
            Map<String, CheckState> merged = new LinkedHashMap<>(base.checks());
            checks.forEach((check, state) -> {
                String key = HealthEvaluator.stateKey(check, probeAz);
                CheckState have = merged.get(key);
                if (have == null || have.lastAt() == null || (state.lastAt() != null && state.lastAt().isAfter(have.lastAt()))) {
                    merged.put(key, state);
                }
            });
            out.put(target, new TargetState(target, merged, base.drain(), base.healthySince(), base.version()));
        });
        return out;
    }

    /**
     * The AZs whose private subnets this probe sits in: it tests the data path of the managed tables there (in
     * production one probe per AZ, {@code VRF_PROBE_AZ}). Empty (the default): no data-path checks run.
     */
    public ProbeCycle dataPathZones(Set<String> zones) {
        this.dataPathZones = Set.copyOf(zones);
        return this;
    }

    /**
     * Makes each invocation read its tested data paths' ownership records at most once per {@code every}, and report
     * a path's first result through a new hop at once (see {@link HopChangeWatch}); off by default.
     */
    public ProbeCycle watchHops(java.time.Duration every) {
        this.hopWatchEvery = Objects.requireNonNull(every, "every");
        return this;
    }

    /** Verifies the data path through a new hop right after a probe-triggered reconcile moved a route (null: off). */
    public ProbeCycle postFlipVerifier(PostFlipVerifier v) {
        this.verifier = v;
        return this;
    }

    /**
     * Adds one probe target per data path this probe sits on, seeded with the counters of the hop the table holds
     * (a path's results are that hop's; the reconcile attributes them when they arrive). Path targets skip
     * {@code addressing}: their address is a label, their requests go to the check's endpoints.
     */
    private List<DataPaths.Path> addDataPaths(FailoverConfig config, Reconciler.World world, List<ProbeTarget> targets,
                                              Map<String, TargetState> seeds) {
        if (dataPathZones.isEmpty()) {
            return List.of();
        }
        List<DataPaths.Path> paths = DataPaths.paths(config, world.tables(), dataPathZones);
        for (DataPaths.Path p : paths) {
            TargetState hop = p.hop() == null ? null : world.targetStates().get(p.hop().key());
            if (hop != null) {
                seeds.put(p.key(), new TargetState(p.key(), hop.checks(), null, null, hop.version()));
            }
        }
        targets.addAll(ProbeTargets.dataPaths(paths));
        return paths;
    }

    @Override
    public void close() {
        loop.close();
    }
}
