package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.constructs.Construct;

/**
 * VPC Route Failover as one CDK construct: put it in any stack of your own app (the thin {@link VrfStack} is what
 * the README deploys). It validates nothing itself: pass a config the function's parser has accepted
 * ({@code ConfigLoader.load}), as {@link VrfApp#validateConfig} does.
 *
 * <p>Parts, one construct per concern: {@link FailoverState} (the table), {@link FunctionAssets} (jar, config layer,
 * dead-letter queue), {@link FailoverPermissions} (core, agent and operator policies), {@link ControllerFunctions}
 * (event and operator functions), {@link ProbeFunctions} (in-VPC probes and endpoints), {@link EventRules},
 * {@link AgentAlarms}, {@link OperationalAlarms}, {@link FailoverDashboard}, {@link LogQueries}, {@link EventSchema}.
 */
public class VpcRouteFailover extends Construct {
    /** C1 only: most of a short run is spent before C2 would pay off; measurably faster cold starts. */
    public static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    private final String name;
    private final String alarmPrefix;
    private final ConfigFacts facts;
    private final FailoverState state;
    private final FunctionAssets assets;
    private final FailoverPermissions permissions;
    private final ControllerFunctions controllers;
    private final ProbeFunctions probes;
    private final EventRules rules;
    private final AgentAlarms agentAlarms;
    private final OperationalAlarms operationalAlarms;
    private final FailoverDashboard dashboard;
    private final LogQueries logQueries;
    private final EventSchema eventSchema;

    public VpcRouteFailover(Construct scope, String id, VpcRouteFailoverProps props) {
        super(scope, id);
        this.name = props.name() != null ? props.name() : Stack.of(this).getStackName();
        this.alarmPrefix = props.alarmPrefix() != null ? props.alarmPrefix() : "vrf-" + name + "-";
        this.facts = ConfigFacts.of(props.config());

        this.state = new FailoverState(this, "State", props.tableDeletionProtection());
        this.assets = new FunctionAssets(this, "Assets", props.functionJar(), props.configFile());
        this.permissions = new FailoverPermissions(this, "Permissions", facts, state.table().getTableArn(), alarmPrefix, props.asgNames());

        Map<String, String> env = new LinkedHashMap<>();
        env.put(Contract.ENV_TABLE_NAME, state.table().getTableName());
        env.put(Contract.ENV_CONFIG_PATH, Contract.CONFIG_PATH_IN_FUNCTION);
        env.put(Contract.ENV_METRIC_NAMESPACE, Contract.METRIC_NAMESPACE);
        env.put(Contract.ENV_ALARM_PREFIX, alarmPrefix);
        env.put(Contract.ENV_EVENT_BUS, Contract.EVENT_BUS);
        if (!props.asgNames().isEmpty()) {
            env.put(Contract.ENV_LIFECYCLE_HOOK, EventRules.lifecycleHookName(name));
        }
        env.put("VRF_LOG_LEVEL", props.logLevel());
        env.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);

        this.controllers = new ControllerFunctions(this, "Controller", name, assets, permissions.corePolicy(), env,
                props.reservedConcurrency(), props.logRetentionDays());
        permissions.operatorPolicyFor(controllers.operatorAlias());
        drillSchedules(props);

        if (!props.probeSubnets().isEmpty()) {
            this.probes = new ProbeFunctions(this, "Probes", name, props, facts, assets, permissions.corePolicy(), env);
        } else {
            this.probes = null;
            if (!facts.probePorts().isEmpty()) {
                Annotations.of(this).addWarningV2("vrf:no-probes", "the config has tcp/http checks but no probeSubnets were given: "
                        + "nothing will run those checks. Pass -c probeSubnets=" + ProbeSubnet.FORMAT);
            }
        }

        this.rules = new EventRules(this, "Rules", name, props, alarmPrefix, facts, controllers.live(), assets.deadLetterQueue());
        this.agentAlarms = new AgentAlarms(this, "AgentAlarms", alarmPrefix, facts);
        this.operationalAlarms = new OperationalAlarms(this, "OperationalAlarms", name, controllers, probeFunctions(),
                assets.deadLetterQueue(), rules.topic());

        List<ILogGroup> logGroups = new ArrayList<>();
        logGroups.add(controllers.logs());
        logGroups.add(controllers.operatorLogs());
        if (probes != null) {
            logGroups.addAll(probes.logGroups());
        }
        this.logQueries = new LogQueries(this, "LogQueries", name, facts.routeNames(), logGroups);
        this.dashboard = new FailoverDashboard(this, "Dashboard", name, facts, controllers, probeFunctions(),
                assets.deadLetterQueue(), agentAlarms.alarms(), operationalAlarms.alarms(), logGroups);
        this.eventSchema = new EventSchema(this, "EventSchema", name);
    }

    /**
     * Lets the controller assume exactly these roles (the {@code roleArn}s of a config with {@code vpcs}, docs/fleet.md):
     * one statement naming each ARN, no wildcard.
     */
    public void allowAssumeRoles(java.util.Collection<String> roleArns) {
        if (roleArns.isEmpty()) {
            return;
        }
        controllers.role().addToPrincipalPolicy(ControllerPermissions.assumeRoles(List.copyOf(roleArns)));
    }

    private List<software.amazon.awscdk.services.lambda.Function> probeFunctions() {
        return probes == null ? List.of() : probes.probes();
    }

    public String name() {
        return name;
    }

    public String alarmPrefix() {
        return alarmPrefix;
    }

    public ConfigFacts facts() {
        return facts;
    }

    public FailoverState state() {
        return state;
    }

    public FunctionAssets assets() {
        return assets;
    }

    public FailoverPermissions permissions() {
        return permissions;
    }

    public ControllerFunctions controllers() {
        return controllers;
    }

    /** The probes, or an empty list without probeSubnets. */
    public List<software.amazon.awscdk.services.lambda.Function> probes() {
        return probeFunctions();
    }

    public EventRules rules() {
        return rules;
    }

    public List<IAlarm> agentAlarms() {
        return agentAlarms.alarms();
    }

    public OperationalAlarms operationalAlarms() {
        return operationalAlarms;
    }

    public FailoverDashboard dashboard() {
        return dashboard;
    }

    public LogQueries logQueries() {
        return logQueries;
    }

    public EventSchema eventSchema() {
        return eventSchema;
    }

    /**
     * Scheduled failover drills (off unless {@code drillScheduleHours > 0}): the operator alias, because the event
     * path refuses manual actions; one rule per route whose config binds a data-path check (others would be refused).
     */
    private void drillSchedules(VpcRouteFailoverProps props) {
        if (props.drillScheduleHours() == 0) {
            return;
        }
        for (var route : props.config().routes()) {
            if (io.github.vpcroutefailover.domain.plan.DataPaths.checksOf(props.config(), route.name()).isEmpty()) {
                continue;
            }
            Map<String, Object> payload = new LinkedHashMap<>(); // in this order in the template: action first, as documented
            payload.put("action", "drill");
            payload.put("route", route.name());
            payload.put("requestedBy", "drill-schedule");
            software.amazon.awscdk.services.events.Rule.Builder.create(this, "Drill-" + route.name())
                    .description("failover drill of route " + route.name() + " every " + props.drillScheduleHours() + " h")
                    .schedule(software.amazon.awscdk.services.events.Schedule.rate(software.amazon.awscdk.Duration.hours(props.drillScheduleHours())))
                    .targets(List.of(software.amazon.awscdk.services.events.targets.LambdaFunction.Builder.create(controllers.operatorAlias())
                            .event(software.amazon.awscdk.services.events.RuleTargetInput.fromObject(payload))
                            .retryAttempts(0).build()))
                    .build();
        }
    }
}
