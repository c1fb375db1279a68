package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final RouteChangeNotifier notifier;
    private final Announcer announcer;
    private final ReconcileListener listener;
    private final EventTriggers triggers;
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
        this.notifier = Objects.requireNonNull(b.notifier, "notifier");
        this.listener = Objects.requireNonNull(b.listener, "listener");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.announcer = new Announcer(ownership, notifier, clock);
        this.planner = b.planner;
        this.triggers = new EventTriggers(this, Objects.requireNonNull(b.alarms, "alarms"),
                Objects.requireNonNull(b.lifecycle, "lifecycle"), b.alarmPrefix == null ? "" : b.alarmPrefix, b.lifecycleHook);
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

            @Override
            public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations,
                                             Reconciler.World known) {
                return recorded(() -> probeReconciler().reconcile(config, options, observations, known));
            }

            @Override
            public Map<io.github.vpcroutefailover.domain.model.RouteKey, io.github.vpcroutefailover.domain.model.Ownership> records(
                    java.util.Collection<io.github.vpcroutefailover.domain.model.RouteKey> keys) {
                return ownership.load(keys);
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
        // Route Failover events: what this reconcile recorded and any overdue ones, through the outbox.
        announcer.announce(result);
        return result;
    }

    // ---- EC2 events and alarms: EventTriggers ----------------------------------------------------------------------

    /**
     * State change of an instance. Going away or coming back, the answer is the same: reconcile on what EC2 says now
     * (a stopped instance is a hard failure for the planner; a running one only counts towards rise and fail-back).
     */
    public Outcome onInstanceState(String instanceId, String state, String caller) {
        return triggers.onInstanceState(instanceId, state, caller);
    }

    /** Planned failover before the instance goes (spot interruption, rebalance, ASG terminate): drain it and reconcile. */
    public Outcome onPlannedRemoval(String instanceId, String reason, String caller) {
        return triggers.onPlannedRemoval(instanceId, reason, caller);
    }

    public Outcome onLifecycleTerminate(String group, String hook, String token, String instanceId, String caller) {
        return triggers.onLifecycleTerminate(group, hook, token, instanceId, caller);
    }

    /** A target check an alarm watches. */
    public record Watched(String targetName, String targetKey, String check) {
    }

    public record AlarmMapping(boolean managed, List<Watched> watched) {
    }

    /** Alarm -> targets (docs/handlers.md "Which targets an alarm watches"). */
    public AlarmMapping mapAlarm(FailoverConfig config, String alarmName, Map<String, String> dimensions) {
        return triggers.mapAlarm(config, alarmName, dimensions);
    }

    /** ALARM still in ALARM: its watched checks fail hard in this reconcile; OK / INSUFFICIENT_DATA: a plain reconcile. */
    public Outcome onAlarm(String alarmName, String eventState, Map<String, String> dimensions, String caller) {
        return triggers.onAlarm(alarmName, eventState, dimensions, caller);
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
