package io.github.vpcroutefailover.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IAlias;
import software.constructs.Construct;

/**
 * The managed policies: the failover core's (controller, operator path and probes), the agent hosts', and the
 * operators'. The statements themselves are in {@link ControllerPermissions}, pure enough to read in one place.
 */
public final class FailoverPermissions extends Construct {
    private final ManagedPolicy corePolicy;
    private final ManagedPolicy agentPolicy;
    private ManagedPolicy operatorPolicy;

    FailoverPermissions(Construct scope, String id, ConfigFacts facts, String tableArn, String alarmPrefix, List<String> asgNames) {
        super(scope, id);
        this.corePolicy = ManagedPolicy.Builder.create(this, "CorePolicy")
                .description("Least privilege for the failover core (controller, operator path and probes)")
                .statements(ControllerPermissions.statements(Stack.of(this), facts, tableArn, alarmPrefix, asgNames))
                .build();
        NagRules.corePolicy(corePolicy);
        this.agentPolicy = ManagedPolicy.Builder.create(this, "AgentInstancePolicy")
                .description("Attach to the instance role of hosts running the VPC Route Failover agent")
                .statements(List.of(PolicyStatement.Builder.create().sid("PublishAgentMetrics").effect(Effect.ALLOW)
                        .actions(List.of("cloudwatch:PutMetricData")).resources(List.of("*"))
                        .conditions(Map.of("StringEquals", Map.of("cloudwatch:namespace", Contract.METRIC_NAMESPACE))).build()))
                .build();
        NagRules.agentPolicy(agentPolicy);
    }

    /** Creates the operator policy for this alias; called once the operator path exists. */
    void operatorPolicyFor(IAlias operatorAlias) {
        this.operatorPolicy = ManagedPolicy.Builder.create(this, "OperatorPolicy")
                .description("Attach to the people and roles allowed to run manual actions (failover, drain, pin, register, ...)")
                .statements(ControllerPermissions.operatorStatements(Stack.of(this), operatorAlias.getFunctionArn()))
                .build();
        NagRules.operatorPolicy(operatorPolicy);
    }

    public ManagedPolicy corePolicy() {
        return corePolicy;
    }

    public ManagedPolicy agentPolicy() {
        return agentPolicy;
    }

    public ManagedPolicy operatorPolicy() {
        return operatorPolicy;
    }
}
