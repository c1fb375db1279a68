package io.github.vpcroutefailover.cdk;

import io.github.vpcroutefailover.domain.config.TableSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The least-privilege policy of the failover core (controller and probes, which run the same core in-process).
 * Every statement has a Sid so tests and people reading the deployed policy can tell them apart. No statement
 * uses a wildcard action; resources are {@code *} only where the API has no resource-level permissions.
 */
public final class ControllerPermissions {
    private ControllerPermissions() {
    }

    static final List<String> ROUTE_MUTATIONS = List.of("ec2:CreateRoute", "ec2:ReplaceRoute", "ec2:DeleteRoute");
    /** The transit gateway route API, granted only on the transit gateway route tables the config names. */
    static final List<String> TGW_ROUTE_MUTATIONS = List.of("ec2:CreateTransitGatewayRoute", "ec2:ReplaceTransitGatewayRoute",
            "ec2:DeleteTransitGatewayRoute", "ec2:SearchTransitGatewayRoutes");
    /** Transit gateway reads without resource-level permissions (AWS evaluates them on "*"). */
    static final List<String> TGW_DESCRIBE = List.of("ec2:DescribeTransitGatewayRouteTables", "ec2:DescribeTransitGatewayAttachments");

    /**
     * The opt-in tag that makes a route table writable for routes registered at run time (docs/deploy.md "IAM and
     * registered routes"). IAM is fixed at deploy time, so registration can only use tables IAM already covers:
     * those the config file names by id, or tables carrying this tag (a registered route's tags selector must
     * include it). A tag, not a wider VPC grant, so nothing becomes writable until someone tags a table.
     */
    public static final String REGISTRABLE_TAG_KEY = "vrf-registrable";
    public static final String REGISTRABLE_TAG_VALUE = "true";

    /** Read-only EC2 calls the core observes the VPC with. EC2 Describe* calls have no resource-level permissions. */
    static final List<String> EC2_DESCRIBE = List.of("ec2:DescribeRouteTables", "ec2:DescribeInstances",
            "ec2:DescribeInstanceStatus", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets", "ec2:DescribeNatGateways");

    /** Single-table access: items, queries, conditional writes and transactions (which authorize as these). */
    static final List<String> DYNAMODB_ACTIONS = List.of("dynamodb:GetItem", "dynamodb:BatchGetItem", "dynamodb:Query",
            "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:ConditionCheckItem");

    /**
     * @param stack       for ARNs in the stack's partition, region and account
     * @param tableArn    our DynamoDB table
     * @param alarmPrefix name prefix of our agent alarms
     * @param asgNames    groups whose terminate lifecycle actions the controller completes
     */
    public static List<PolicyStatement> statements(Stack stack, ConfigFacts facts, String tableArn, String alarmPrefix,
                                                   List<String> asgNames) {
        List<PolicyStatement> out = new ArrayList<>();
        String vpcArn = ec2Arn(stack, "vpc", facts.vpcId());

        out.add(statement("ObserveVpc", EC2_DESCRIBE, List.of("*"), Map.of()));

        if (!facts.routeTableIds().isEmpty()) {
            out.add(statement("RoutesInSelectedTables", ROUTE_MUTATIONS,
                    facts.routeTableIds().stream().map(id -> ec2Arn(stack, "route-table", id)).toList(), Map.of()));
        }
        if (!facts.transitGatewayRouteTableIds().isEmpty()) {
            // Named by id, so the table ARNs are exact (tighter than a tag condition); Create/Replace also authorize
            // the attachment they point at, so those are the configured attachments only.
            out.add(statement("ObserveTransitGatewayTables", TGW_DESCRIBE, List.of("*"), Map.of()));
            List<String> resources = new ArrayList<>();
            facts.transitGatewayRouteTableIds().forEach(id -> resources.add(ec2Arn(stack, "transit-gateway-route-table", id)));
            facts.transitGatewayAttachmentIds().forEach(id -> resources.add(ec2Arn(stack, "transit-gateway-attachment", id)));
            out.add(statement("RoutesInTransitGatewayTables", TGW_ROUTE_MUTATIONS, resources, Map.of()));
        }
        int n = 0;
        for (TableSelector.ByTags selector : facts.tagSelectors()) {
            Map<String, Map<String, Object>> conditions = ConfigFacts.tagConditions(selector);
            // Tags select tables; the VPC condition keeps a same-tagged table in another VPC out of reach.
            conditions.computeIfAbsent("StringEquals", k -> new LinkedHashMap<>()).put("ec2:Vpc", vpcArn);
            out.add(statement("RoutesInTaggedTables" + (n++ == 0 ? "" : String.valueOf(n)), ROUTE_MUTATIONS,
                    List.of(ec2Arn(stack, "route-table", "*")), conditions));
        }
        if (facts.vpcWideSelection()) {
            // Subnet and main-table selectors name no table attribute IAM can see; the VPC is the tightest bound.
            out.add(statement("RoutesInConfiguredVpc", ROUTE_MUTATIONS, List.of(ec2Arn(stack, "route-table", "*")),
                    Map.of("StringEquals", Map.of("ec2:Vpc", vpcArn))));
        }
        // Routes registered at run time: only tables their owner opted in by tag, in the configured VPC.
        out.add(statement("RoutesInRegistrableTables", ROUTE_MUTATIONS, List.of(ec2Arn(stack, "route-table", "*")),
                Map.of("StringEquals", Map.of("aws:ResourceTag/" + REGISTRABLE_TAG_KEY, REGISTRABLE_TAG_VALUE, "ec2:Vpc", vpcArn))));
        int d = 0;
        for (Map.Entry<String, String> exclusion : facts.commonExclusions().entrySet()) {
            // Every selector that could reach a table by its tags excludes this tag, so no route (file or registered)
            // may ever change a table carrying it; the Deny makes that hold even if the code were wrong. Tables the
            // config names by id are exempt: naming a table is an explicit choice that beats tag exclusions.
            String operator = "*".equals(exclusion.getValue()) ? "StringLike" : "StringEquals";
            PolicyStatement.Builder deny = PolicyStatement.Builder.create().sid("DenyExcludedTables" + (d++ == 0 ? "" : String.valueOf(d)))
                    .effect(Effect.DENY).actions(ROUTE_MUTATIONS)
                    .conditions(Map.of(operator, Map.of("aws:ResourceTag/" + exclusion.getKey(), exclusion.getValue())));
            if (facts.routeTableIds().isEmpty()) {
                deny.resources(List.of(ec2Arn(stack, "route-table", "*")));
            } else {
                deny.notResources(facts.routeTableIds().stream().map(id -> ec2Arn(stack, "route-table", id)).toList());
            }
            out.add(deny.build());
        }
        if (facts.fixesSourceDestCheck()) {
            // IAM cannot limit this call to the SourceDestCheck attribute: we found no condition key for
            // ModifyNetworkInterfaceAttribute that names the attribute and is verified present at evaluation (the
            // ec2:Attribute keys are documented for other Modify* actions, and reported absent at evaluation there).
            // The bound is ENIs in the configured VPC; docs/deploy.md "IAM" says so.
            out.add(statement("FixSourceDestCheck", List.of("ec2:ModifyNetworkInterfaceAttribute"),
                    List.of(ec2Arn(stack, "network-interface", "*")), Map.of("StringEquals", Map.of("ec2:Vpc", vpcArn))));
        }

        out.add(statement("StateTable", DYNAMODB_ACTIONS, List.of(tableArn, tableArn + "/index/*"), Map.of()));

        // GetMetricData has no resource-level permissions.
        out.add(statement("ReadHealthMetrics", List.of("cloudwatch:GetMetricData"), List.of("*"), Map.of()));
        // PutMetricData has no resource-level permissions either; the namespace condition is the bound.
        out.add(statement("PublishOwnMetrics", List.of("cloudwatch:PutMetricData"), List.of("*"),
                Map.of("StringEquals", Map.of("cloudwatch:namespace", Contract.METRIC_NAMESPACE))));

        List<String> alarms = new ArrayList<>();
        alarms.add(alarmArn(stack, alarmPrefix + "*"));
        facts.configAlarmNames().forEach(name -> alarms.add(alarmArn(stack, name)));
        out.add(statement("ReadCheckAlarms", List.of("cloudwatch:DescribeAlarms"), alarms, Map.of()));

        out.add(statement("EmitRouteFailoverEvents", List.of("events:PutEvents"),
                List.of(stack.formatArn(ArnComponents.builder().service("events").resource("event-bus")
                        .resourceName(Contract.EVENT_BUS).arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())),
                Map.of("StringEquals", Map.of("events:source", Contract.EVENT_SOURCE))));

        if (!asgNames.isEmpty()) {
            out.add(statement("CompleteTerminateLifecycle", List.of("autoscaling:CompleteLifecycleAction"),
                    asgNames.stream().map(name -> asgArn(stack, name)).toList(), Map.of()));
        }
        return out;
    }

    /**
     * The operator managed policy: invoke the operator alias (manual actions) and read the stack's outputs (how the
     * operator CLI finds the alias and table). Nothing on the event path: the event function's alias is not granted.
     */
    public static List<PolicyStatement> operatorStatements(Stack stack, String operatorAliasArn) {
        return List.of(
                statement("InvokeOperatorAlias", List.of("lambda:InvokeFunction"), List.of(operatorAliasArn), Map.of()),
                statement("ReadStackOutputs", List.of("cloudformation:DescribeStacks"),
                        List.of(stack.formatArn(ArnComponents.builder().service("cloudformation").resource("stack")
                                .resourceName(stack.getStackName() + "/*").arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build())),
                        Map.of()));
    }

    /** sts:AssumeRole on exactly the given roles: the member-account roles of a config's VPCs. */
    public static PolicyStatement assumeRoles(List<String> roleArns) {
        for (String arn : roleArns) {
            if (arn.contains("*") || arn.contains("?")) {
                throw new IllegalArgumentException("role ARN '" + arn + "' has a wildcard; name each member role exactly");
            }
        }
        return statement("AssumeMemberRoles", List.of("sts:AssumeRole"), roleArns, Map.of());
    }

    static String ec2Arn(Stack stack, String resource, String id) {
        return stack.formatArn(ArnComponents.builder().service("ec2").resource(resource).resourceName(id)
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME).build());
    }

    static String alarmArn(Stack stack, String name) {
        return stack.formatArn(ArnComponents.builder().service("cloudwatch").resource("alarm").resourceName(name)
                .arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    }

    static String asgArn(Stack stack, String name) {
        // The group's UUID is part of its ARN and unknown here; the name is the stable part.
        return stack.formatArn(ArnComponents.builder().service("autoscaling").resource("autoScalingGroup")
                .resourceName("*:autoScalingGroupName/" + name).arnFormat(ArnFormat.COLON_RESOURCE_NAME).build());
    }

    private static PolicyStatement statement(String sid, List<String> actions, List<String> resources,
                                             Map<String, ? extends Map<String, ?>> conditions) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions)
                .resources(resources);
        if (!conditions.isEmpty()) {
            Map<String, Object> c = new LinkedHashMap<>(conditions);
            b.conditions(c);
        }
        return b.build();
    }
}
