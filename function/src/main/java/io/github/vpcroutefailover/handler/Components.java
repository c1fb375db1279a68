package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.Controller;
import io.github.vpcroutefailover.app.ManualActions;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.autoscaling.AutoScalingLifecycleActions;
import io.github.vpcroutefailover.aws.cloudwatch.AgentMetricHealthSource;
import io.github.vpcroutefailover.aws.cloudwatch.AlarmHealthSource;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbRouteRegistry;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.eventbridge.EventBridgeRouteChangeNotifier;
import io.github.vpcroutefailover.config.FleetConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import io.github.vpcroutefailover.ports.HealthSource;
import io.github.vpcroutefailover.ports.RouteRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Builds the controller's object graph once per process (Lambda init, CLI run): one SDK client per service, the
 * adapters, the config. Handlers stay thin: they get a {@link Controller} and {@link ManualActions} from here.
 * The probe handler can reuse {@link #clients} and {@link #settings}.
 */
public final class Components {
    public static final String DEFAULT_CONFIG_PATH = "/opt/config/config.yaml";
    public static final String DEFAULT_NAMESPACE = AgentMetricHealthSource.DEFAULT_NAMESPACE;

    /** Everything read from the environment (docs/deploy.md). */
    /**
     * @param lifecycleHook our terminate lifecycle hook's name ({@code VRF_LIFECYCLE_HOOK}); lifecycle actions of other
     *                      hooks on the same group are never completed by us. Null accepts any hook (local use).
     */
    public record Settings(String tableName, Path configPath, String metricNamespace, String alarmPrefix, String eventBus,
                           String lifecycleHook) {
        public Settings(String tableName, Path configPath, String metricNamespace, String alarmPrefix, String eventBus) {
            this(tableName, configPath, metricNamespace, alarmPrefix, eventBus, null);
        }

        public static Settings fromEnvironment(Map<String, String> env) {
            String table = env.get("VRF_TABLE_NAME");
            if (table == null || table.isBlank()) {
                throw new IllegalStateException("VRF_TABLE_NAME is not set: name the DynamoDB ownership table (the stack sets it)");
            }
            return new Settings(table, Path.of(env.getOrDefault("VRF_CONFIG_PATH", DEFAULT_CONFIG_PATH)),
                    blankToDefault(env.get("VRF_METRIC_NAMESPACE"), DEFAULT_NAMESPACE), blankToDefault(env.get("VRF_ALARM_PREFIX"), ""),
                    blankToDefault(env.get("VRF_EVENT_BUS"), null), blankToDefault(env.get("VRF_LIFECYCLE_HOOK"), null));
        }

        private static String blankToDefault(String v, String fallback) {
            return v == null || v.isBlank() ? fallback : v;
        }
    }

    /**
     * One client per service. Production clients are built on first use ({@link #fromEnvironment}): a cold start pays
     * only for the services its path calls (a converged scheduled reconcile never builds the Auto Scaling or
     * EventBridge client; building an SDK client loads hundreds of classes, BENCHMARKS.md "Cold controller"). EC2 and
     * DynamoDB, which every path uses, are built at once, during Lambda's init. Tests pass ready clients.
     */
    public static final class Clients {
        private final Memo<Ec2Api> ec2;
        private final Memo<DynamoDbClient> dynamoDb;
        private final Memo<CloudWatchClient> cloudWatch;
        private final Memo<EventBridgeClient> eventBridge;
        private final Memo<AutoScalingClient> autoScaling;

        /** Ready SDK clients (tests, against the emulators). */
        public Clients(Ec2Client ec2, DynamoDbClient dynamoDb, CloudWatchClient cloudWatch, EventBridgeClient eventBridge,
                       AutoScalingClient autoScaling) {
            this(Ec2Api.of(ec2), dynamoDb, cloudWatch, eventBridge, autoScaling);
        }

        /** Ready clients, EC2 as the adapters call it (a light client, or {@link Ec2Api#of} an SDK one). */
        public Clients(Ec2Api ec2, DynamoDbClient dynamoDb, CloudWatchClient cloudWatch, EventBridgeClient eventBridge,
                       AutoScalingClient autoScaling) {
            this(() -> Objects.requireNonNull(ec2, "ec2"), () -> Objects.requireNonNull(dynamoDb, "dynamoDb"),
                    () -> Objects.requireNonNull(cloudWatch, "cloudWatch"), () -> Objects.requireNonNull(eventBridge, "eventBridge"),
                    () -> Objects.requireNonNull(autoScaling, "autoScaling"));
        }

        /** Each client built by its supplier on first use, at most once. */
        public Clients(Supplier<Ec2Api> ec2, Supplier<DynamoDbClient> dynamoDb, Supplier<CloudWatchClient> cloudWatch,
                       Supplier<EventBridgeClient> eventBridge, Supplier<AutoScalingClient> autoScaling) {
            this.ec2 = new Memo<>(ec2);
            this.dynamoDb = new Memo<>(dynamoDb);
            this.cloudWatch = new Memo<>(cloudWatch);
            this.eventBridge = new Memo<>(eventBridge);
            this.autoScaling = new Memo<>(autoScaling);
        }

        /**
         * Real clients; endpoints, region and credentials come from the SDK's default chains (AWS_ENDPOINT_URL_* too).
         * EC2 and DynamoDB are the light clients ({@code aws/light}): the same model objects and exceptions for
         * the operations the adapters call, without the generated SDK clients' cold-start cost.
         */
        public static Clients fromEnvironment() {
            Clients c = new Clients(LightClients::ec2, LightClients::dynamoDb,
                    LightClients::cloudWatch, new EventBridgeFromEnvironment(), new AutoScalingFromEnvironment());
            c.ec2();
            c.dynamoDb();
            return c;
        }

        public Ec2Api ec2() {
            return ec2.get();
        }

        public DynamoDbClient dynamoDb() {
            return dynamoDb.get();
        }

        public CloudWatchClient cloudWatch() {
            return cloudWatch.get();
        }

        public EventBridgeClient eventBridge() {
            return eventBridge.get();
        }

        public AutoScalingClient autoScaling() {
            return autoScaling.get();
        }

        /** Builds every client now (SnapStart: before the snapshot, so that a restored environment has them all). */
        public void buildAll() {
            ec2();
            dynamoDb();
            cloudWatch();
            eventBridge();
            autoScaling();
        }

        /*
         * The two clients most invocations never use, each built on first use. Classes rather than lambdas: resolving
         * a lambda's method type loads the client's interface, which init would then pay for (BENCHMARKS.md "Cold
         * controller", eighth look).
         */
        private static final class EventBridgeFromEnvironment implements Supplier<EventBridgeClient> {
            @Override
            public EventBridgeClient get() {
                return AwsClients.tune(EventBridgeClient.builder().httpClient(http()), RetryMode.STANDARD).build();
            }
        }

        private static final class AutoScalingFromEnvironment implements Supplier<AutoScalingClient> {
            @Override
            public AutoScalingClient get() {
                return AwsClients.tune(AutoScalingClient.builder().httpClient(http()), RetryMode.STANDARD).build();
            }
        }

        private static software.amazon.awssdk.http.SdkHttpClient http() {
            return software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                    .connectionTimeout(java.time.Duration.ofSeconds(2)).socketTimeout(java.time.Duration.ofSeconds(10)).build();
        }
    }

    /** A value built once, on first use; concurrent first uses wait for the one building it. */
    static final class Memo<T> implements Supplier<T> {
        private final Supplier<T> build;
        private volatile T value;

        Memo(Supplier<T> build) {
            this.build = Objects.requireNonNull(build, "build");
        }

        @Override
        public T get() {
            T v = value;
            if (v == null) {
                synchronized (this) {
                    v = value;
                    if (v == null) {
                        v = Objects.requireNonNull(build.get(), "built value");
                        value = v;
                    }
                }
            }
            return v;
        }
    }

    private final Clients clients;
    private final Settings settings;
    private final Controller controller;
    private final ManualActions manual;
    private final ReconcileListener listener;

    public Components(Clients clients, Settings settings, Supplier<FailoverConfig> config, Clock clock, ReconcileListener listener) {
        this(clients, settings, config, clock, listener, KeyScope.HOME, true);
    }

    /**
     * One VPC's graph.
     *
     * @param scope    where the VPC's records live in the shared table (home: the key format of single-VPC releases)
     * @param registry whether routes registered at run time apply: single-VPC deployments only (a registered route
     *                 names no VPC; a fleet's routes are all in its file)
     */
    public Components(Clients clients, Settings settings, Supplier<FailoverConfig> config, Clock clock, ReconcileListener listener,
                      KeyScope scope, boolean registry) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.settings = Objects.requireNonNull(settings, "settings");
        String table = settings.tableName();
        this.controller = Controller.builder()
                .config(config)
                .registry(registry ? new DynamoDbRouteRegistry(clients.dynamoDb(), table) : NO_REGISTRY)
                .routeTables(new Ec2RouteTables(clients.ec2()))
                .instances(new Ec2Instances(clients.ec2()))
                .ownership(new DynamoDbOwnershipStore(clients.dynamoDb(), table, scope))
                .targetStates(new DynamoDbTargetStateStore(clients.dynamoDb(), table, scope))
                .healthSources(c -> List.<HealthSource>of(
                        new AgentMetricHealthSource(clients.cloudWatch(), settings.metricNamespace(), c.checks()),
                        new AlarmHealthSource(clients.cloudWatch(), c.checks())))
                .alarms(name -> clients.cloudWatch().describeAlarms(r -> r.alarmNames(name)).metricAlarms().stream()
                        .findFirst().map(a -> a.stateValueAsString()).orElse(null))
                .lifecycle(lifecycle(clients))
                .lifecycleHook(settings.lifecycleHook())
                .notifier(notifier(clients, settings.eventBus()))
                .listener(listener)
                .alarmPrefix(settings.alarmPrefix())
                .clock(clock)
                .build();
        this.manual = new ManualActions(controller);
        this.listener = listener;
    }

    /** Hands a finished (not dry-run) drill to the metrics; returns the drill's answer unchanged. */
    public java.util.Map<String, Object> drilled(String route, java.util.Map<String, Object> answer) {
        if (answer.get("passed") instanceof Boolean passed) {
            listener.drilled(route, passed);
        }
        return answer;
    }

    /** A fleet's VPCs take no runtime registrations: their routes are all in the file, each under its VPC. */
    static final RouteRegistry NO_REGISTRY = new RouteRegistry() {
        @Override
        public List<Registered> all() {
            return List.of();
        }

        @Override
        public void put(Registered route) {
            throw new UnsupportedOperationException("routes cannot be registered at run time when the config lists several VPCs ('vpcs'); "
                    + "add the route to its VPC's entry in the config file");
        }

        @Override
        public boolean remove(String name) {
            return false;
        }
    };

    /** Auto Scaling is only called for our lifecycle hook's actions: its client is built then, not at every cold start. */
    private static io.github.vpcroutefailover.ports.LifecycleActions lifecycle(Clients clients) {
        Memo<AutoScalingLifecycleActions> actions = new Memo<>(() -> new AutoScalingLifecycleActions(clients.autoScaling()));
        return (group, hook, token, instanceId) -> actions.get().completeTerminate(group, hook, token, instanceId);
    }

    /** EventBridge is only called when routes changed: its client is built then. */
    private static io.github.vpcroutefailover.ports.RouteChangeNotifier notifier(Clients clients, String eventBus) {
        Memo<EventBridgeRouteChangeNotifier> notifier = new Memo<>(() -> new EventBridgeRouteChangeNotifier(clients.eventBridge(), eventBus));
        return new io.github.vpcroutefailover.ports.RouteChangeNotifier() {
            @Override
            public void routesChanged(List<io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange> changes) {
                notifier.get().routesChanged(changes);
            }

            /** Per-entry results reach the outbox, so a failed publish is re-sent rather than forgotten. */
            @Override
            public List<Boolean> publish(List<io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange> changes) {
                return notifier.get().publish(changes);
            }
        };
    }

    /** Production wiring: real clients, settings from the environment, the config file loaded once and kept. */
    public static Components fromEnvironment() {
        return fromEnvironment(System.getenv(), Clients.fromEnvironment());
    }

    /**
     * As Lambda builds it, from a function's environment variables (the ones the stack sets) and the given clients;
     * the system test runs the deployed functions' environments through here.
     */
    public static Components fromEnvironment(Map<String, String> env, Clients clients) {
        Settings settings = Settings.fromEnvironment(env);
        FleetConfig fleet = FleetConfigLoader.load(settings.configPath());
        if (fleet.single()) {
            FailoverConfig config = fleet.sites().get(0).config();
            return new Components(clients, settings, () -> config, Clock.systemUTC(), EmfMetrics.stdout(settings.metricNamespace()));
        }
        // A config with several VPCs: this graph (the in-VPC probe's) serves the VPC in our own account and region,
        // with the same keys and no runtime registration, as the fleet controller's graph of that VPC.
        FailoverConfig home = fleet.sites().stream().filter(s -> s.roleArn() == null && s.region() == null).map(VpcSite::config)
                .findFirst().orElseThrow(() -> new IllegalStateException(settings.configPath() + " lists no VPC in this account and region "
                        + "(an entry without roleArn and region); the probe runs in such a VPC (docs/fleet.md)"));
        return new Components(clients, settings, () -> home, Clock.systemUTC(), EmfMetrics.stdout(settings.metricNamespace()),
                KeyScope.HOME, false);
    }

    public Clients clients() {
        return clients;
    }

    public Settings settings() {
        return settings;
    }

    public Controller controller() {
        return controller;
    }

    public ManualActions manual() {
        return manual;
    }
}
