package io.github.vpcroutefailover.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The controller, twice: the event function (alias {@code live}: schedule, EventBridge rules) and the operator
 * function (alias {@code operator}: manual actions). Same code, role and config; separate functions because
 * reserved concurrency is per function, not per alias: manual invokes, however many, can only use the operator
 * function's reservation and never delay a failover event (issue #11).
 */
public final class ControllerFunctions extends Construct {

    /**
     * Event function concurrency. Every run is fenced in DynamoDB, so parallel runs are safe; the cap is about blast
     * radius: a storm of EC2 or alarm events must not multiply EC2 API calls (RequestLimitExceeded is per account
     * and would starve other tools), and 3 leaves room for a scheduled reconcile and an event burst at once.
     * Throttled async events are retried by Lambda, and each run reconciles everything anyway.
     */
    public static final int CONTROLLER_RESERVED_CONCURRENCY = 3;
    /** Operator function concurrency: two operators at once; a third gets a throttle, the event path nothing. */
    public static final int OPERATOR_RESERVED_CONCURRENCY = 2;
    /** Past this, an event is stale: the scheduled reconcile has long since observed the same world. */
    public static final Duration CONTROLLER_MAX_EVENT_AGE = Duration.hours(1);
    public static final int CONTROLLER_RETRY_ATTEMPTS = 2;
    public static final String LIVE_ALIAS = "live";
    public static final String OPERATOR_ALIAS = "operator";

    private final Role role;
    private final LogGroup logs;
    private final LogGroup operatorLogs;
    private final Function controller;
    private final Alias live;
    private final Function operator;
    private final Alias operatorAlias;

    ControllerFunctions(Construct scope, String id, String name, FunctionAssets assets, ManagedPolicy corePolicy,
                        Map<String, String> env, boolean reservedConcurrency, int logRetentionDays) {
        super(scope, id);
        // Own role instead of the AWS managed basic-execution policy: logs are granted on our log groups only.
        this.role = Role.Builder.create(this, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Controller functions (event and operator path) of " + name).build();
        role.addManagedPolicy(corePolicy);
        this.logs = logGroup(this, "Logs", logRetentionDays);
        logs.grantWrite(role);
        this.operatorLogs = logGroup(this, "OperatorLogs", logRetentionDays);
        operatorLogs.grantWrite(role);

        this.controller = function("Function", "VPC Route Failover controller: reconciles routes on schedule and events",
                assets, env, logs, reservedConcurrency ? CONTROLLER_RESERVED_CONCURRENCY : null);
        // SnapStart snapshots published versions only; every rule invokes this alias.
        this.live = Alias.Builder.create(this, "Live")
                .aliasName(LIVE_ALIAS)
                .version(controller.getCurrentVersion())
                .onFailure(new SqsDestination(assets.deadLetterQueue()))
                .retryAttempts(CONTROLLER_RETRY_ATTEMPTS)
                .maxEventAge(CONTROLLER_MAX_EVENT_AGE)
                .build();

        this.operator = function("OperatorFunction", "VPC Route Failover operator path: manual actions (aws lambda invoke, vrf CLI)",
                assets, env, operatorLogs, reservedConcurrency ? OPERATOR_RESERVED_CONCURRENCY : null);
        // Manual actions are synchronous; an async invoke must not be retried (a retried "failover" is a second one).
        this.operatorAlias = Alias.Builder.create(this, "Operator")
                .aliasName(OPERATOR_ALIAS)
                .version(operator.getCurrentVersion())
                .retryAttempts(0)
                .build();
    }

    private Function function(String id, String description, FunctionAssets assets, Map<String, String> env, LogGroup logGroup,
                              Integer reserved) {
        Function.Builder b = Function.Builder.create(this, id)
                .description(description)
                .runtime(Runtime.JAVA_21)
                .architecture(Architecture.ARM_64)
                .handler(Contract.CONTROLLER_HANDLER)
                .code(assets.jar())
                .layers(List.of(assets.configLayer()))
                // 1 GB buys a full vCPU share for Java; cold starts and JSON/SDK work are CPU bound.
                .memorySize(1024)
                .timeout(Duration.seconds(60))
                .snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS)
                .role(role)
                .logGroup(logGroup)
                .environment(env);
        if (reserved != null) {
            b.reservedConcurrentExecutions(reserved);
        }
        Function f = b.build();
        NagRules.lambdaRuntime(f);
        // The CDK warns that SnapStart applies to published versions only; every invoke goes through an alias on
        // getCurrentVersion(), a published version, so the warning does not apply.
        software.amazon.awscdk.Annotations.of(f).acknowledgeWarning("@aws-cdk/aws-lambda:snapStartRequirePublish",
                "invoked only through an alias on a published version (currentVersion)");
        return f;
    }

    static LogGroup logGroup(Construct scope, String id, int retentionDays) {
        LogGroup group = LogGroup.Builder.create(scope, id).removalPolicy(RemovalPolicy.RETAIN).build();
        // Set on the L1 so any retention CloudWatch accepts can be used (validated in the props).
        ((CfnLogGroup) group.getNode().getDefaultChild()).setRetentionInDays(retentionDays);
        return group;
    }

    public Role role() {
        return role;
    }

    public LogGroup logs() {
        return logs;
    }

    public LogGroup operatorLogs() {
        return operatorLogs;
    }

    /** The event function (schedule, rules). */
    public Function controller() {
        return controller;
    }

    /** Alias {@code live} of the event function: every rule's target. */
    public Alias live() {
        return live;
    }

    public Function operator() {
        return operator;
    }

    /** Alias {@code operator}: the only thing the operator policy may invoke. */
    public Alias operatorAlias() {
        return operatorAlias;
    }
}
