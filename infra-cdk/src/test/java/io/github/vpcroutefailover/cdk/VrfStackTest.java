package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Capture;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * What {@code cdk deploy} installs, resource by resource, for the two stack shapes in {@link TestStacks}. Each
 * assertion says why it exists: they pin behaviour a user or the function relies on, not CDK defaults.
 */
class VrfStackTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Template full() {
        return TestStacks.full().template();
    }

    static Template minimal() {
        return TestStacks.minimal().template();
    }

    /**
     * An ARN in the test account and region, as CDK renders it: with the feature flag
     * {@code @aws-cdk/core:enablePartitionLiterals} (cdk.json) the partition of a known region is a literal.
     */
    static Object arn(String afterPartition) {
        return "arn:aws" + afterPartition;
    }

    static final Object VPC_ARN = arn(":ec2:eu-west-1:111111111111:vpc/" + SampleConfigs.VPC);
    static final List<String> ROUTE_MUTATIONS = List.of("ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute");

    static Map<String, Object> stmt(String sid, Object actions, Object resource) {
        return Map.of("Sid", sid, "Effect", "Allow", "Action", sorted(actions), "Resource", sorted(resource));
    }

    static Map<String, Object> stmt(String sid, Object actions, Object resource, Map<String, Object> condition) {
        return Map.of("Sid", sid, "Effect", "Allow", "Action", sorted(actions), "Resource", sorted(resource), "Condition", condition);
    }

    /**
     * With the feature flag {@code @aws-cdk/aws-iam:minimizePolicies} (cdk.json) the CDK sorts a statement's
     * actions and string resources; it never merges our statements, because each has its own Sid.
     */
    static Object sorted(Object actionsOrResources) {
        if (actionsOrResources instanceof List<?> list && list.stream().allMatch(String.class::isInstance)) {
            return list.stream().map(String.class::cast).sorted().toList();
        }
        return actionsOrResources;
    }

    /**
     * The logical id of the one resource of {@code type} at construct path {@code Failover/<path...>}: CDK joins the
     * path's ids and appends a hash, so {@code "ControllerLogs"} is Failover/Controller/Logs.
     */
    static String logicalId(Template t, String type, String path) {
        List<String> ids = t.findResources(type).keySet().stream()
                .filter(k -> k.matches(VrfStack.FAILOVER_ID + path + "[0-9A-F]{8}")).toList();
        assertThat(ids).as(type + " at " + path).hasSize(1);
        return ids.get(0);
    }

    static String json(Object o) {
        try {
            return JSON.writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Nested
    class StateTable {
        @Test
        void singleTableOnDemandWithPitrTtlAndDeletionProtection() {
            // Why: the function's single-table design needs pk/sk strings and expires history via expiresAt;
            // on-demand because traffic is spiky (failover storms) and tiny otherwise; PITR because the table is
            // the ownership fence and the audit trail.
            full().hasResource("AWS::DynamoDB::Table", Map.of(
                    "DeletionPolicy", "Retain",
                    "Properties", Match.objectLike(Map.of(
                            "KeySchema", List.of(Map.of("AttributeName", "pk", "KeyType", "HASH"), Map.of("AttributeName", "sk", "KeyType", "RANGE")),
                            "AttributeDefinitions", List.of(Map.of("AttributeName", "pk", "AttributeType", "S"), Map.of("AttributeName", "sk", "AttributeType", "S"),
                                    Map.of("AttributeName", "gsi1pk", "AttributeType", "S"), Map.of("AttributeName", "gsi1sk", "AttributeType", "S")),
                            "BillingMode", "PAY_PER_REQUEST",
                            "PointInTimeRecoverySpecification", Map.of("PointInTimeRecoveryEnabled", true),
                            "TimeToLiveSpecification", Map.of("AttributeName", "expiresAt", "Enabled", true),
                            "DeletionProtectionEnabled", true))));
        }

        @Test
        void deletionProtectionIsAnOption() {
            // Why: test environments need to be destroyable; the option must really reach the table.
            minimal().hasResourceProperties("AWS::DynamoDB::Table", Map.of("DeletionProtectionEnabled", false));
        }
    }

    @Nested
    class Controller {
        @Test
        void java21Arm64SnapStartWithTheContractEnvironment() {
            // Why: the handler name, env vars and config path are the contract with the function module; SnapStart
            // applies only to published versions, which is why every invoke goes through the alias.
            full().hasResourceProperties("AWS::Lambda::Function", Map.of(
                    "Handler", Contract.CONTROLLER_HANDLER,
                    "Runtime", "java21",
                    "Architectures", List.of("arm64"),
                    "SnapStart", Map.of("ApplyOn", "PublishedVersions"),
                    "ReservedConcurrentExecutions", ControllerFunctions.CONTROLLER_RESERVED_CONCURRENCY,
                    "Layers", List.of(Map.of("Ref", logicalId(full(), "AWS::Lambda::LayerVersion", "AssetsConfigLayer"))),
                    "LoggingConfig", Map.of("LogGroup", Map.of("Ref", logicalId(full(), "AWS::Logs::LogGroup", "ControllerLogs"))),
                    "Environment", Map.of("Variables", Match.objectEquals(Map.of(
                            "VRF_TABLE_NAME", Map.of("Ref", logicalId(full(), "AWS::DynamoDB::Table", "StateStateTable")),
                            "VRF_CONFIG_PATH", "/opt/vrf/config.json",
                            "VRF_METRIC_NAMESPACE", "VpcRouteFailover",
                            "VRF_ALARM_PREFIX", "vrf-",
                            "VRF_EVENT_BUS", "default",
                            // Only our own hook's lifecycle actions are completed, never a co-tenant hook's on the same group.
                            "VRF_LIFECYCLE_HOOK", "VrfTest-drain-routes",
                            "VRF_LOG_LEVEL", "INFO",
                            "JAVA_TOOL_OPTIONS", "-XX:+TieredCompilation -XX:TieredStopAtLevel=1")))));
        }

        @Test
        void aliasOnThePublishedVersionWithRetriesAndDeadLetterDestination() {
            // Why: async invokes (all EventBridge deliveries) that still fail after retries must not vanish.
            String alias = logicalId(full(), "AWS::Lambda::Alias", "ControllerLive");
            full().hasResourceProperties("AWS::Lambda::Alias", Map.of("Name", "live",
                    "FunctionVersion", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("FailoverControllerFunctionCurrentVersion.*"), "Version"))));
            full().hasResourceProperties("AWS::Lambda::EventInvokeConfig", Map.of(
                    "FunctionName", Map.of("Ref", logicalId(full(), "AWS::Lambda::Function", "ControllerFunction")),
                    "Qualifier", Map.of("Fn::Select", List.of(7, Map.of("Fn::Split", List.of(":", Map.of("Ref", alias))))),
                    "MaximumRetryAttempts", 2,
                    "MaximumEventAgeInSeconds", 3600,
                    "DestinationConfig", Map.of("OnFailure", Map.of("Destination",
                            Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::SQS::Queue", "AssetsDeadLetterQueue"), "Arn"))))));
        }

        @Test
        void reservedConcurrencyCanBeTurnedOff() {
            // Why: new accounts (concurrency limit 10) cannot reserve any; the option must really drop it.
            minimal().hasResourceProperties("AWS::Lambda::Function", Map.of("Handler", Contract.CONTROLLER_HANDLER,
                    "ReservedConcurrentExecutions", Match.absent()));
        }

        @Test
        void logsHaveRetention() {
            // Why: Lambda's default log group keeps logs forever (and bills for them).
            full().allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 30));
            minimal().allResourcesProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        }

        @Test
        void configLayerIsForJava21Arm64() {
            // Why: the config reaches the functions only through this layer, mounted at /opt.
            full().resourceCountIs("AWS::Lambda::LayerVersion", 1);
            full().hasResourceProperties("AWS::Lambda::LayerVersion", Map.of(
                    "CompatibleRuntimes", List.of("java21"), "CompatibleArchitectures", List.of("arm64")));
        }

        @Test
        void deadLetterQueueIsEncryptedAndTlsOnly() {
            // Why: dead letters carry event payloads; the queue must not accept plaintext transport.
            full().hasResourceProperties("AWS::SQS::Queue", Map.of("SqsManagedSseEnabled", true, "MessageRetentionPeriod", 1209600));
            full().hasResourceProperties("AWS::SQS::QueuePolicy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                    Map.of("Action", "sqs:*", "Effect", "Deny", "Principal", Map.of("AWS", "*"),
                            "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")),
                            "Resource", Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::SQS::Queue", "AssetsDeadLetterQueue"), "Arn"))))))));
        }
    }

    @Nested
    class Probes {
        @Test
        void oneProbePerSubnetInItsAz() {
            // Why: one probe per AZ is what lets zone affinity see each AZ's view; VRF_PROBE_AZ tells it which.
            for (String az : List.of("a", "b")) {
                full().hasResourceProperties("AWS::Lambda::Function", Map.of(
                        "Handler", Contract.PROBE_HANDLER, "Runtime", "java21", "Architectures", List.of("arm64"),
                        "ReservedConcurrentExecutions", ProbeFunctions.PROBE_RESERVED_CONCURRENCY,
                        "VpcConfig", Map.of("SubnetIds", List.of("subnet-0" + az.repeat(16)),
                                "SecurityGroupIds", List.of(Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::EC2::SecurityGroup", "ProbesSecurityGroup"), "GroupId")))),
                        "Environment", Map.of("Variables", Match.objectLike(Map.of("VRF_PROBE_AZ", "eu-west-1" + az,
                                "VRF_CONFIG_PATH", "/opt/vrf/config.json")))));
            }
            full().resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", Contract.PROBE_HANDLER), 2);
            minimal().resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", Contract.PROBE_HANDLER), 0);
        }

        @Test
        void consecutiveProbeInvocationsMayOverlapByOneAndNeverByTwo() {
            // Why: each invocation probes 80 s so the next (started 60 s later) is handed the probe lease before it
            // stops: two must be able to run at once (reserved concurrency 2), and the timeout must end an
            // invocation before the one after next starts (timeout < 2 schedule periods), or a third would be throttled.
            assertThat(ProbeFunctions.PROBE_RESERVED_CONCURRENCY).isEqualTo(2);
            assertThat(ProbeFunctions.PROBE_TIMEOUT_SECONDS).isLessThan(2 * 60 * ProbeFunctions.PROBE_SCHEDULE_MINUTES)
                    .isGreaterThanOrEqualTo(80 + 3 + 5);
            full().resourcePropertiesCountIs("AWS::Lambda::Function", Map.of("Handler", Contract.PROBE_HANDLER,
                    "ReservedConcurrentExecutions", 2, "Timeout", ProbeFunctions.PROBE_TIMEOUT_SECONDS), 2);
        }

        @Test
        void probesAreStartedEveryMinuteWithoutRetries() {
            // Why: the probe loops for ~80 s and the next scheduled one takes over; a retry would be a third at once.
            full().resourcePropertiesCountIs("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)",
                    "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("FailoverProbesProbeeuwest1.*"), "Arn")),
                            "RetryPolicy", Map.of("MaximumRetryAttempts", 0))))), 2);
            full().resourcePropertiesCountIs("AWS::Lambda::EventInvokeConfig", Map.of("MaximumRetryAttempts", 0, "MaximumEventAgeInSeconds", 60,
                    "Qualifier", "$LATEST"), 2);
        }

        @Test
        void securityGroupAllowsOnlyCheckPortsInsideTheVpcAndHttpsToEndpoints() {
            // Why: the probe runs in users' private subnets; it may reach the targets' check ports and AWS APIs,
            // nothing else (allowAllOutbound=false).
            full().hasResourceProperties("AWS::EC2::SecurityGroup", Map.of(
                    "GroupDescription", Match.stringLikeRegexp("VPC Route Failover probes.*"),
                    "SecurityGroupEgress", Match.exact(List.of(
                            Map.of("CidrIp", "10.0.0.0/16", "IpProtocol", "tcp", "FromPort", 22, "ToPort", 22, "Description", "health check port 22 inside the VPC"),
                            Map.of("CidrIp", "10.0.0.0/16", "IpProtocol", "tcp", "FromPort", 8080, "ToPort", 8080, "Description", "health check port 8080 inside the VPC")))));
            Capture destination = new Capture();
            full().hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                    "DestinationSecurityGroupId", Map.of("Fn::GetAtt", List.of(destination, "GroupId"))));
            assertThat(destination.asString()).startsWith("FailoverProbesEndpointSecurityGroup");
            full().hasResourceProperties("AWS::EC2::SecurityGroupEgress", Map.of("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                    "DestinationPrefixListId", TestStacks.DYNAMODB_PREFIX_LIST));
            full().resourceCountIs("AWS::EC2::SecurityGroupEgress", 2);
            // The endpoints accept HTTPS from the probes only.
            full().hasResourceProperties("AWS::EC2::SecurityGroupIngress", Map.of("IpProtocol", "tcp", "FromPort", 443, "ToPort", 443,
                    "SourceSecurityGroupId", Map.of("Fn::GetAtt", List.of(logicalId(full(), "AWS::EC2::SecurityGroup", "ProbesSecurityGroup"), "GroupId"))));
            full().resourceCountIs("AWS::EC2::SecurityGroupIngress", 1);
            assertThat(json(full().findResources("AWS::EC2::SecurityGroup"))).doesNotContain("0.0.0.0/0");
        }

        @Test
        void probeRoleHasLambdaVpcNetworkingAndItsOwnLogsOnly() {
            // Why: replaces the AWS managed VPC access policy with the same actions, plus logs on our groups only.
            full().hasResourceProperties("AWS::IAM::Policy", Map.of("Roles", List.of(Map.of("Ref", logicalId(full(), "AWS::IAM::Role", "ProbesRole"))),
                    "PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(Map.of("Sid", "LambdaVpcNetworking", "Effect", "Allow", "Resource", "*",
                            "Action", sorted(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                                    "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))))))));
        }
    }

    @Nested
    class Endpoints {
        @Test
        void interfaceEndpointsForEc2MonitoringEventsAndDynamoDbGateway() {
            // Why: with the NAT under test down, these are the probes' only way to AWS APIs.
            for (String service : List.of("ec2", "monitoring", "events")) {
                full().hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("ServiceName", "com.amazonaws.eu-west-1." + service,
                        "VpcEndpointType", "Interface", "PrivateDnsEnabled", true, "VpcId", SampleConfigs.VPC,
                        "SubnetIds", List.of("subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb")));
            }
            full().hasResourceProperties("AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Gateway",
                    "ServiceName", Map.of("Fn::Join", List.of("", List.of("com.amazonaws.", Map.of("Ref", "AWS::Region"), ".dynamodb"))),
                    "RouteTableIds", List.of("rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb")));
            full().resourceCountIs("AWS::EC2::VPCEndpoint", 4);
        }

        @Test
        void noEndpointsWhenTurnedOff() {
            // Why: endpoints cost money per AZ; "off" must mean none.
            minimal().resourceCountIs("AWS::EC2::VPCEndpoint", 0);
        }
    }

    @Nested
    class Rules {
        static Map<String, Object> toController(Template t) {
            return Map.of("Arn", Map.of("Ref", logicalId(t, "AWS::Lambda::Alias", "ControllerLive")),
                    "DeadLetterConfig", Map.of("Arn", Map.of("Fn::GetAtt", List.of(logicalId(t, "AWS::SQS::Queue", "AssetsDeadLetterQueue"), "Arn"))),
                    "RetryPolicy", Map.of("MaximumRetryAttempts", 2, "MaximumEventAgeInSeconds", 3600));
        }

        @Test
        void scheduleRateIsConfigurableAndTargetsTheAlias() {
            // Why: the schedule is the safety net that reconciles whatever events were missed.
            full().hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 minute)",
                    "Targets", List.of(Match.objectLike(toController(full())))));
            minimal().hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(5 minutes)",
                    "Targets", List.of(Match.objectLike(toController(minimal())))));
        }

        @Test
        void alarmRuleTakesOnlyOurPrefixAndAlarmCheckNames() {
            // Why: every alarm in the account changes state; only ours (and the user alarms a check names) matter.
            full().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("aws.cloudwatch"), "detail-type", List.of("CloudWatch Alarm State Change"),
                    "detail", Map.of("alarmName", List.of(Map.of("prefix", "vrf-"))))),
                    "Targets", List.of(Match.objectLike(toController(full())))));
            minimal().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("aws.cloudwatch"), "detail-type", List.of("CloudWatch Alarm State Change"),
                    "detail", Map.of("alarmName", List.of(Map.of("prefix", "vrf-"), "team-nat-packet-loss"))))));
        }

        @Test
        void ec2RulesNameTheInstancesWhenTheConfigDoes() {
            // Why: with every instance known by id the rules can be exact, so unrelated instances never invoke us.
            List<String> ids = List.of(SampleConfigs.NAT_A, SampleConfigs.NAT_B);
            minimal().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("aws.ec2"), "detail-type", List.of("EC2 Instance State-change Notification"),
                    "detail", Map.of("state", EventPatterns.EC2_STATES, "instance-id", ids)))));
            for (String type : List.of("EC2 Spot Instance Interruption Warning", "EC2 Instance Rebalance Recommendation")) {
                minimal().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                        "source", List.of("aws.ec2"), "detail-type", List.of(type), "detail", Map.of("instance-id", ids)))));
            }
        }

        @Test
        void ec2RulesFallBackToAllInstancesForTagDiscoveredTargets() {
            // Why: a pattern cannot test instance tags; with dns-fleet found by tags, filtering by id would miss it.
            full().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("aws.ec2"), "detail-type", List.of("EC2 Instance State-change Notification"),
                    "detail", Map.of("state", EventPatterns.EC2_STATES))),
                    "Description", Match.stringLikeRegexp(".*ALL instances.*dns-fleet.*")));
            full().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("aws.ec2"), "detail-type", List.of("EC2 Spot Instance Interruption Warning"),
                    "detail", Map.of("instance-id", List.of(Map.of("prefix", "i-")))))));
        }

        @Test
        void lifecycleHookAndRuleForConfiguredGroupsOnly() {
            // Why: the hook holds termination until routes are off the instance; the heartbeat bounds the wait.
            full().hasResourceProperties("AWS::AutoScaling::LifecycleHook", Map.of("AutoScalingGroupName", "nat-asg",
                    "LifecycleTransition", "autoscaling:EC2_INSTANCE_TERMINATING", "HeartbeatTimeout", 180,
                    "DefaultResult", "CONTINUE", "LifecycleHookName", "VrfTest-drain-routes"));
            full().resourceCountIs("AWS::AutoScaling::LifecycleHook", 1);
            full().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("aws.autoscaling"), "detail-type", List.of("EC2 Instance-terminate Lifecycle Action"),
                    "detail", Map.of("AutoScalingGroupName", List.of("nat-asg")))),
                    "Targets", List.of(Match.objectLike(toController(full())))));
            minimal().resourceCountIs("AWS::AutoScaling::LifecycleHook", 0);
        }

        @Test
        void routeFailoverEventsGoToTheNotificationTopic() {
            // Why: this is how users attach chat, paging and tickets to failovers.
            Capture topic = new Capture();
            full().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("vpc-route-failover"), "detail-type", List.of("Route Failover"))),
                    "Targets", List.of(Match.objectLike(Map.of("Arn", Map.of("Ref", topic))))));
            assertThat(topic.asString()).startsWith("FailoverRulesNotificationTopic");
            full().hasResourceProperties("AWS::SNS::TopicPolicy", Map.of("PolicyDocument", Map.of("Statement", Match.arrayWith(List.of(
                    Match.objectLike(Map.of("Effect", "Deny", "Condition", Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                    Match.objectLike(Map.of("Action", "sns:Publish", "Effect", "Allow", "Principal", Map.of("Service", "events.amazonaws.com"))))))));
            minimal().hasResourceProperties("AWS::Events::Rule", Map.of("EventPattern", Match.objectEquals(Map.of(
                    "source", List.of("vpc-route-failover"), "detail-type", List.of("Route Failover"))),
                    "Targets", List.of(Match.objectLike(Map.of("Arn", TestStacks.EXISTING_TOPIC)))));
            minimal().resourceCountIs("AWS::SNS::Topic", 0);
        }
    }

    @Test
    void outputsTellUsersWhatTheyNeed() {
        // Why: docs/deploy.md and docs/events.md tell users to use these outputs.
        full().hasOutput("ControllerAliasArn", Map.of("Value", Map.of("Ref", logicalId(full(), "AWS::Lambda::Alias", "ControllerLive"))));
        full().hasOutput("OperatorAliasArn", Match.anyValue());
        full().hasOutput("OperatorPolicyArn", Match.anyValue());
        full().hasOutput("EventSchemaRegistryName", Match.anyValue());
        full().hasOutput("DashboardName", Match.anyValue());
        full().hasOutput("StateTableName", Match.anyValue());
        full().hasOutput("DeadLetterQueueUrl", Match.anyValue());
        full().hasOutput("NotificationTopicArn", Match.anyValue());
        minimal().hasOutput("NotificationTopicArn", Map.of("Value", TestStacks.EXISTING_TOPIC));
    }
}
