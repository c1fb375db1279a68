package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeRun;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.probe.ProbeTargets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
 */
public final class ProbeCycle implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeCycle.class);

    private final Backend reconciler;
    private final ProbeLoop loop;
    private final UnaryOperator<ProbeTarget> addressing;
    private volatile Set<String> dataPathZones = Set.of();
    private volatile PostFlipVerifier verifier;
    /** Where this invocation's trigger calls go; the loop (and its pool) outlives invocations. */
    private final AtomicReference<Consumer<List<Observation>>> sink = new AtomicReference<>(observations -> {
        throw new IllegalStateException("probe trigger fired outside an invocation");
    });

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
        this.loop = loopBuilder.trigger(FailoverTrigger.reconcileWith(observations -> sink.get().accept(observations))).build();
    }

    /**
     * What the probe needs of the reconcile path: one observation of the world, and reconciles fed with its own
     * observations, under the same DynamoDB ownership fencing as every other reconcile.
     */
    public interface Backend {
        Reconciler.World observe(FailoverConfig config);

        ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations);

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
            };
        }
    }

    /**
     * @param targets     probed targets (after addressing)
     * @param reconciles  every reconcile this invocation ran (trigger calls, then the final one if any)
     */
    public record Result(ProbeRun run, List<ProbeTarget> targets, List<ReconcileResult> reconciles) {
        public Result {
            targets = List.copyOf(targets);
            reconciles = List.copyOf(reconciles);
        }
    }

    /** Runs one invocation. Not for concurrent use: one probe invocation per execution environment at a time. */
    public synchronized Result run(FailoverConfig config, String caller, Instant deadline) {
        Reconciler.World world = reconciler.observe(config);
        List<Candidate> candidates = CandidateResolver.resolve(config, world.instances(), world.enis()).candidates();
        Map<String, ObservedEni> enis = new LinkedHashMap<>();
        for (ObservedInstance i : world.instances()) {
            i.enis().forEach(e -> enis.putIfAbsent(e.eniId(), e));
        }
        world.enis().forEach(e -> enis.putIfAbsent(e.eniId(), e));
        List<ProbeTarget> targets = new ArrayList<>(ProbeTargets.resolve(candidates, config.checks(), enis.values()).stream().map(addressing).toList());
        Map<String, TargetState> seeds = new LinkedHashMap<>(world.targetStates());
        addDataPaths(config, world, targets, seeds);

        List<ReconcileResult> results = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger n = new AtomicInteger();
        sink.set(observations -> {
            ReconcileResult r = reconciler.reconcile(config, ReconcileOptions.apply(caller + "#" + n.incrementAndGet()), observations);
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
            ProbeRun run = loop.run(targets, seeds, deadline);
            if (!run.undelivered().isEmpty()) {
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
                    .addKeyValue("reconciles", results.size()).addKeyValue("stop", run.stop().name()).log("probe invocation done");
            return new Result(run, targets, results);
        } finally {
            sink.set(observations -> {
                throw new IllegalStateException("probe trigger fired outside an invocation");
            });
        }
    }

    /**
     * The AZs whose private subnets this probe sits in: it tests the data path of the managed tables there (in
     * production one probe per AZ, {@code VRF_PROBE_AZ}). Empty (the default): no data-path checks run.
     */
    public ProbeCycle dataPathZones(Set<String> zones) {
        this.dataPathZones = Set.copyOf(zones);
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
    private void addDataPaths(FailoverConfig config, Reconciler.World world, List<ProbeTarget> targets, Map<String, TargetState> seeds) {
        if (dataPathZones.isEmpty()) {
            return;
        }
        List<DataPaths.Path> paths = DataPaths.paths(config, world.tables(), dataPathZones);
        for (DataPaths.Path p : paths) {
            TargetState hop = p.hop() == null ? null : world.targetStates().get(p.hop().key());
            if (hop != null) {
                seeds.put(p.key(), new TargetState(p.key(), hop.checks(), null, null, hop.version()));
            }
        }
        targets.addAll(ProbeTargets.dataPaths(paths));
    }

    @Override
    public void close() {
        loop.close();
    }
}
