package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.HealthSource;
import io.github.vpcroutefailover.ports.Instances;
import io.github.vpcroutefailover.ports.LifecycleActions;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.ports.RoutePlanner;
import io.github.vpcroutefailover.ports.RouteRegistry;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.TargetStateStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-driven use cases: every trigger only says "look now". The controller re-observes EC2 (and, for alarms,
 * re-reads the alarm) and reconciles on what it sees, so duplicate and out-of-order events are harmless: an old
 * {@code running} after a newer {@code stopped} leads to a reconcile that sees the instance stopped.
 */
public final class Controller {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final Supplier<FailoverConfig> baseConfig;
    private final RouteRegistry registry;
    private final RouteTables routeTables;
    private final Instances instances;
    private final OwnershipStore ownership;
    private final TargetStateStore targetStates;
    private final Function<FailoverConfig, List<HealthSource>> healthSources;
    private final AlarmStateReader alarms;
    private final LifecycleActions lifecycle;
    private final RouteChangeNotifier notifier;
    private final ReconcileListener listener;
    private final String alarmPrefix;
    private final String lifecycleHook;
    private final Clock clock;
    private final RoutePlanner planner;

    private Controller(Builder b) {
        this.baseConfig = Objects.requireNonNull(b.baseConfig, "config");
        this.registry = Objects.requireNonNull(b.registry, "registry");
        this.routeTables = Objects.requireNonNull(b.routeTables, "routeTables");
        this.instances = Objects.requireNonNull(b.instances, "instances");
        this.ownership = Objects.requireNonNull(b.ownership, "ownership");
        this.targetStates = Objects.requireNonNull(b.targetStates, "targetStates");
        this.healthSources = Objects.requireNonNull(b.healthSources, "healthSources");
        this.alarms = Objects.requireNonNull(b.alarms, "alarms");
        this.lifecycle = Objects.requireNonNull(b.lifecycle, "lifecycle");
        this.notifier = Objects.requireNonNull(b.notifier, "notifier");
        this.listener = Objects.requireNonNull(b.listener, "listener");
        this.alarmPrefix = b.alarmPrefix == null ? "" : b.alarmPrefix;
        this.lifecycleHook = b.lifecycleHook;
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.planner = b.planner;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Reads the current state of one alarm: "ALARM", "OK", "INSUFFICIENT_DATA", or null when it does not exist. */
    @FunctionalInterface
    public interface AlarmStateReader {
        String currentState(String alarmName);
    }

    /** What a trigger led to. {@code managed == false}: not ours, nothing was changed and no reconcile ran. */
    public record Outcome(boolean managed, String detail, ReconcileResult result) {
        static Outcome ignored(String detail) {
            return new Outcome(false, detail, null);
        }
    }

    Clock clock() {
        return clock;
    }

    OwnershipStore ownership() {
        return ownership;
    }

    TargetStateStore targetStates() {
        return targetStates;
    }

    RouteRegistry registry() {
        return registry;
    }

    FailoverConfig baseConfig() {
        return baseConfig.get();
    }

    /** The config file alone: no DynamoDB read (SnapStart priming must not call AWS). */
    public FailoverConfig effectiveConfigWithoutRegistry() {
        return baseConfig.get();
    }

    /**
     * The file config plus every registered route, each re-validated against the file as it is now. A registered
     * route that no longer validates (the file changed under it) is skipped with an ERROR log, never half-applied.
     */
    public FailoverConfig effectiveConfig() {
        FailoverConfig config = baseConfig.get();
        for (RouteRegistry.Registered r : registry.all()) {
            if (config.route(r.name()).isPresent() && !isRegistered(r.name())) {
                continue;
            }
            try {
                config = config.withRoute(ConfigLoader.parseRoute(r.spec(), "REGISTERED#" + r.name(), config.withoutRoute(r.name())));
            } catch (ConfigException e) {
                LOG.atError().addKeyValue("event", "registered-route-invalid").addKeyValue("route", r.name())
                        .log("registered route no longer validates against the config file; skipped: " + e.getMessage());
            }
        }
        return config;
    }

    private boolean isRegistered(String name) {
        return baseConfig.get().route(name).isEmpty();
    }

    /** Full reconcile (scheduled event): failover and fail-back. */
    public ReconcileResult reconcile(String caller) {
        return run(effectiveConfig(), ReconcileOptions.apply(caller), List.of());
    }

    public ReconcileResult dryRun(String caller) {
        return run(effectiveConfig(), ReconcileOptions.dryRun(caller), List.of());
    }

    Reconciler reconciler(FailoverConfig config, List<HealthSource> extra) {
        Reconciler.Builder b = baseReconciler();
        healthSources.apply(config).forEach(b::healthSource);
        extra.forEach(b::healthSource);
        return b.build();
    }

    /** EC2 status only; callers add the health sources their path reads. */
    private Reconciler.Builder baseReconciler() {
        Reconciler.Builder b = Reconciler.builder().routeTables(routeTables).instances(instances).ownership(ownership)
                .targetStates(targetStates).clock(clock);
        if (planner != null) {
            b.planner(planner);
        }
        return b;
    }

    ReconcileResult run(FailoverConfig config, ReconcileOptions options, List<HealthSource> extra) {
        return recorded(() -> reconciler(config, extra).reconcile(config, options));
    }

    /**
     * The in-VPC probe's way in. Its reconciles read EC2 and take the probe's own observations, but skip the
     * CloudWatch reads of the scheduled path (the probe exists to be fast); they are fenced, measured and announced
     * (Route Failover events) like every other reconcile, and see runtime-registered routes.
     */
    public ProbeCycle.Backend probeBackend() {
        return new ProbeCycle.Backend() {
            @Override
            public Reconciler.World observe(FailoverConfig config) {
                return probeReconciler().observe(config);
            }

            @Override
            public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations) {
                return recorded(() -> probeReconciler().reconcile(config, options, observations));
            }
        };
    }

    private Reconciler probeReconciler() {
        return baseReconciler().build();
    }

    private ReconcileResult recorded(java.util.function.Supplier<ReconcileResult> reconcile) {
        long start = System.nanoTime();
        ReconcileResult result;
        try {
            result = reconcile.get();
        } catch (RuntimeException e) {
            listener.failed(e, Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
        listener.reconciled(result, Duration.ofNanos(System.nanoTime() - start));
        if (!result.dryRun() && !result.announced().isEmpty()) {
            notifier.routesChanged(changes(result));
        }
        return result;
    }

    static List<RouteChangeNotifier.RouteChange> changes(ReconcileResult result) {
        List<RouteChangeNotifier.RouteChange> out = new ArrayList<>();
        for (ActionOutcome o : result.announced()) {
            var a = o.action();
            String fromName = null;
            if (a.from() != null) {
                for (RouteStatus s : result.plan().routes()) {
                    if (s.key().equals(o.key())) {
                        fromName = s.candidates().stream().filter(c -> c.candidate().target().sameHopAs(a.from()))
                                .map(c -> c.candidate().targetName()).findFirst().orElse(null);
                    }
                }
            }
            out.add(new RouteChangeNotifier.RouteChange(o.key().routeTableId(), o.key().destination().toString(), a.routeName(),
                    a.from(), fromName, a.to() == null ? null : a.to().target(), a.to() == null ? null : a.to().targetName(),
                    a.reason(), o.version(), a.reason() != null && a.reason().contains("forced"), false, result.caller(), result.at()));
        }
        return out;
    }

    // ---- EC2 events ----------------------------------------------------------------------------------------------

    /**
     * State change of an instance. Going away or coming back, the answer is the same: reconcile on what EC2 says now
     * (a stopped instance is a hard failure for the planner; a running one only counts towards rise and fail-back).
     */
    public Outcome onInstanceState(String instanceId, String state, String caller) {
        FailoverConfig config = effectiveConfig();
        if (!manages(config, instanceId)) {
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("instance", instanceId).log("state change of an instance we do not manage");
            return Outcome.ignored("instance " + instanceId + " is not a target of any managed route");
        }
        return new Outcome(true, "instance " + instanceId + " is " + state + "; reconciled on current state",
                run(config, ReconcileOptions.apply(caller), List.of()));
    }

    /**
     * Planned failover before the instance goes (spot interruption, rebalance recommendation, ASG terminate): drain
     * it (idempotent: an existing drain is kept) and reconcile. The drain stays until an operator's {@code undrain}.
     */
    public Outcome onPlannedRemoval(String instanceId, String reason, String caller) {
        FailoverConfig config = effectiveConfig();
        if (!manages(config, instanceId)) {
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("instance", instanceId).log(reason + " for an instance we do not manage");
            return Outcome.ignored("instance " + instanceId + " is not a target of any managed route");
        }
        // Health and drains are kept per candidate key, the hop's key: for every hop behind an instance (the instance
        // itself or an ENI attached to it) that key is the instance id (RouteTarget#key). So no observation is needed
        // here; the reconcile below is this path's one read of the world (it used to observe twice).
        List<String> keys = List.of(instanceId);
        Map<String, TargetState> states = targetStates.load(keys);
        for (String key : keys) {
            TargetState state = states.get(key);
            if (state == null || !state.drained()) {
                targetStates.setDrain(key, new TargetState.Drain(caller, clock.instant(), reason), clock.instant());
            }
        }
        return new Outcome(true, "drained " + instanceId + " (" + reason + ") and reconciled",
                run(config, ReconcileOptions.apply(caller), List.of()));
    }

    public Outcome onLifecycleTerminate(String group, String hook, String token, String instanceId, String caller) {
        if (lifecycleHook != null && !lifecycleHook.equals(hook)) {
            // Another team's hook on the same group: completing it would cut their drain short.
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("hook", hook).log("lifecycle action of a hook that is not ours");
            return Outcome.ignored("lifecycle hook " + hook + " is not ours (" + lifecycleHook + ")");
        }
        Outcome o = onPlannedRemoval(instanceId, "ASG terminate", caller);
        if (!o.managed()) {
            if (lifecycleHook == null) {
                // Without our hook's name we cannot tell whose action this is; leave it to its heartbeat timeout.
                return o;
            }
            // Our hook, but no route uses this instance: nothing to move, so let Auto Scaling go on at once rather
            // than at the heartbeat timeout.
            lifecycle.completeTerminate(group, hook, token, instanceId);
            return new Outcome(false, o.detail() + "; completed lifecycle action (CONTINUE), nothing to move", o.result());
        }
        // Only after the routes moved: CONTINUE lets Auto Scaling terminate the instance now instead of at the heartbeat timeout.
        lifecycle.completeTerminate(group, hook, token, instanceId);
        return new Outcome(true, o.detail() + "; completed lifecycle action (CONTINUE)", o.result());
    }

    // ---- alarms ---------------------------------------------------------------------------------------------------

    /** A target check an alarm watches. */
    public record Watched(String targetName, String targetKey, String check) {
    }

    /**
     * Alarm -> targets, in this order (docs/handlers.md "Which targets an alarm watches"):
     * 1. a {@code type: alarm} check whose {@code alarmName} is the alarm: every candidate using that check;
     * 2. the agent alarm naming rule {@code <alarmPrefix><target>-<check>}: that target's candidates, that check;
     * 3. the alarm metric's {@code InstanceId} dimension names a candidate's instance: with a {@code Check} dimension
     *    equal to one of its agent checks' {@code agentCheck}, that check; otherwise the target is only re-observed.
     */
    public AlarmMapping mapAlarm(FailoverConfig config, String alarmName, Map<String, String> dimensions) {
        List<Candidate> candidates = null;
        Set<Watched> watched = new LinkedHashSet<>();
        boolean managed = false;
        for (CheckSpec c : config.checks().values()) {
            if (c instanceof CheckSpec.Alarm a && a.alarmName().equals(alarmName)) {
                managed = true;
                candidates = candidates == null ? candidates(config) : candidates;
                candidates.stream().filter(k -> k.checks().contains(a.name()))
                        .forEach(k -> watched.add(new Watched(k.targetName(), k.key(), a.name())));
            }
        }
        if (!alarmPrefix.isEmpty() && alarmName.startsWith(alarmPrefix)) {
            String rest = alarmName.substring(alarmPrefix.length());
            for (String target : config.targets().keySet()) {
                if (rest.startsWith(target + "-") && config.checks().containsKey(rest.substring(target.length() + 1))) {
                    String check = rest.substring(target.length() + 1);
                    managed = true;
                    candidates = candidates == null ? candidates(config) : candidates;
                    candidates.stream().filter(k -> k.targetName().equals(target) && k.checks().contains(check))
                            .forEach(k -> watched.add(new Watched(k.targetName(), k.key(), check)));
                }
            }
        }
        String instanceId = dimensions.get("InstanceId");
        if (instanceId != null && manages(config, instanceId)) {
            managed = true;
            candidates = candidates == null ? candidates(config) : candidates;
            String checkDim = dimensions.get("Check");
            for (Candidate k : candidates) {
                if (!instanceId.equals(k.target().instanceId())) {
                    continue;
                }
                for (String check : k.checks()) {
                    if (checkDim != null && config.checks().get(check) instanceof CheckSpec.Agent ag && ag.agentCheck().equals(checkDim)) {
                        watched.add(new Watched(k.targetName(), k.key(), check));
                    }
                }
            }
        }
        return new AlarmMapping(managed, List.copyOf(watched));
    }

    public record AlarmMapping(boolean managed, List<Watched> watched) {
    }

    /**
     * ALARM: re-read the alarm; if it is still in ALARM, its watched checks fail hard in this reconcile (no waiting
     * for {@code fall}), so the routes move at once. OK / INSUFFICIENT_DATA: a plain reconcile; the OK counts towards
     * rise like any observation and fail-back still waits for the policy's hold time, never an immediate flip back.
     */
    public Outcome onAlarm(String alarmName, String eventState, Map<String, String> dimensions, String caller) {
        FailoverConfig config = effectiveConfig();
        AlarmMapping mapping = mapAlarm(config, alarmName, dimensions);
        if (!mapping.managed()) {
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("alarm", alarmName).log("state change of an alarm we do not manage");
            return Outcome.ignored("alarm " + alarmName + " watches no managed target");
        }
        List<HealthSource> extra = List.of();
        String detail = "alarm " + alarmName + " " + eventState + "; reconciled on current state";
        if ("ALARM".equals(eventState) && !mapping.watched().isEmpty()) {
            String now = alarms.currentState(alarmName);
            if ("ALARM".equals(now)) {
                List<Watched> watched = mapping.watched();
                extra = List.of((cands, at) -> watched.stream()
                        .map(w -> new Observation(w.targetKey(), w.check(), false, true, at, "alarm-event",
                                "alarm " + alarmName + " is in ALARM"))
                        .toList());
                detail = "alarm " + alarmName + " is in ALARM: failed " + watched.stream().map(w -> w.targetName() + "/" + w.check()).distinct().toList();
            } else {
                detail = "alarm " + alarmName + " is " + now + " now (the event said ALARM); reconciled on current state";
            }
        }
        return new Outcome(true, detail, run(config, ReconcileOptions.apply(caller), extra));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Whether the instance is (behind) a candidate of the config. Reads EC2 only when targets are not named by id. */
    public boolean manages(FailoverConfig config, String instanceId) {
        boolean needObserve = false;
        for (TargetSpec t : config.targets().values()) {
            switch (t) {
                case TargetSpec.Instance i when !i.byTags() -> {
                    if (instanceId.equals(i.instanceId())) {
                        return true;
                    }
                }
                case TargetSpec.Instance i -> needObserve = true;
                case TargetSpec.Eni e -> needObserve = true;
                case TargetSpec.Gateway g -> {
                }
            }
        }
        return needObserve && candidates(config).stream().anyMatch(c -> instanceId.equals(c.target().instanceId()));
    }

    List<Candidate> candidates(FailoverConfig config) {
        Reconciler.World world = reconciler(config, List.of()).observe(config);
        return CandidateResolver.resolve(config, world.instances(), world.enis()).candidates();
    }

    Instant now() {
        return clock.instant();
    }

    public static final class Builder {
        private Supplier<FailoverConfig> baseConfig;
        private RouteRegistry registry;
        private RouteTables routeTables;
        private Instances instances;
        private OwnershipStore ownership;
        private TargetStateStore targetStates;
        private Function<FailoverConfig, List<HealthSource>> healthSources = c -> List.of();
        private AlarmStateReader alarms = name -> null;
        private LifecycleActions lifecycle;
        private RouteChangeNotifier notifier = RouteChangeNotifier.none();
        private ReconcileListener listener = ReconcileListener.none();
        private String alarmPrefix;
        private String lifecycleHook;
        private Clock clock = Clock.systemUTC();
        private RoutePlanner planner;

        public Builder config(Supplier<FailoverConfig> v) {
            this.baseConfig = v;
            return this;
        }

        public Builder registry(RouteRegistry v) {
            this.registry = v;
            return this;
        }

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

        /** Health sources beyond EC2 status, built for each effective config (their checks come from it). */
        public Builder healthSources(Function<FailoverConfig, List<HealthSource>> v) {
            this.healthSources = v;
            return this;
        }

        public Builder alarms(AlarmStateReader v) {
            this.alarms = v;
            return this;
        }

        public Builder lifecycle(LifecycleActions v) {
            this.lifecycle = v;
            return this;
        }

        public Builder notifier(RouteChangeNotifier v) {
            this.notifier = v;
            return this;
        }

        public Builder listener(ReconcileListener v) {
            this.listener = v;
            return this;
        }

        /** Our lifecycle hook's name; actions of other hooks are left to their owners. Null: any hook. */
        public Builder lifecycleHook(String v) {
            this.lifecycleHook = v;
            return this;
        }

        public Builder alarmPrefix(String v) {
            this.alarmPrefix = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        public Builder planner(RoutePlanner v) {
            this.planner = v;
            return this;
        }

        public Controller build() {
            return new Controller(this);
        }
    }
}
