package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.sns.Topic;
import software.constructs.Construct;

/**
 * A user's own CDK app: their stack, their resources, and our construct dropped in next to them (issue #16). The
 * construct must take its names from the user's stack, expose what the user needs to wire it (the operator
 * policy, the alias, the table), and leave the user's resources alone.
 */
class ComposeIntoOwnStackTest {

    /** What a user writes: their own stack class with their own resources and ours. */
    static final class NetworkStack extends Stack {
        final VpcRouteFailover failover;
        final Role onCall;

        NetworkStack(Construct scope, String id, VpcRouteFailoverProps failoverProps) {
            super(scope, id, StackProps.builder().env(TestStacks.ENV).build());
            Topic.Builder.create(this, "TeamAlerts").topicName("network-team-alerts").build();
            failover = new VpcRouteFailover(this, "RouteFailover", failoverProps);
            // Their on-call role may force failovers: attach the construct's operator policy.
            onCall = Role.Builder.create(this, "OnCall").assumedBy(new AccountRootPrincipal()).build();
            onCall.addManagedPolicy(failover.permissions().operatorPolicy());
            CfnOutput.Builder.create(this, "FailoverTable").value(failover.state().table().getTableName()).build();
        }
    }

    static VpcRouteFailoverProps props() {
        return VpcRouteFailoverProps.builder().config(SampleConfigs.natPairByIds()).configFile(SampleConfigs.natTwoAzYaml())
                .functionJar(FunctionArtifacts.defaultJar()).vpcEndpoints(false).build();
    }

    @Test
    void theConstructLivesInAUsersStackAndTakesItsNamesFromIt() {
        App app = TestStacks.app();
        NetworkStack stack = new NetworkStack(app, "CorpNetwork", props());
        Template t = Template.fromStack(stack);

        // Why: the user's own resources are untouched and ours are there.
        t.hasResourceProperties("AWS::SNS::Topic", Map.of("TopicName", "network-team-alerts"));
        t.resourceCountIs("AWS::DynamoDB::Table", 1);
        t.resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", Contract.CONTROLLER_HANDLER), 2);
        // Why: without a name, the deployment is named after the user's stack, so two stacks never collide on
        // alarm names, the hook, the dashboard or the schema registry.
        assertThat(stack.failover.name()).isEqualTo("CorpNetwork");
        assertThat(stack.failover.alarmPrefix()).isEqualTo("vrf-CorpNetwork-");
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "vrf-CorpNetwork-nat-a-nat-agent"));
        t.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "vrf-CorpNetwork-nat-a--draining"));
        t.hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "CorpNetwork"));
        t.hasResourceProperties("AWS::EventSchemas::Registry", Map.of("RegistryName", "CorpNetwork-events"));
        t.hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", Contract.CONTROLLER_HANDLER,
                "Environment", Map.of("Variables", Match.objectLike(Map.of("VRF_ALARM_PREFIX", "vrf-CorpNetwork-")))));
        // Why: the user wires our parts into theirs through the construct's accessors.
        t.hasResourceProperties("AWS::IAM::Role", Map.of("ManagedPolicyArns", List.of(Map.of("Ref",
                stack.getLogicalId((software.amazon.awscdk.CfnElement) stack.failover.permissions().operatorPolicy().getNode().getDefaultChild())))));
        t.hasOutput("FailoverTable", Match.anyValue());
        // The construct adds no outputs of its own: output names are the enclosing stack's to choose.
        assertThat(t.findOutputs("*").keySet()).containsExactly("FailoverTable");
    }

    @Test
    void twoDeploymentsInOneAppStayApart() {
        // Why: e.g. one per VPC in the same account; every AWS-visible name must differ.
        App app = TestStacks.app();
        NetworkStack stackA = new NetworkStack(app, "VpcA", props());
        NetworkStack stackB = new NetworkStack(app, "VpcB", props());
        Template a = Template.fromStack(stackA);
        Template b = Template.fromStack(stackB);
        a.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "vrf-VpcA-nat-b--heartbeat"));
        b.hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "vrf-VpcB-nat-b--heartbeat"));
        a.hasResourceProperties("AWS::Logs::QueryDefinition", Map.of("Name", "VpcA/errors-by-reconcile"));
        b.hasResourceProperties("AWS::Logs::QueryDefinition", Map.of("Name", "VpcB/errors-by-reconcile"));
    }
}
