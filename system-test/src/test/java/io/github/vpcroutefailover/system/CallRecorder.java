package io.github.vpcroutefailover.system;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.autoscaling.model.CompleteLifecycleActionRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.PutMetricDataRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;
import software.amazon.awssdk.services.ec2.model.CreateRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteRouteRequest;
import software.amazon.awssdk.services.ec2.model.ModifyNetworkInterfaceAttributeRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceRouteRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * Records every AWS call a component's SDK clients make, as the IAM request it is: the action, each resource ARN
 * it touches and the condition keys IAM would evaluate. Route-table tags and the VPC are resolved later
 * ({@link IamCoverage}), from the emulator, as IAM would read them at call time.
 */
final class CallRecorder implements ExecutionInterceptor {
    /** One IAM request. {@code routeTableId}/{@code eniId} are resolved to tag and VPC conditions later. */
    record Call(String component, String action, String resource, Map<String, String> context, String routeTableId, String eniId) {
    }

    private final String component;
    private final String region;
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    CallRecorder(String component, String region) {
        this.component = component;
        this.region = region;
    }

    List<Call> calls() {
        return List.copyOf(calls);
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        calls.addAll(toIam(service, operation, context.request()));
    }

    private List<Call> toIam(String service, String operation, SdkRequest request) {
        String prefix = switch (service) {
            case "Ec2" -> "ec2";
            case "DynamoDb" -> "dynamodb";
            case "CloudWatch" -> "cloudwatch";
            case "EventBridge" -> "events";
            case "AutoScaling" -> "autoscaling";
            default -> throw new AssertionError("a component called a service this recorder does not map: " + service + "." + operation);
        };
        String action = prefix + ":" + operation;
        List<Call> out = new ArrayList<>();
        switch (request) {
            case CreateRouteRequest r -> out.add(routeCall(action, r.routeTableId()));
            case ReplaceRouteRequest r -> out.add(routeCall(action, r.routeTableId()));
            case DeleteRouteRequest r -> out.add(routeCall(action, r.routeTableId()));
            case ModifyNetworkInterfaceAttributeRequest r -> out.add(new Call(component, action,
                    arn("ec2", "network-interface/" + r.networkInterfaceId()), Map.of(), null, r.networkInterfaceId()));
            case GetItemRequest r -> out.add(table(action, r.tableName(), null));
            case PutItemRequest r -> out.add(table(action, r.tableName(), null));
            case UpdateItemRequest r -> out.add(table(action, r.tableName(), null));
            case DeleteItemRequest r -> out.add(table(action, r.tableName(), null));
            case QueryRequest r -> out.add(table(action, r.tableName(), r.indexName()));
            case BatchGetItemRequest r -> r.requestItems().keySet().forEach(t -> out.add(table(action, t, null)));
            case BatchWriteItemRequest r -> r.requestItems().keySet().forEach(t -> out.add(table(action, t, null)));
            case TransactWriteItemsRequest r -> {
                // IAM authorizes each item's own action (PutItem, UpdateItem, ...) on its table.
                for (TransactWriteItem i : r.transactItems()) {
                    if (i.put() != null) {
                        out.add(table("dynamodb:PutItem", i.put().tableName(), null));
                    } else if (i.update() != null) {
                        out.add(table("dynamodb:UpdateItem", i.update().tableName(), null));
                    } else if (i.delete() != null) {
                        out.add(table("dynamodb:DeleteItem", i.delete().tableName(), null));
                    } else if (i.conditionCheck() != null) {
                        out.add(table("dynamodb:ConditionCheckItem", i.conditionCheck().tableName(), null));
                    }
                }
            }
            case DescribeAlarmsRequest r -> {
                if (r.alarmNames().isEmpty()) {
                    out.add(new Call(component, action, "*", Map.of(), null, null));
                } else {
                    r.alarmNames().forEach(n -> out.add(new Call(component, action, arn("cloudwatch", "alarm:" + n),
                            Map.of(), null, null)));
                }
            }
            case PutMetricDataRequest r -> out.add(new Call(component, action, "*", Map.of("cloudwatch:namespace", r.namespace()), null, null));
            case PutEventsRequest r -> {
                for (PutEventsRequestEntry e : r.entries()) {
                    String bus = e.eventBusName() == null || e.eventBusName().isBlank() ? "default" : e.eventBusName();
                    String busArn = bus.startsWith("arn:") ? bus : "arn:aws:events:" + region + ":" + DeployedStack.ACCOUNT + ":event-bus/" + bus;
                    out.add(new Call(component, action, busArn, Map.of("events:source", e.source()), null, null));
                }
            }
            case CompleteLifecycleActionRequest r -> out.add(new Call(component, action, "arn:aws:autoscaling:" + region + ":"
                    + DeployedStack.ACCOUNT + ":autoScalingGroup:*:autoScalingGroupName/" + r.autoScalingGroupName(), Map.of(), null, null));
            // Describe*/List*/GetMetricData and the like: IAM does not scope these to a resource.
            default -> out.add(new Call(component, action, "*", Map.of(), null, null));
        }
        return out;
    }

    private Call routeCall(String action, String routeTableId) {
        return new Call(component, action, arn("ec2", "route-table/" + routeTableId), new LinkedHashMap<>(), routeTableId, null);
    }

    private Call table(String action, String table, String index) {
        String arn = arn("dynamodb", "table/" + table) + (index == null ? "" : "/index/" + index);
        return new Call(component, action, arn, Map.of(), null, null);
    }

    private String arn(String service, String resource) {
        return "arn:aws:" + service + ":" + region + ":" + DeployedStack.ACCOUNT + ":" + resource;
    }
}
