package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.constructs.Construct;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.autoscaling.CfnLifecycleHook;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.AlarmStatusWidget;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Dashboard;
import software.amazon.awscdk.services.cloudwatch.GraphWidget;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.IMetric;
import software.amazon.awscdk.services.cloudwatch.IWidget;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.MetricOptions;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.SnsAction;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.GlobalSecondaryIndexProps;
import software.amazon.awscdk.services.dynamodb.ProjectionType;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetAttributes;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.events.EventPattern;
import software.amazon.awscdk.services.events.IRuleTarget;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.events.targets.SnsTopic;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.sns.ITopic;
import software.amazon.awscdk.services.sns.Topic;
import software.amazon.awscdk.services.sqs.Queue;
import software.amazon.awscdk.services.sqs.QueueEncryption;

/**
 * Everything {@code cdk deploy} installs: the controller (SnapStart alias), one in-VPC probe per configured subnet,
 * the state table, the event rules narrowed to what the config manages, agent alarms, a dashboard, operational
 * alarms, optional VPC endpoints and an optional notification topic.
 */
public class VrfStack extends Stack {

    /**
     * Controller concurrency. Every run is fenced in DynamoDB, so parallel runs are safe; the cap is about blast
     * radius: a storm of EC2 or alarm events must not multiply EC2 API calls (RequestLimitExceeded is per account
     * and would starve other tools), and 3 still leaves room for a scheduled reconcile, an event burst and an
     * operator's manual invoke at once. Throttled async events are retried by Lambda, and each run reconciles
     * everything anyway, so no event is needed twice.
     */
    static final int CONTROLLER_RESERVED_CONCURRENCY = 3;
    /** One probe loop per subnet at a time: an overlapping second loop would only double the probe traffic. */
    static final int PROBE_RESERVED_CONCURRENCY = 1;
    /**
     * Terminate lifecycle hook heartbeat. The controller moves routes in seconds; 180 s covers the first attempt
     * plus Lambda's first async retry (about a minute later) and convergence. It is short on purpose: when the
     * controller is broken, CONTINUE after the timeout lets scale-in proceed instead of stalling the group.
     */
    static final int LIFECYCLE_HEARTBEAT_SECONDS = 180;
    static final String LIFECYCLE_TRANSITION = "autoscaling:EC2_INSTANCE_TERMINATING";

    /** The terminate hook we put on each configured group; the rule delivers every hook's actions, we complete only ours. */
    static String lifecycleHookName(String stackName) {
        return stackName + "-drain-routes";
    }
    /** Past this, an event is stale: the scheduled reconcile has long since observed the same world. */
    static final Duration CONTROLLER_MAX_EVENT_AGE = Duration.hours(1);
    static final int CONTROLLER_RETRY_ATTEMPTS = 2;
    static final String JAVA_TOOL_OPTIONS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1";

    private final ConfigFacts facts;

    public VrfStack(Construct scope, String id, VrfStackProps props) {
        super(scope, id, StackProps.builder().env(props.env()).stackName(props.stackName())
                .description("VPC Route Failover: health-driven failover of VPC route targets").build());
        this.facts = ConfigFacts.of(props.config());
        String stackName = props.stackName();

        // ---------------------------------------------------------------- state
        Table table = Table.Builder.create(this, "StateTable")
                .partitionKey(Attribute.builder().name(Contract.TABLE_PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(Contract.TABLE_SORT_KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .timeToLiveAttribute(Contract.TABLE_TTL_ATTRIBUTE)
                .encryption(TableEncryption.AWS_MANAGED)
                .deletionProtection(props.tableDeletionProtection())
                // Ownership fences and failover history outlive the stack; docs/deploy.md says how to delete it.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
        // The sparse listing index every reconcile queries (aws.dynamodb.OwnershipTable, README "Ownership table").
        // Without it the deployed controller fails on its first read; only the system test against the deployed
        // template showed it (the emulator ITs create the table with OwnershipTable.create).
        table.addGlobalSecondaryIndex(GlobalSecondaryIndexProps.builder().indexName(OwnershipTable.GSI1)
                .partitionKey(Attribute.builder().name(OwnershipTable.GSI1_PK).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(OwnershipTable.GSI1_SK).type(AttributeType.STRING).build())
                .projectionType(ProjectionType.ALL).build());

        // Failed async invocations (after retries) and undeliverable rule targets land here; its depth is alarmed.
        Queue dlq = Queue.Builder.create(this, "DeadLetterQueue")
                .encryption(QueueEncryption.SQS_MANAGED)
                .enforceSsl(true)
                .retentionPeriod(Duration.days(14))
                .build();
        NagRules.deadLetterQueue(dlq);

        // ---------------------------------------------------------------- code and config
        Code jar = Code.fromAsset(FunctionArtifacts.requireJar(props.functionJar()).toString());
        LayerVersion configLayer = LayerVersion.Builder.create(this, "ConfigLayer")
                .code(Code.fromAsset(FunctionArtifacts.stageConfigLayer(props.configFile()).toString()))
                .compatibleRuntimes(List.of(Runtime.JAVA_21))
                .compatibleArchitectures(List.of(Architecture.ARM_64))
                .description("VPC Route Failover route config (" + Contract.CONFIG_PATH_IN_FUNCTION + "), validated at synth")
                .build();

        ManagedPolicy corePolicy = ManagedPolicy.Builder.create(this, "CorePolicy")
                .description("Least privilege for the failover core (controller and probes)")
                .statements(ControllerPermissions.statements(this, facts, table.getTableArn(), props.alarmPrefix(), props.asgNames()))
                .build();
        NagRules.corePolicy(corePolicy);

        Map<String, String> commonEnv = new LinkedHashMap<>();
        commonEnv.put(Contract.ENV_TABLE_NAME, table.getTableName());
        commonEnv.put(Contract.ENV_CONFIG_PATH, Contract.CONFIG_PATH_IN_FUNCTION);
        commonEnv.put(Contract.ENV_METRIC_NAMESPACE, Contract.METRIC_NAMESPACE);
        commonEnv.put(Contract.ENV_ALARM_PREFIX, props.alarmPrefix());
        commonEnv.put(Contract.ENV_EVENT_BUS, Contract.EVENT_BUS);
        if (!props.asgNames().isEmpty()) {
            commonEnv.put(Contract.ENV_LIFECYCLE_HOOK, lifecycleHookName(stackName));
        }
        commonEnv.put("POWERTOOLS_SERVICE_NAME", "vpc-route-failover");
        commonEnv.put("POWERTOOLS_LOG_LEVEL", props.logLevel());
        commonEnv.put("VRF_LOG_LEVEL", props.logLevel());
        // C1 only: most of a short run is spent before C2 would pay off; measurably faster cold starts.
        commonEnv.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);

        // ---------------------------------------------------------------- controller
        Role controllerRole = lambdaRole("ControllerRole", "Controller function of " + stackName);
        controllerRole.addManagedPolicy(corePolicy);
        LogGroup controllerLogs = logGroup("ControllerLogs", props.logRetentionDays());
        controllerLogs.grantWrite(controllerRole);

        Function.Builder controllerBuilder = Function.Builder.create(this, "Controller")
                .description("VPC Route Failover controller: reconciles routes on schedule, events and manual invokes")
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(Contract.CONTROLLER_HANDLER)
                .code(jar)
                .layers(List.of(configLayer))
                // 1 GB buys a full vCPU share for Java; cold starts and JSON/SDK work are CPU bound.
                .memorySize(1024)
                .timeout(Duration.seconds(60))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(controllerRole)
                .logGroup(controllerLogs)
                .environment(commonEnv);
        if (props.reservedConcurrency()) {
            controllerBuilder.reservedConcurrentExecutions(CONTROLLER_RESERVED_CONCURRENCY);
        }
        Function controller = controllerBuilder.build();
        NagRules.lambdaRuntime(controller);
        // SnapStart snapshots published versions only; every rule and operator invokes this alias.
        Alias live = Alias.Builder.create(this, "ControllerLive")
                .aliasName("live")
                .version(controller.getCurrentVersion())
                .onFailure(new SqsDestination(dlq))
                .retryAttempts(CONTROLLER_RETRY_ATTEMPTS)
                .maxEventAge(CONTROLLER_MAX_EVENT_AGE)
                .build();

        // ---------------------------------------------------------------- probes
        List<Function> probes = new ArrayList<>();
        if (!props.probeSubnets().isEmpty()) {
            probes.addAll(probes(props, jar, configLayer, corePolicy, commonEnv, dlq));
        } else if (facts.probePorts().size() > 0) {
            Annotations.of(this).addWarningV2("vrf:no-probes", "the config has tcp/http checks but no probeSubnets were given: "
                    + "nothing will run those checks. Pass -c probeSubnets=" + ProbeSubnet.FORMAT);
        }

        // ---------------------------------------------------------------- event rules
        IRuleTarget controllerTarget = LambdaFunction.Builder.create(live)
                .deadLetterQueue(dlq).retryAttempts(CONTROLLER_RETRY_ATTEMPTS).maxEventAge(CONTROLLER_MAX_EVENT_AGE).build();

        Rule.Builder.create(this, "ScheduleRule")
                .description("Periodic reconcile of every managed route")
                .schedule(Schedule.rate(Duration.minutes(props.scheduleMinutes())))
                .targets(List.of(controllerTarget))
                .build();

        Rule.Builder.create(this, "AlarmStateRule")
                .description("State changes of our agent alarms (name prefix " + props.alarmPrefix() + ") and alarms named by alarm checks")
                .eventPattern(EventPattern.builder().source(List.of("aws.cloudwatch"))
                        .detailType(List.of(EventPatterns.ALARM_DETAIL_TYPE))
                        .detail(EventPatterns.alarmDetail(props.alarmPrefix(), facts.configAlarmNames())).build())
                .targets(List.of(controllerTarget))
                .build();

        if (EventPatterns.hasInstanceTargets(facts)) {
            String scope2 = facts.instancesFullyKnown() ? "the managed instances"
                    : "ALL instances (targets found by tags or ENI cannot be named in a pattern: " + String.join(", ", facts.runtimeResolvedTargets()) + ")";
            Rule.Builder.create(this, "Ec2StateRule")
                    .description("EC2 state changes of " + scope2)
                    .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(EventPatterns.EC2_STATE_DETAIL_TYPE))
                            .detail(EventPatterns.ec2StateDetail(facts)).build())
                    .targets(List.of(controllerTarget))
                    .build();
            Rule.Builder.create(this, "SpotInterruptionRule")
                    .description("Spot interruption warnings of " + scope2)
                    .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(EventPatterns.SPOT_DETAIL_TYPE))
                            .detail(EventPatterns.instanceDetail(facts)).build())
                    .targets(List.of(controllerTarget))
                    .build();
            Rule.Builder.create(this, "RebalanceRule")
                    .description("Rebalance recommendations of " + scope2)
                    .eventPattern(EventPattern.builder().source(List.of("aws.ec2")).detailType(List.of(EventPatterns.REBALANCE_DETAIL_TYPE))
                            .detail(EventPatterns.instanceDetail(facts)).build())
                    .targets(List.of(controllerTarget))
                    .build();
            if (!facts.instancesFullyKnown()) {
                Annotations.of(this).addInfo("EC2 event rules receive every instance's events because these targets are "
                        + "resolved at run time: " + String.join(", ", facts.runtimeResolvedTargets()));
            }
        }

        if (!props.asgNames().isEmpty()) {
            int i = 0;
            for (String group : props.asgNames()) {
                CfnLifecycleHook.Builder.create(this, "TerminateHook" + (i++))
                        .autoScalingGroupName(group)
                        .lifecycleHookName(lifecycleHookName(stackName))
                        .lifecycleTransition(LIFECYCLE_TRANSITION)
                        .heartbeatTimeout(LIFECYCLE_HEARTBEAT_SECONDS)
                        .defaultResult("CONTINUE")
                        .build();
            }
            Rule.Builder.create(this, "LifecycleRule")
                    .description("Terminate lifecycle actions of " + String.join(", ", props.asgNames()))
                    .eventPattern(EventPattern.builder().source(List.of("aws.autoscaling"))
                            .detailType(List.of(EventPatterns.LIFECYCLE_TERMINATE_DETAIL_TYPE))
                            .detail(EventPatterns.lifecycleDetail(props.asgNames())).build())
                    .targets(List.of(controllerTarget))
                    .build();
        }

        // ---------------------------------------------------------------- notifications
        ITopic topic = null;
        if ("create".equals(props.notificationTopic())) {
            topic = Topic.Builder.create(this, "NotificationTopic").displayName("VPC Route Failover").enforceSsl(true).build();
            NagRules.topic(topic);
        } else if (props.notificationTopic() != null) {
            topic = Topic.fromTopicArn(this, "NotificationTopic", props.notificationTopic());
        }
        if (topic != null) {
            Rule.Builder.create(this, "RouteFailoverNotifyRule")
                    .description("Forwards every Route Failover event to the notification topic")
                    .eventPattern(EventPattern.builder().source(List.of(Contract.EVENT_SOURCE))
                            .detailType(List.of(Contract.EVENT_DETAIL_TYPE)).build())
                    .targets(List.of(SnsTopic.Builder.create(topic).deadLetterQueue(dlq).build()))
                    .build();
        }

        // ---------------------------------------------------------------- agent alarms and policy
        List<IAlarm> agentAlarms = new ArrayList<>();
        for (ConfigFacts.AgentAlarm a : facts.agentAlarms()) {
            Metric metric = Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(Contract.METRIC_CHECK_RESULT)
                    .dimensionsMap(Map.of("InstanceId", a.instanceId(), "Check", a.agentCheck()))
                    .statistic("Minimum").period(Duration.seconds((int) ConfigFacts.AGENT_ALARM_PERIOD.toSeconds())).build();
            agentAlarms.add(Alarm.Builder.create(this, "AgentAlarm-" + a.targetName() + "-" + a.checkName())
                    .alarmName(props.alarmPrefix() + a.targetName() + "-" + a.checkName())
                    .alarmDescription("Agent check " + a.agentCheck() + " on " + a.targetName() + " (" + a.instanceId()
                            + "); its state changes drive failover")
                    .metric(metric)
                    .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                    .threshold(1)
                    .evaluationPeriods(a.evaluationPeriods())
                    .datapointsToAlarm(a.evaluationPeriods())
                    // A silent agent is a dead agent (or a dead instance).
                    .treatMissingData(TreatMissingData.BREACHING)
                    .build());
        }

        ManagedPolicy agentPolicy = ManagedPolicy.Builder.create(this, "AgentInstancePolicy")
                .description("Attach to the instance role of hosts running the VPC Route Failover agent")
                .statements(List.of(PolicyStatement.Builder.create().sid("PublishAgentMetrics").effect(Effect.ALLOW)
                        .actions(List.of("cloudwatch:PutMetricData")).resources(List.of("*"))
                        .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", Contract.METRIC_NAMESPACE))).build()))
                .build();
        NagRules.agentPolicy(agentPolicy);

        // ---------------------------------------------------------------- operational alarms and dashboard
        List<Alarm> opsAlarms = new ArrayList<>();
        String ops = stackName + "-ops-";
        opsAlarms.add(Alarm.Builder.create(this, "ControllerErrorsAlarm").alarmName(ops + "controller-errors")
                .alarmDescription("The controller failed invocations; routes may not be failing over")
                .metric(controller.metricErrors(MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()))
                .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build());
        opsAlarms.add(Alarm.Builder.create(this, "ControllerThrottlesAlarm").alarmName(ops + "controller-throttles")
                .alarmDescription("The controller hit its reserved concurrency; events are being delayed")
                .metric(controller.metricThrottles(MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()))
                .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build());
        opsAlarms.add(Alarm.Builder.create(this, "DeadLetterQueueAlarm").alarmName(ops + "dead-letters")
                .alarmDescription("Events or invocations were dropped after retries; inspect the dead-letter queue")
                .metric(dlq.metricApproximateNumberOfMessagesVisible(MetricOptions.builder().period(Duration.minutes(1)).statistic("Maximum").build()))
                .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build());
        opsAlarms.add(Alarm.Builder.create(this, "ReconcileErrorsAlarm").alarmName(ops + "reconcile-errors")
                .alarmDescription("Reconcile runs reported errors (EMF metric ReconcileErrors)")
                .metric(fnMetric(Contract.METRIC_RECONCILE_ERRORS, Map.of(), "Sum", Duration.minutes(5)))
                .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                .treatMissingData(TreatMissingData.NOT_BREACHING).build());
        for (Function probe : probes) {
            String az = probe.getNode().getId().substring("Probe-".length());
            opsAlarms.add(Alarm.Builder.create(this, "ProbeErrorsAlarm-" + az).alarmName(ops + "probe-errors-" + az)
                    .alarmDescription("The probe in " + az + " failed invocations; tcp/http checks there are not running")
                    .metric(probe.metricErrors(MetricOptions.builder().period(Duration.minutes(5)).statistic("Sum").build()))
                    .threshold(1).evaluationPeriods(1).comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .treatMissingData(TreatMissingData.NOT_BREACHING).build());
        }
        if (topic != null) {
            SnsAction action = new SnsAction(topic);
            opsAlarms.forEach(a -> a.addAlarmAction(action));
        }

        Dashboard dashboard = Dashboard.Builder.create(this, "Dashboard").dashboardName(stackName).build();
        dashboard.addWidgets(
                graph("Route ownership changes", facts.routeNames().stream()
                        .map(r -> (IMetric) fnMetric(Contract.METRIC_ROUTE_CHANGES, Map.of("RouteName", r), "Sum", Duration.minutes(1)).with(
                                MetricOptions.builder().label(r).build())).toList()),
                graph("Failovers and reconcile errors", List.of(
                        fnMetric(Contract.METRIC_FAILOVERS, Map.of(), "Sum", Duration.minutes(1)),
                        fnMetric(Contract.METRIC_RECONCILE_ERRORS, Map.of(), "Sum", Duration.minutes(1)))),
                graph("Reconcile duration (ms)", List.of(
                        fnMetric(Contract.METRIC_RECONCILE_DURATION, Map.of(), "p50", Duration.minutes(1)),
                        fnMetric(Contract.METRIC_RECONCILE_DURATION, Map.of(), "p99", Duration.minutes(1)),
                        fnMetric(Contract.METRIC_RECONCILE_DURATION, Map.of(), "Maximum", Duration.minutes(1)))));
        List<IWidget> health = new ArrayList<>();
        if (!agentAlarms.isEmpty()) {
            health.add(AlarmStatusWidget.Builder.create().title("Target health (agent alarms)").alarms(agentAlarms).width(12).build());
            health.add(graph("Agent check results (1 pass, 0 fail)", facts.agentAlarms().stream()
                    .map(a -> (IMetric) fnMetric(Contract.METRIC_CHECK_RESULT, Map.of("InstanceId", a.instanceId(), "Check", a.agentCheck()),
                            "Minimum", Duration.seconds(10)).with(MetricOptions.builder().label(a.targetName() + " " + a.checkName()).build()))
                    .toList()));
        }
        if (!facts.probedChecks().isEmpty()) {
            health.add(graph("Probe results (1 pass, 0 fail)", facts.probedChecks().stream()
                    .map(p -> (IMetric) fnMetric(Contract.METRIC_PROBE_RESULT, Map.of("InstanceId", p.instanceId(), "Check", p.checkName()),
                            "Average", Duration.minutes(1)).with(MetricOptions.builder().label(p.targetName() + " " + p.checkName()).build()))
                    .toList()));
        }
        if (!health.isEmpty()) {
            dashboard.addWidgets(health.toArray(IWidget[]::new));
        }
        List<IMetric> fnErrors = new ArrayList<>();
        fnErrors.add(controller.metricErrors(MetricOptions.builder().label("controller errors").build()));
        fnErrors.add(controller.metricThrottles(MetricOptions.builder().label("controller throttles").build()));
        probes.forEach(p -> fnErrors.add(p.metricErrors(MetricOptions.builder().label(p.getNode().getId() + " errors").build())));
        List<IMetric> fnLatency = new ArrayList<>();
        fnLatency.add(controller.metricDuration(MetricOptions.builder().statistic("p99").label("controller p99").build()));
        fnLatency.add(controller.metricDuration(MetricOptions.builder().statistic("p50").label("controller p50").build()));
        dashboard.addWidgets(
                graph("Handler errors and throttles", fnErrors),
                graph("Handler latency (ms)", fnLatency),
                graph("Dead letters", List.of(dlq.metricApproximateNumberOfMessagesVisible())),
                AlarmStatusWidget.Builder.create().title("Operational alarms").alarms(new ArrayList<IAlarm>(opsAlarms)).width(6).build());

        // ---------------------------------------------------------------- outputs
        CfnOutput.Builder.create(this, "ControllerAliasArn").value(live.getFunctionArn())
                .description("Invoke this for manual actions (docs/events.md)").build();
        CfnOutput.Builder.create(this, "StateTableName").value(table.getTableName()).build();
        CfnOutput.Builder.create(this, "AgentPolicyArn").value(agentPolicy.getManagedPolicyArn())
                .description("Attach to the agent hosts' instance role").exportName(stackName + "-AgentPolicyArn").build();
        CfnOutput.Builder.create(this, "DeadLetterQueueUrl").value(dlq.getQueueUrl()).build();
        CfnOutput.Builder.create(this, "DashboardName").value(dashboard.getDashboardName()).build();
        if (topic != null) {
            CfnOutput.Builder.create(this, "NotificationTopicArn").value(topic.getTopicArn()).build();
        }
    }

    public ConfigFacts facts() {
        return facts;
    }

    private List<Function> probes(VrfStackProps props, Code jar, LayerVersion configLayer, ManagedPolicy corePolicy,
                                  Map<String, String> commonEnv, Queue dlq) {
        List<ProbeSubnet> probeSubnets = props.probeSubnets();
        Map<String, List<String>> byAz = probeSubnets.stream().collect(Collectors.groupingBy(ProbeSubnet::availabilityZone,
                LinkedHashMap::new, Collectors.mapping(ProbeSubnet::subnetId, Collectors.toList())));
        byAz.forEach((az, subnets) -> {
            if (subnets.size() > 1) {
                throw new IllegalArgumentException("probeSubnets: " + subnets + " are all in " + az
                        + "; give one subnet per availability zone (one probe per AZ)");
            }
        });
        if (props.vpcCidr() == null) {
            throw new IllegalArgumentException("vpcCidr is required with probeSubnets");
        }
        IVpc vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder().vpcId(facts.vpcId())
                .availabilityZones(new ArrayList<>(byAz.keySet())).vpcCidrBlock(props.vpcCidr()).build());
        List<ISubnet> subnets = new ArrayList<>();
        for (ProbeSubnet p : probeSubnets) {
            SubnetAttributes.Builder attrs = SubnetAttributes.builder().subnetId(p.subnetId()).availabilityZone(p.availabilityZone());
            if (p.routeTableId() != null) {
                attrs.routeTableId(p.routeTableId());
            }
            subnets.add(Subnet.fromSubnetAttributes(this, "ProbeSubnet-" + p.availabilityZone(), attrs.build()));
        }
        SubnetSelection selection = SubnetSelection.builder().subnets(subnets).build();

        SecurityGroup probeSg = SecurityGroup.Builder.create(this, "ProbeSecurityGroup").vpc(vpc)
                .description("VPC Route Failover probes: check ports inside the VPC and HTTPS to AWS APIs only")
                .allowAllOutbound(false).build();
        for (int port : facts.probePorts()) {
            probeSg.addEgressRule(Peer.ipv4(props.vpcCidr()), Port.tcp(port), "health check port " + port + " inside the VPC");
        }
        if (props.vpcEndpoints()) {
            SecurityGroup endpointSg = SecurityGroup.Builder.create(this, "EndpointSecurityGroup").vpc(vpc)
                    .description("VPC Route Failover interface endpoints: HTTPS from the probes only")
                    .allowAllOutbound(false).build();
            endpointSg.addIngressRule(probeSg, Port.tcp(443), "HTTPS from the probes");
            probeSg.addEgressRule(endpointSg, Port.tcp(443), "HTTPS to the interface endpoints");
            // The probes call EC2 (observe, move routes), CloudWatch (metrics) and EventBridge (Route Failover events).
            // CloudWatch Logs needs no endpoint: Lambda ships function logs itself, outside the function's network.
            Map<String, InterfaceVpcEndpointAwsService> services = new LinkedHashMap<>();
            services.put("Ec2Endpoint", InterfaceVpcEndpointAwsService.EC2);
            services.put("MonitoringEndpoint", InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING);
            services.put("EventsEndpoint", InterfaceVpcEndpointAwsService.EVENTBRIDGE);
            services.forEach((name, service) -> InterfaceVpcEndpoint.Builder.create(this, name).vpc(vpc).service(service)
                    .subnets(selection).securityGroups(List.of(endpointSg)).privateDnsEnabled(true).open(false).build());
            GatewayVpcEndpoint.Builder.create(this, "DynamoDbEndpoint").vpc(vpc).service(GatewayVpcEndpointAwsService.DYNAMODB)
                    .subnets(List.of(selection)).build();
            if (props.dynamodbPrefixListId() != null) {
                probeSg.addEgressRule(Peer.prefixList(props.dynamodbPrefixListId()), Port.tcp(443), "HTTPS to DynamoDB via the gateway endpoint");
            } else {
                probeSg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to DynamoDB (gateway endpoint; public IP ranges)");
                Annotations.of(this).addWarningV2("vrf:dynamodb-prefix-list", "the probes may send HTTPS anywhere because DynamoDB's "
                        + "gateway endpoint is reached on public addresses; pass -c dynamodbPrefixListId=pl-... (aws ec2 "
                        + "describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.dynamodb) to narrow it");
            }
        } else {
            // Without endpoints AWS APIs are public addresses reached over the VPC's own (NAT-independent) path.
            probeSg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to AWS APIs (no VPC endpoints)");
        }

        Role probeRole = lambdaRole("ProbeRole", "In-VPC probe functions of " + props.stackName());
        probeRole.addManagedPolicy(corePolicy);
        // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda manages the function's ENIs with the function's
        // role, and these EC2 calls have no resource-level permissions that Lambda's own validation accepts.
        probeRole.addToPolicy(PolicyStatement.Builder.create().sid("LambdaVpcNetworking").effect(Effect.ALLOW)
                .actions(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))
                .resources(List.of("*")).build());
        NagRules.probeRole(probeRole);

        List<Function> out = new ArrayList<>();
        for (int i = 0; i < probeSubnets.size(); i++) {
            ProbeSubnet p = probeSubnets.get(i);
            LogGroup logs = logGroup("ProbeLogs-" + p.availabilityZone(), props.logRetentionDays());
            logs.grantWrite(probeRole);
            Map<String, String> env = new LinkedHashMap<>(commonEnv);
            env.put(Contract.ENV_PROBE_AZ, p.availabilityZone());
            Function.Builder b = Function.Builder.create(this, "Probe-" + p.availabilityZone())
                    .description("VPC Route Failover probe in " + p.availabilityZone() + " (" + p.subnetId() + ")")
                    .runtime(Runtime.JAVA_21)
                    .architecture(Architecture.ARM_64)
                    .handler(Contract.PROBE_HANDLER)
                    .code(jar)
                    .layers(List.of(configLayer))
                    .memorySize(512)
                    // The probe loops for about a minute; the margin covers the last round of checks and the failover call.
                    .timeout(Duration.seconds(90))
                    .role(probeRole)
                    .logGroup(logs)
                    .vpc(vpc)
                    .vpcSubnets(SubnetSelection.builder().subnets(List.of(subnets.get(i))).build())
                    .securityGroups(List.of(probeSg))
                    .environment(env)
                    // A missed minute is replaced by the next scheduled run; retrying would overlap with it.
                    .retryAttempts(0)
                    .maxEventAge(Duration.minutes(1))
                    .onFailure(new SqsDestination(dlq));
            if (props.reservedConcurrency()) {
                b.reservedConcurrentExecutions(PROBE_RESERVED_CONCURRENCY);
            }
            Function probe = b.build();
            NagRules.lambdaRuntime(probe);
            Rule.Builder.create(this, "ProbeSchedule-" + p.availabilityZone())
                    .description("Starts the probe loop in " + p.availabilityZone() + " every minute")
                    .schedule(Schedule.rate(Duration.minutes(1)))
                    .targets(List.of(LambdaFunction.Builder.create(probe).deadLetterQueue(dlq).retryAttempts(0).build()))
                    .build();
            out.add(probe);
        }
        return out;
    }

    private Role lambdaRole(String id, String description) {
        // Own role instead of the AWS managed basic-execution policy: logs are granted on our log groups only.
        return Role.Builder.create(this, id).assumedBy(new ServicePrincipal("lambda.amazonaws.com")).description(description).build();
    }

    private LogGroup logGroup(String id, int retentionDays) {
        LogGroup group = LogGroup.Builder.create(this, id).removalPolicy(RemovalPolicy.RETAIN).build();
        // Set on the L1 so any retention CloudWatch accepts can be used (validated in AppSettings).
        ((CfnLogGroup) group.getNode().getDefaultChild()).setRetentionInDays(retentionDays);
        return group;
    }

    private static Metric fnMetric(String name, Map<String, String> dims, String statistic, Duration period) {
        return Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(name).dimensionsMap(dims)
                .statistic(statistic).period(period).build();
    }

    private static GraphWidget graph(String title, List<? extends IMetric> metrics) {
        return GraphWidget.Builder.create().title(title).left(new ArrayList<IMetric>(metrics)).width(12).build();
    }
}
