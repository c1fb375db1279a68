package io.github.vpcroutefailover.cdk;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The stack the README deploys: one {@link VpcRouteFailover} and the outputs docs/deploy.md and the operator CLI
 * read. Outputs live here, not in the construct, so their names stay stable whatever the construct's id.
 */
public class VrfStack extends Stack {
    /** The construct's id inside this stack; part of every resource's logical id. */
    public static final String FAILOVER_ID = "Failover";

    private final VpcRouteFailover failover;

    public VrfStack(Construct scope, String id, VrfStackProps props) {
        super(scope, id, StackProps.builder().env(props.env()).stackName(props.stackName())
                .description("VPC Route Failover: health-driven failover of VPC route targets").build());
        this.failover = new VpcRouteFailover(this, FAILOVER_ID, props.failover());
        String stackName = props.stackName();

        CfnOutput.Builder.create(this, "ControllerAliasArn").value(failover.controllers().live().getFunctionArn())
                .description("The event path (alias live): EventBridge rules invoke it. Manual actions go to OperatorAliasArn").build();
        CfnOutput.Builder.create(this, "OperatorAliasArn").value(failover.controllers().operatorAlias().getFunctionArn())
                .description("Invoke this for manual actions (docs/events.md); OperatorPolicyArn grants exactly this").build();
        CfnOutput.Builder.create(this, "OperatorPolicyArn").value(failover.permissions().operatorPolicy().getManagedPolicyArn())
                .description("Attach to the people and roles who may run manual actions")
                .exportName(stackName + "-OperatorPolicyArn").build();
        CfnOutput.Builder.create(this, "StateTableName").value(failover.state().table().getTableName()).build();
        CfnOutput.Builder.create(this, "AgentPolicyArn").value(failover.permissions().agentPolicy().getManagedPolicyArn())
                .description("Attach to the agent hosts' instance role").exportName(stackName + "-AgentPolicyArn").build();
        CfnOutput.Builder.create(this, "DeadLetterQueueUrl").value(failover.assets().deadLetterQueue().getQueueUrl()).build();
        CfnOutput.Builder.create(this, "DashboardName").value(failover.dashboard().dashboard().getDashboardName()).build();
        CfnOutput.Builder.create(this, "EventSchemaRegistryName").value(failover.eventSchema().registry().getAttrRegistryName())
                .description("EventBridge schema registry holding the Route Failover event schema (code bindings)").build();
        if (failover.rules().topic() != null) {
            CfnOutput.Builder.create(this, "NotificationTopicArn").value(failover.rules().topic().getTopicArn()).build();
        }
    }

    public VpcRouteFailover failover() {
        return failover;
    }

    public ConfigFacts facts() {
        return failover.facts();
    }
}
