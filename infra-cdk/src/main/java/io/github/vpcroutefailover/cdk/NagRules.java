package io.github.vpcroutefailover.cdk;

import io.github.cdklabs.cdknag.NagPackSuppression;
import io.github.cdklabs.cdknag.NagSuppressions;
import io.github.cdklabs.cdknag.RegexAppliesTo;
import java.util.List;
import software.constructs.IConstruct;

/**
 * Every cdk-nag (AwsSolutions) finding we accept, each with the reason. {@code CdkNagTest} fails on any finding
 * not listed here, and the {@code appliesTo} lists keep a suppression from covering a new, different wildcard.
 */
final class NagRules {
    private NagRules() {
    }

    static final String JAVA21_REASON = "The function jar targets Java 21 (the project's language level, SnapStart "
            + "and the arm64 build are verified on java21); moving to a newer runtime is a deliberate, tested upgrade.";

    static void lambdaRuntime(IConstruct function) {
        NagSuppressions.addResourceSuppressions(function, List.of(
                NagPackSuppression.builder().id("AwsSolutions-L1").reason(JAVA21_REASON).build()));
    }

    static void deadLetterQueue(IConstruct queue) {
        NagSuppressions.addResourceSuppressions(queue, List.of(NagPackSuppression.builder().id("AwsSolutions-SQS3")
                .reason("This queue IS the dead-letter queue (async on-failure destination and rule-target DLQ); "
                        + "a DLQ of a DLQ would only move the same messages again. Its depth is alarmed.").build()));
    }

    static void corePolicy(IConstruct policy) {
        NagSuppressions.addResourceSuppressions(policy, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("EC2 Describe*, cloudwatch:GetMetricData and cloudwatch:PutMetricData have no resource-level "
                                + "permissions (AWS requires Resource *); PutMetricData is bounded by the cloudwatch:namespace condition.")
                        .appliesTo(List.of("Resource::*")).build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("Route tables selected by tags, subnet or as the main table (and tables opted in for registered "
                                + "routes by the vrf-registrable tag) have no id known at synth time; each route-table/* "
                                + "statement carries aws:ResourceTag and/or ec2:Vpc conditions.")
                        .appliesTo(List.of(regex("/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ec2:[^:]*:[^:]*:route-table\\/\\*$/"))).build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("Source/dest check fixing targets ENIs discovered at run time; bounded by the ec2:Vpc condition.")
                        .appliesTo(List.of(regex("/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):ec2:[^:]*:[^:]*:network-interface\\/\\*$/"))).build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("Queries on the state table's indexes; the wildcard covers only indexes of our own table.")
                        .appliesTo(List.of(regex("/^Resource::<[A-Za-z0-9]*StateTable[0-9A-F]+\\.Arn>\\/index\\/\\*$/"))).build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("Our agent alarms are named with the stack's alarm prefix; the wildcard is that prefix.")
                        .appliesTo(List.of(regex("/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):cloudwatch:[^:]*:[^:]*:alarm:.+\\*$/"))).build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("An Auto Scaling group ARN contains a UUID that changes when the group is recreated; the "
                                + "group name after the wildcard pins the configured group.")
                        .appliesTo(List.of(regex("/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):autoscaling:[^:]*:[^:]*:autoScalingGroup:\\*:autoScalingGroupName\\/.+$/"))).build()));
    }

    static void memberPolicy(IConstruct policy) {
        NagSuppressions.addResourceSuppressions(policy, List.of(
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("EC2 Describe*, cloudwatch:GetMetricData and cloudwatch:DescribeAlarms as the controller calls them "
                                + "(no alarm names filter) have no resource-level bound; they only read.")
                        .appliesTo(List.of("Resource::*")).build(),
                NagPackSuppression.builder().id("AwsSolutions-IAM5")
                        .reason("Route tables and ENIs of the member account's listed VPCs: their ids are not known when the "
                                + "StackSet deploys; every statement carries the ec2:Vpc condition with the listed VPCs.")
                        .appliesTo(List.of(regex("/^Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:(route-table|network-interface)\\/\\*$/"))).build()));
    }

    static void operatorPolicy(IConstruct policy) {
        NagSuppressions.addResourceSuppressions(policy, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("A stack ARN ends in a UUID that changes when the stack is recreated; the stack name before the "
                        + "wildcard pins this stack. The operator CLI reads the stack's outputs with DescribeStacks.")
                .appliesTo(List.of(regex("/^Resource::arn:(<AWS::Partition>|aws[a-z-]*):cloudformation:[^:]*:[^:]*:stack\\/[^*]+\\/\\*$/"))).build()));
    }

    static void probeRole(IConstruct role) {
        NagSuppressions.addResourceSuppressions(role, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("The exact actions of AWSLambdaVPCAccessExecutionRole, which Lambda needs to manage the function's "
                        + "ENIs; EC2 accepts no resource-level bound that Lambda's validation passes.")
                .appliesTo(List.of("Resource::*")).build()), true);
    }

    static void agentPolicy(IConstruct policy) {
        NagSuppressions.addResourceSuppressions(policy, List.of(NagPackSuppression.builder().id("AwsSolutions-IAM5")
                .reason("cloudwatch:PutMetricData has no resource-level permissions; the policy is bounded by the "
                        + "cloudwatch:namespace condition to our namespace.")
                .appliesTo(List.of("Resource::*")).build()));
    }

    static void topic(IConstruct topic) {
        NagSuppressions.addResourceSuppressions(topic, List.of(NagPackSuppression.builder().id("AwsSolutions-SNS2")
                .reason("EventBridge cannot publish to a topic encrypted with the AWS managed SNS key, and a customer "
                        + "managed key costs $1/month; the messages are route change metadata (ids, CIDRs), no secrets. "
                        + "Pass your own encrypted topic with -c notificationTopicArn=... if you need SSE.").build()));
    }

    private static RegexAppliesTo regex(String pattern) {
        return RegexAppliesTo.builder().regex(pattern).build();
    }
}
