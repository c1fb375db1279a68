package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.Controller;
import io.github.vpcroutefailover.app.ManualActions;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.autoscaling.AutoScalingLifecycleActions;
import io.github.vpcroutefailover.aws.cloudwatch.AgentMetricHealthSource;
import io.github.vpcroutefailover.aws.cloudwatch.AlarmHealthSource;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbRouteRegistry;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.eventbridge.EventBridgeRouteChangeNotifier;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.ports.HealthSource;
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

    /** One client per service; built by {@link #fromEnvironment} with our timeouts, or by tests against the emulators. */
    public record Clients(Ec2Client ec2, DynamoDbClient dynamoDb, CloudWatchClient cloudWatch, EventBridgeClient eventBridge,
                          AutoScalingClient autoScaling) {
        /** Real clients; endpoints, region and credentials come from the SDK's default chains (AWS_ENDPOINT_URL_* too). */
        public static Clients fromEnvironment() {
            return new Clients(AwsClients.ec2(), AwsClients.dynamoDb(),
                    AwsClients.tune(CloudWatchClient.builder().httpClient(http()), RetryMode.STANDARD).build(),
                    AwsClients.tune(EventBridgeClient.builder().httpClient(http()), RetryMode.STANDARD).build(),
                    AwsClients.tune(AutoScalingClient.builder().httpClient(http()), RetryMode.STANDARD).build());
        }

        private static software.amazon.awssdk.http.SdkHttpClient http() {
            return software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient.builder()
                    .connectionTimeout(java.time.Duration.ofSeconds(2)).socketTimeout(java.time.Duration.ofSeconds(10)).build();
        }
    }

    private final Clients clients;
    private final Settings settings;
    private final Controller controller;
    private final ManualActions manual;

    public Components(Clients clients, Settings settings, Supplier<FailoverConfig> config, Clock clock, ReconcileListener listener) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.settings = Objects.requireNonNull(settings, "settings");
        String table = settings.tableName();
        this.controller = Controller.builder()
                .config(config)
                .registry(new DynamoDbRouteRegistry(clients.dynamoDb(), table))
                .routeTables(new Ec2RouteTables(clients.ec2()))
                .instances(new Ec2Instances(clients.ec2()))
                .ownership(new DynamoDbOwnershipStore(clients.dynamoDb(), table))
                .targetStates(new DynamoDbTargetStateStore(clients.dynamoDb(), table))
                .healthSources(c -> List.<HealthSource>of(
                        new AgentMetricHealthSource(clients.cloudWatch(), settings.metricNamespace(), c.checks()),
                        new AlarmHealthSource(clients.cloudWatch(), c.checks())))
                .alarms(name -> clients.cloudWatch().describeAlarms(r -> r.alarmNames(name)).metricAlarms().stream()
                        .findFirst().map(a -> a.stateValueAsString()).orElse(null))
                .lifecycle(new AutoScalingLifecycleActions(clients.autoScaling()))
                .lifecycleHook(settings.lifecycleHook())
                .notifier(new EventBridgeRouteChangeNotifier(clients.eventBridge(), settings.eventBus()))
                .listener(listener)
                .alarmPrefix(settings.alarmPrefix())
                .clock(clock)
                .build();
        this.manual = new ManualActions(controller);
    }

    /** Production wiring: real clients, settings from the environment, the config file loaded once and kept. */
    public static Components fromEnvironment() {
        Settings settings = Settings.fromEnvironment(System.getenv());
        FailoverConfig config = ConfigLoader.load(settings.configPath());
        return new Components(Clients.fromEnvironment(), settings, () -> config, Clock.systemUTC(), EmfMetrics.stdout(settings.metricNamespace()));
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
