package io.github.vpcroutefailover.cdk;

/**
 * Names shared with the function and agent modules. They are a contract: the function reads these environment
 * variables and publishes these metrics; changing one here without the other breaks a deployed system.
 */
public final class Contract {
    private Contract() {
    }

    public static final String CONTROLLER_HANDLER = "io.github.vpcroutefailover.handler.ControllerHandler::handleRequest";
    public static final String PROBE_HANDLER = "io.github.vpcroutefailover.handler.ProbeHandler::handleRequest";

    public static final String ENV_TABLE_NAME = "VRF_TABLE_NAME";
    public static final String ENV_CONFIG_PATH = "VRF_CONFIG_PATH";
    public static final String ENV_METRIC_NAMESPACE = "VRF_METRIC_NAMESPACE";
    public static final String ENV_ALARM_PREFIX = "VRF_ALARM_PREFIX";
    public static final String ENV_EVENT_BUS = "VRF_EVENT_BUS";
    /** Our terminate hook's name: the controller completes only its own lifecycle actions, never a co-tenant hook's. */
    public static final String ENV_LIFECYCLE_HOOK = "VRF_LIFECYCLE_HOOK";
    public static final String ENV_PROBE_AZ = "VRF_PROBE_AZ";

    /**
     * The layer puts the config at vrf/config.json (the user's YAML compiled to JSON at synth, which a cold start reads
     * without the YAML parser); Lambda mounts layers under /opt.
     */
    public static final String LAYER_CONFIG_FILE = "vrf/config.json";
    public static final String CONFIG_PATH_IN_FUNCTION = "/opt/" + LAYER_CONFIG_FILE;

    public static final String METRIC_NAMESPACE = "VpcRouteFailover";
    /** Agent metrics: 1 pass / 0 fail, dimensions InstanceId and Check, 1 s resolution. */
    public static final String METRIC_CHECK_RESULT = "CheckResult";
    public static final String METRIC_HEARTBEAT = "Heartbeat";
    public static final String METRIC_DRAINING = "Draining";
    /** The Check dimension value of the agent's own metrics (Heartbeat, Draining). */
    public static final String AGENT_CHECK = "agent";
    /** Function metrics (EMF). RouteChanges has dimension RouteName; ProbeResult InstanceId and Check; the rest none. */
    public static final String METRIC_ROUTE_CHANGES = "RouteChanges";
    public static final String METRIC_FAILOVERS = "Failovers";
    public static final String METRIC_RECONCILE_ERRORS = "ReconcileErrors";
    public static final String METRIC_PROBE_RESULT = "ProbeResult";
    public static final String METRIC_RECONCILE_DURATION = "ReconcileDurationMs";

    /** Our custom event, emitted on every route change. Schema: schemas/route-failover-event.json, docs/events.md. */
    public static final String EVENT_SOURCE = "vpc-route-failover";
    public static final String EVENT_DETAIL_TYPE = "Route Failover";
    public static final String EVENT_BUS = "default";
    /** The event's JSON Schema (draft-04, what EventBridge's schema registry accepts), on the app's classpath. */
    public static final String EVENT_SCHEMA_RESOURCE = "/schemas/route-failover-event.json";

    /** The DynamoDB table's single-table keys and TTL attribute. */
    public static final String TABLE_PARTITION_KEY = "pk";
    public static final String TABLE_SORT_KEY = "sk";
    public static final String TABLE_TTL_ATTRIBUTE = "expiresAt";
}
