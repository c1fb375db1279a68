package io.github.vpcroutefailover.cdk;

import static io.github.vpcroutefailover.cdk.VrfStackTest.ROUTE_MUTATIONS;
import static io.github.vpcroutefailover.cdk.VrfStackTest.VPC_ARN;
import static io.github.vpcroutefailover.cdk.VrfStackTest.arn;
import static io.github.vpcroutefailover.cdk.VrfStackTest.full;
import static io.github.vpcroutefailover.cdk.VrfStackTest.json;
import static io.github.vpcroutefailover.cdk.VrfStackTest.logicalId;
import static io.github.vpcroutefailover.cdk.VrfStackTest.minimal;
import static io.github.vpcroutefailover.cdk.VrfStackTest.stmt;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Who may do what, statement by statement (issue #11): the core policy of both stack shapes, the roles' inline
 * policies, the agent policy and the operator path (its own function, alias and policy). Helpers and the stacks
 * under test are {@link VrfStackTest}'s.
 */
class VrfStackIamTest {

    @Nested
    class Iam {
        static Map<String, Object> corePolicyStatements(Template t) {
            @SuppressWarnings("unchecked")
            Map<String, Object> props = (Map<String, Object>) ((Map<String, Object>) t.findResources("AWS::IAM::ManagedPolicy").entrySet().stream()
                    .filter(e -> e.getKey().startsWith("FailoverPermissionsCorePolicy")).findFirst().orElseThrow().getValue()).get("Properties");
            return props;
        }

        /** The fixed statement for routes registered at run time (docs/deploy.md "IAM and registered routes"). */
        static Map<String, Object> registrable() {
            return stmt("RoutesInRegistrableTables", ROUTE_MUTATIONS, arn(":ec2:eu-west-1:111111111111:route-table/*"), Map.of(
                    "StringEquals", Map.of("aws:ResourceTag/vrf-registrable", "true", "ec2:Vpc", VPC_ARN)));
        }

        static List<Object> common(Template t, String... alarmNames) {
            Map<String, Object> tableArn = Map.of("Fn::GetAtt", List.of(logicalId(t, "AWS::DynamoDB::Table", "StateStateTable"), "Arn"));
            List<Object> alarms = new ArrayList<>();
            alarms.add(arn(":cloudwatch:eu-west-1:111111111111:alarm:vrf-*"));
            for (String n : alarmNames) {
                alarms.add(arn(":cloudwatch:eu-west-1:111111111111:alarm:" + n));
            }
            return List.of(
                    stmt("StateTable", ControllerPermissions.DYNAMODB_ACTIONS,
                            List.of(tableArn, Map.of("Fn::Join", List.of("", List.of(tableArn, "/index/*"))))),
                    stmt("ReadHealthMetrics", "cloudwatch:GetMetricData", "*"),
                    stmt("PublishOwnMetrics", "cloudwatch:PutMetricData", "*",
                            Map.of("StringEquals", Map.of("cloudwatch:namespace", "VpcRouteFailover"))),
                    stmt("ReadCheckAlarms", "cloudwatch:DescribeAlarms", alarms.size() == 1 ? alarms.get(0) : alarms),
                    stmt("EmitRouteFailoverEvents", "events:PutEvents", arn(":events:eu-west-1:111111111111:event-bus/default"),
                            Map.of("StringEquals", Map.of("events:source", "vpc-route-failover"))));
        }

        @Test
        void corePolicyOfTheSampleConfigIsExactlyThis() {
            // Why: this is the least-privilege contract. Route mutations only in tables the config selects: by
            // tags (aws:ResourceTag, incl. the notTags exclusion) within the VPC, and the VPC bound for the
            // subnet/main selectors; ENI attribute changes only because targets say sourceDestCheck: fix;
            // PutMetricData only in our namespace; PutEvents only with our source; lifecycle only for nat-asg.
            // Match.exact: an extra statement or action fails this test.
            List<Object> statements = new ArrayList<>();
            statements.add(stmt("ObserveVpc", ControllerPermissions.EC2_DESCRIBE, "*"));
            Object routeTableAny = arn(":ec2:eu-west-1:111111111111:route-table/*");
            statements.add(stmt("RoutesInTaggedTables", ROUTE_MUTATIONS, routeTableAny, Map.of(
                    "StringEquals", Map.of("aws:ResourceTag/tier", "private", "ec2:Vpc", VPC_ARN),
                    "StringNotEquals", Map.of("aws:ResourceTag/nat", "unmanaged"))));
            statements.add(stmt("RoutesInTaggedTables2", ROUTE_MUTATIONS, routeTableAny, Map.of(
                    "StringEquals", Map.of("aws:ResourceTag/tier", "private", "ec2:Vpc", VPC_ARN))));
            statements.add(stmt("RoutesInConfiguredVpc", ROUTE_MUTATIONS, routeTableAny, Map.of(
                    "StringEquals", Map.of("ec2:Vpc", VPC_ARN))));
            statements.add(registrable());
            statements.add(stmt("FixSourceDestCheck", "ec2:ModifyNetworkInterfaceAttribute",
                    arn(":ec2:eu-west-1:111111111111:network-interface/*"), Map.of("StringEquals", Map.of("ec2:Vpc", VPC_ARN))));
            statements.addAll(common(full()));
            statements.add(stmt("CompleteTerminateLifecycle", "autoscaling:CompleteLifecycleAction",
                    arn(":autoscaling:eu-west-1:111111111111:autoScalingGroup:*:autoScalingGroupName/nat-asg")));
            full().hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("PolicyDocument",
                    Map.of("Version", "2012-10-17", "Statement", Match.exact(statements))));
        }

        @Test
        void corePolicyOfAnIdOnlyConfigNamesTheTablesAndNothingMore() {
            // Why: tables known by id get exact ARNs and no VPC-wide statement; no sourceDestCheck: fix means no
            // ModifyNetworkInterfaceAttribute; no ASG means no lifecycle permission; the alarm check's alarm is readable.
            List<Object> statements = new ArrayList<>();
            statements.add(stmt("ObserveVpc", ControllerPermissions.EC2_DESCRIBE, "*"));
            statements.add(stmt("RoutesInSelectedTables", ROUTE_MUTATIONS, List.of(
                    arn(":ec2:eu-west-1:111111111111:route-table/rtb-0aaaaaaaaaaaaaaaa"),
                    arn(":ec2:eu-west-1:111111111111:route-table/rtb-0bbbbbbbbbbbbbbbb"))));
            statements.add(registrable());
            statements.addAll(common(minimal(), "team-nat-packet-loss"));
            minimal().hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("PolicyDocument",
                    Map.of("Version", "2012-10-17", "Statement", Match.exact(statements))));
        }

        @Test
        void corePolicyIsAttachedToTheControllerAndProbeRolesOnly() {
            // Why: probes run the failover core in-process and need the same permissions, nothing else does.
            Capture roles = new Capture();
            full().hasResourceProperties("AWS::IAM::Role", Map.of("ManagedPolicyArns", List.of(Map.of("Ref", logicalId(full(), "AWS::IAM::ManagedPolicy", "PermissionsCorePolicy"))),
                    "AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of("Action", "sts:AssumeRole", "Effect", "Allow",
                            "Principal", Map.of("Service", "lambda.amazonaws.com"))), "Version", "2012-10-17")));
            full().resourcePropertiesCountIs("AWS::IAM::Role", Map.of("ManagedPolicyArns", List.of(Map.of("Ref", logicalId(full(), "AWS::IAM::ManagedPolicy", "PermissionsCorePolicy")))), 2);
            full().resourceCountIs("AWS::IAM::Role", 2);
            assertThat(roles).isNotNull();
        }

        @Test
        void controllerRoleInlinePolicyIsOnlyItsLogsAndTheDeadLetterQueue() {
            // Why: no AWS managed basic-execution policy (it allows logs on every group in the account); the role
            // writes to its two log groups (event and operator function) and sends to the dead-letter queue.
            full().hasResourceProperties("AWS::IAM::Policy", Map.of("Roles", List.of(Map.of("Ref", logicalId(full(), "AWS::IAM::Role", "ControllerRole"))),
                    "PolicyDocument", Map.of("Version", "2012-10-17", "Statement", Match.exact(List.of(
                            Map.of("Action", List.of("logs:CreateLogStream", "logs:PutLogEvents"), "Effect", "Allow",
                                    "Resource", List.of(Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::Logs::LogGroup", "ControllerLogs"), "Arn")),
                                            Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::Logs::LogGroup", "ControllerOperatorLogs"), "Arn")))),
                            Map.of("Action", List.of("sqs:GetQueueAttributes", "sqs:GetQueueUrl", "sqs:SendMessage"), "Effect", "Allow",
                                    "Resource", Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::SQS::Queue", "AssetsDeadLetterQueue"), "Arn"))))))));
        }

        @Test
        void agentPolicyIsExportedAndOnlyPublishesOurNamespace() {
            // Why: users attach this to NAT instances; it must not let an instance write other metrics.
            full().hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("PolicyDocument", Map.of("Version", "2012-10-17",
                    "Statement", Match.exact(List.of(stmt("PublishAgentMetrics", "cloudwatch:PutMetricData", "*",
                            Map.of("StringEquals", Map.of("cloudwatch:namespace", "VpcRouteFailover"))))))));
            full().hasOutput("AgentPolicyArn", Map.of("Export", Map.of("Name", "VrfTest-AgentPolicyArn"),
                    "Value", Map.of("Ref", logicalId(full(), "AWS::IAM::ManagedPolicy", "PermissionsAgentInstancePolicy"))));
        }

        @Test
        void noAllowStatementAnywhereUsesAWildcardAction() {
            // Why: the rule. Resource * appears only where AWS has no resource-level permissions; actions
            // are always spelled out. (The only wildcard actions are CDK's TLS-only Deny guardrails.)
            for (Template t : List.of(full(), minimal())) {
                List<Object> allows = new ArrayList<>();
                collectAllowActions(t.toJSON(), allows);
                assertThat(allows).isNotEmpty().allSatisfy(a -> assertThat(String.valueOf(a)).doesNotContain("*"));
            }
        }

        @SuppressWarnings("unchecked")
        private static void collectAllowActions(Object node, List<Object> out) {
            if (node instanceof Map<?, ?> map) {
                if ("Allow".equals(map.get("Effect")) && map.containsKey("Action")) {
                    Object action = map.get("Action");
                    if (action instanceof List<?> list) {
                        out.addAll(list);
                    } else {
                        out.add(action);
                    }
                }
                map.values().forEach(v -> collectAllowActions(v, out));
            } else if (node instanceof List<?> list) {
                list.forEach(v -> collectAllowActions(v, out));
            }
        }
    }

    @Nested
    class OperatorPath {
        @Test
        void operatorFunctionHasItsOwnReservationAndAnAliasNamedOperator() {
            // Why: reserved concurrency is per function, so manual invokes on a separate function can never use up
            // the event function's 3 (issue #11); "operator" is the alias the operator policy grants.
            full().hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", Contract.CONTROLLER_HANDLER,
                    "ReservedConcurrentExecutions", ControllerFunctions.OPERATOR_RESERVED_CONCURRENCY,
                    "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                    "Role", Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::IAM::Role", "ControllerRole"), "Arn")),
                    "LoggingConfig", Map.of("LogGroup", Map.of("Ref", logicalId(full(), "AWS::Logs::LogGroup", "ControllerOperatorLogs")))));
            full().resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", Contract.CONTROLLER_HANDLER), 2);
            full().hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "operator",
                    "FunctionName", Map.of("Ref", logicalId(full(), "AWS::Lambda::Function", "ControllerOperatorFunction"))));
            // A retried async "failover" would be a second failover: no retries on the operator path.
            full().hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                    "FunctionName", Map.of("Ref", logicalId(full(), "AWS::Lambda::Function", "ControllerOperatorFunction")),
                    "MaximumRetryAttempts", 0));
            minimal().resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", Contract.CONTROLLER_HANDLER,
                    "ReservedConcurrentExecutions", Match.absent()), 2);
        }

        @Test
        void noRuleTargetsTheOperatorFunction() {
            // Why: the event path and the operator path must stay apart, or events would share the operator's cap.
            String json = json(full().findResources("AWS::Events::Rule"));
            assertThat(json).doesNotContain(logicalId(full(), "AWS::Lambda::Alias", "ControllerOperator"))
                    .doesNotContain(logicalId(full(), "AWS::Lambda::Function", "ControllerOperatorFunction"));
        }

        @Test
        void operatorPolicyGrantsExactlyTheOperatorAliasAndTheStackOutputs() {
            // Why: operators are principals of their own (issue #11): this policy lets a person run manual actions
            // and nothing else; notably not the event function's alias, and no wildcard function.
            for (Template t : List.of(full(), minimal())) {
                String stackName = t == full() ? "VrfTest" : "VrfMinimal";
                t.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of(
                        "Description", Match.stringLikeRegexp("Attach to the people and roles allowed to run manual actions.*"),
                        "PolicyDocument", Map.of("Version", "2012-10-17", "Statement", Match.exact(List.of(
                                stmt("InvokeOperatorAlias", "lambda:InvokeFunction", Map.of("Ref", logicalId(t, "AWS::Lambda::Alias", "ControllerOperator"))),
                                stmt("ReadStackOutputs", "cloudformation:DescribeStacks",
                                        arn(":cloudformation:eu-west-1:111111111111:stack/" + stackName + "/*")))))));
                // Nobody gets it by default: the user attaches it to their operators.
                assertThat(json(t.findResources("AWS::IAM::Role"))).doesNotContain(logicalId(t, "AWS::IAM::ManagedPolicy", "PermissionsOperatorPolicy"));
            }
            full().hasOutput("OperatorPolicyArn", Map.of("Export", Map.of("Name", "VrfTest-OperatorPolicyArn"),
                    "Value", Map.of("Ref", logicalId(full(), "AWS::IAM::ManagedPolicy", "PermissionsOperatorPolicy"))));
            full().hasOutput("OperatorAliasArn", Map.of("Value", Map.of("Ref", logicalId(full(), "AWS::Lambda::Alias", "ControllerOperator"))));
        }

        @Test
        void operatorErrorsAreAlarmed() {
            // Why: a manual action that crashes (not an ok:false answer) is a bug an operator may not report.
            full().hasResourceProperties("AWS::CloudWatch::Alarm", Map.of("AlarmName", "VrfTest-ops-operator-errors",
                    "Namespace", "AWS/Lambda", "MetricName", "Errors",
                    "Dimensions", List.of(Map.of("Name", "FunctionName", "Value", Map.of("Ref", logicalId(full(), "AWS::Lambda::Function", "ControllerOperatorFunction"))))));
        }
    }
}
