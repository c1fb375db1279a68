package io.github.vpcroutefailover.handler.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Turns an EventBridge envelope ({@code version, id, detail-type, source, time, region, resources, detail}) into a
 * {@link Trigger}, or refuses it with the field at fault. Pure: no AWS, no clock. Every text field we use is checked
 * by {@link InputPolicy} with the bound AWS gives it (names 255, ids 128, dimension values 1024).
 */
public final class EventParser {
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");
    /** Alarm, group, hook names: CloudWatch and Auto Scaling allow 255 characters. */
    private static final int MAX_NAME = 255;
    /** Event ids (UUIDs from EventBridge), lifecycle tokens (UUIDs), states: far less than this. */
    private static final int MAX_ID = 128;
    /** CloudWatch dimension values. */
    private static final int MAX_DIMENSION_VALUE = 1024;
    /** CloudWatch limits a metric to 30 dimensions. */
    private static final int MAX_DIMENSIONS = 30;
    /** An alarm's state reason is up to 1023 characters of CloudWatch's own text; kept, bounded, never refused for its characters. */
    private static final int MAX_ALARM_REASON = 1023;

    private EventParser() {
    }

    /** True when the JSON looks like an EventBridge event rather than a manual invoke. */
    public static boolean isEventBridgeEnvelope(JsonNode root) {
        return root != null && root.isObject() && root.has("detail-type") && root.has("source");
    }

    public static Trigger parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new BadRequestException("$", "expected a JSON object (an EventBridge event)");
        }
        String detailType = text(root, "detail-type", "", MAX_ID);
        String source = text(root, "source", "", MAX_NAME);
        String id = text(root, "id", "", MAX_ID);
        Instant time = instant(root, "time");
        JsonNode detail = root.get("detail");
        if (detail == null || !detail.isObject()) {
            throw new BadRequestException("detail", "missing or not an object; EventBridge events carry their payload in 'detail'");
        }
        return switch (source + "|" + detailType) {
            case "aws.events|Scheduled Event" -> new Trigger.Scheduled(id, time);
            case "aws.cloudwatch|CloudWatch Alarm State Change" -> alarm(id, time, detail);
            case "aws.ec2|EC2 Instance State-change Notification" ->
                    new Trigger.InstanceStateChange(id, time, instanceId(detail, "instance-id"), state(detail));
            case "aws.ec2|EC2 Spot Instance Interruption Warning" ->
                    new Trigger.SpotInterruption(id, time, instanceId(detail, "instance-id"), optional(detail, "instance-action", "terminate"));
            case "aws.ec2|EC2 Instance Rebalance Recommendation" ->
                    new Trigger.RebalanceRecommendation(id, time, instanceId(detail, "instance-id"));
            case "aws.autoscaling|EC2 Instance-terminate Lifecycle Action" -> new Trigger.LifecycleTerminate(id, time,
                    text(detail, "AutoScalingGroupName", "detail."), text(detail, "LifecycleHookName", "detail."),
                    text(detail, "LifecycleActionToken", "detail."), instanceId(detail, "EC2InstanceId"));
            default -> throw new BadRequestException("detail-type", "unsupported event " + InputPolicy.quote(detailType) + " from "
                    + InputPolicy.quote(source) + "; this function handles Scheduled Event (aws.events), CloudWatch Alarm State Change (aws.cloudwatch), "
                    + "EC2 Instance State-change Notification, EC2 Spot Instance Interruption Warning, "
                    + "EC2 Instance Rebalance Recommendation (aws.ec2) and EC2 Instance-terminate Lifecycle Action (aws.autoscaling)");
        };
    }

    private static Trigger alarm(String id, Instant time, JsonNode detail) {
        String alarmName = text(detail, "alarmName", "detail.", MAX_NAME);
        JsonNode state = detail.get("state");
        if (state == null || !state.isObject()) {
            throw new BadRequestException("detail.state", "missing; expected {\"value\": \"ALARM\"|\"OK\"|\"INSUFFICIENT_DATA\", ...}");
        }
        String value = text(state, "value", "detail.state.");
        if (!value.equals("ALARM") && !value.equals("OK") && !value.equals("INSUFFICIENT_DATA")) {
            throw new BadRequestException("detail.state.value", InputPolicy.quote(value) + " is not ALARM, OK or INSUFFICIENT_DATA");
        }
        JsonNode prev = detail.path("previousState").path("value");
        Map<String, String> dims = new LinkedHashMap<>();
        // Single-metric alarms carry the metric under configuration.metrics[0].metricStat.metric.dimensions.
        JsonNode metrics = detail.path("configuration").path("metrics");
        if (!metrics.isMissingNode() && !metrics.isArray()) {
            throw new BadRequestException("detail.configuration.metrics", "must be a list, as CloudWatch sends it");
        }
        for (int i = 0; i < metrics.size(); i++) {
            String at = "detail.configuration.metrics[" + i + "].metricStat.metric.dimensions";
            JsonNode d = metrics.get(i).path("metricStat").path("metric").path("dimensions");
            if (d.size() > MAX_DIMENSIONS) {
                throw new BadRequestException(at, "has " + d.size() + " dimensions; CloudWatch allows at most " + MAX_DIMENSIONS);
            }
            for (var it = d.fields(); it.hasNext(); ) {
                var e = it.next();
                String key = InputPolicy.eventText(at, e.getKey(), MAX_NAME);
                dims.put(key, text(d, key, at + ".", MAX_DIMENSION_VALUE));
            }
        }
        String reason = state.path("reason").asText("");
        return new Trigger.AlarmStateChange(id, time, alarmName, value, prev.isTextual() ? text(detail.path("previousState"), "value",
                "detail.previousState.", MAX_ID) : null, InputPolicy.bounded(reason, MAX_ALARM_REASON), dims);
    }

    private static String state(JsonNode detail) {
        String state = text(detail, "state", "detail.", MAX_ID);
        return switch (state) {
            case "pending", "running", "stopping", "stopped", "shutting-down", "terminated" -> state;
            default -> throw new BadRequestException("detail.state", InputPolicy.quote(state)
                    + " is not an EC2 instance state (pending, running, stopping, stopped, shutting-down, terminated)");
        };
    }

    private static String instanceId(JsonNode detail, String field) {
        String id = text(detail, field, "detail.", MAX_ID);
        if (!INSTANCE_ID.matcher(id).matches()) {
            throw new BadRequestException("detail." + field, InputPolicy.quote(id) + " is not an instance id (i- followed by 8 or 17 hex digits)");
        }
        return id;
    }

    private static String text(JsonNode node, String field, String prefix) {
        return text(node, field, prefix, MAX_NAME);
    }

    /** A required string: present, a string, and clean under {@link InputPolicy} within {@code max} characters. */
    private static String text(JsonNode node, String field, String prefix, int max) {
        JsonNode v = node.get(field);
        String where = prefix + InputPolicy.key(field);
        if (v == null || v.isNull()) {
            throw new BadRequestException(where, "missing");
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequestException(where, "must be a non-empty string");
        }
        return InputPolicy.eventText(where, v.asText(), max);
    }

    private static String optional(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() ? text(node, field, "detail.", MAX_ID) : fallback;
    }

    private static Instant instant(JsonNode node, String field) {
        String t = text(node, field, "", InputPolicy.MAX_TIME_CHARS);
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            throw new BadRequestException(field, InputPolicy.quote(t) + " is not an ISO-8601 UTC time like 2026-11-21T16:34:00Z");
        }
    }
}
