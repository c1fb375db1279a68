package io.github.vpcroutefailover.system;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.testsupport.LocalAws;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * CloudWatch alarms as the deployed stack defines them. moto's CloudFormation does not create
 * {@code AWS::CloudWatch::Alarm}, and moto does not evaluate alarms; so the agent alarms are created from the
 * template's own properties (PutMetricAlarm, as CloudFormation would), and an alarm's evaluation is done here from
 * the datapoints the agent published, with the alarm's statistic, period, threshold and comparison. The state
 * change event is the one CloudWatch sends to EventBridge (shape: events/aws.cloudwatch-alarm-state-change-alarm.json).
 */
final class AlarmEmulator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LocalAws aws;
    private final DeployedStack stack;

    AlarmEmulator(LocalAws aws, DeployedStack stack) {
        this.aws = aws;
        this.stack = stack;
    }

    /** Every alarm on the agents' namespace, created with the template's properties. */
    void createFromTemplate() {
        for (JsonNode alarm : agentAlarms()) {
            JsonNode p = alarm.get("Properties");
            aws.cloudWatch().putMetricAlarm(r -> r.alarmName(p.get("AlarmName").asText()).namespace(p.get("Namespace").asText())
                    .metricName(p.get("MetricName").asText()).statistic(p.get("Statistic").asText()).period(p.get("Period").asInt())
                    .evaluationPeriods(p.get("EvaluationPeriods").asInt()).datapointsToAlarm(p.path("DatapointsToAlarm").asInt(p.get("EvaluationPeriods").asInt()))
                    .threshold(p.get("Threshold").asDouble()).comparisonOperator(p.get("ComparisonOperator").asText())
                    .treatMissingData(p.path("TreatMissingData").asText("missing"))
                    .dimensions(dimensions(p).entrySet().stream().map(e -> Dimension.builder().name(e.getKey()).value(e.getValue()).build()).toList()));
        }
    }

    /** The template's alarms on CheckResult/Draining/Heartbeat (the agents' metrics). */
    List<JsonNode> agentAlarms() {
        List<JsonNode> out = new ArrayList<>();
        for (String id : stack.logicalIds("AWS::CloudWatch::Alarm")) {
            JsonNode p = stack.resource(id).get("Properties");
            if (p.path("Namespace").isTextual() && p.path("MetricName").isTextual() && p.path("AlarmName").isTextual()
                    && List.of("CheckResult", "Draining", "Heartbeat").contains(p.get("MetricName").asText())) {
                out.add(stack.resource(id));
            }
        }
        return out;
    }

    JsonNode agentAlarmFor(String instanceId, String check) {
        return agentAlarms().stream().filter(a -> instanceId.equals(dimensions(a.get("Properties")).get("InstanceId"))
                && check.equals(dimensions(a.get("Properties")).get("Check"))).findFirst().orElse(null);
    }

    /**
     * Evaluates the Draining alarms of an instance on the agent's datapoints; each one that breaches goes to ALARM and
     * its state change event is returned. When the template has no Draining alarm, the list is empty.
     */
    List<JsonNode> evaluateDraining(String instanceId) {
        List<JsonNode> events = new ArrayList<>();
        for (JsonNode alarm : agentAlarms()) {
            JsonNode p = alarm.get("Properties");
            Map<String, String> dims = dimensions(p);
            if (!"Draining".equals(p.get("MetricName").asText()) || !instanceId.equals(dims.get("InstanceId"))) {
                continue;
            }
            int window = p.get("Period").asInt() * p.get("EvaluationPeriods").asInt();
            List<Double> values = values(aws.cloudWatch(), "Draining", instanceId, dims.getOrDefault("Check", "agent"),
                    Statistic.fromValue(p.get("Statistic").asText()), window);
            double threshold = p.get("Threshold").asDouble();
            ComparisonOperator op = ComparisonOperator.fromValue(p.get("ComparisonOperator").asText());
            boolean breaching = values.stream().anyMatch(v -> switch (op) {
                case GREATER_THAN_OR_EQUAL_TO_THRESHOLD -> v >= threshold;
                case GREATER_THAN_THRESHOLD -> v > threshold;
                case LESS_THAN_THRESHOLD -> v < threshold;
                case LESS_THAN_OR_EQUAL_TO_THRESHOLD -> v <= threshold;
                default -> throw new AssertionError("comparison " + op + " not emulated");
            });
            if (!breaching) {
                continue;
            }
            String name = p.get("AlarmName").asText();
            aws.cloudWatch().setAlarmState(r -> r.alarmName(name).stateValue(StateValue.ALARM).stateReason("Threshold Crossed (system test)"));
            events.add(stateChange(name, p, dims));
        }
        return events;
    }

    /**
     * The Draining alarm docs/agent.md defines ({@code Maximum >= 1}, one 10 s period), for a template that does not
     * have one yet: evaluated and delivered the same way as a template alarm.
     */
    List<JsonNode> evaluateDocumentedDraining(String instanceId, String alarmPrefix) {
        ObjectNode p = JSON.createObjectNode().put("AlarmName", alarmPrefix + "draining-" + instanceId).put("Namespace", "VpcRouteFailover")
                .put("MetricName", "Draining").put("Statistic", "Maximum").put("Period", 10).put("EvaluationPeriods", 1)
                .put("Threshold", 1).put("ComparisonOperator", "GreaterThanOrEqualToThreshold");
        p.putArray("Dimensions").add(JSON.createObjectNode().put("Name", "InstanceId").put("Value", instanceId))
                .add(JSON.createObjectNode().put("Name", "Check").put("Value", "agent"));
        List<Double> values = values(aws.cloudWatch(), "Draining", instanceId, "agent", Statistic.MAXIMUM, 10);
        return values.stream().anyMatch(v -> v >= 1) ? List.of(stateChange(p.get("AlarmName").asText(), p, dimensions(p))) : List.of();
    }

    private static JsonNode stateChange(String name, JsonNode p, Map<String, String> dims) {
        ObjectNode e = DeployedStackIT.EventBus.envelope("aws.cloudwatch", "CloudWatch Alarm State Change");
        e.putArray("resources").add("arn:aws:cloudwatch:us-east-1:" + DeployedStack.ACCOUNT + ":alarm:" + name);
        ObjectNode d = e.putObject("detail");
        d.put("alarmName", name);
        d.putObject("state").put("value", "ALARM").put("reason", "Threshold Crossed").put("timestamp", Instant.now().toString());
        d.putObject("previousState").put("value", "OK").put("reason", "").put("timestamp", Instant.now().minusSeconds(60).toString());
        ObjectNode metric = d.putObject("configuration").putArray("metrics").addObject().put("id", "m1").put("returnData", true)
                .putObject("metricStat");
        metric.put("period", p.get("Period").asInt()).put("stat", p.get("Statistic").asText());
        ObjectNode m = metric.putObject("metric").put("namespace", p.get("Namespace").asText()).put("name", p.get("MetricName").asText());
        ObjectNode dd = m.putObject("dimensions");
        dims.forEach(dd::put);
        return e;
    }

    static Map<String, String> dimensions(JsonNode properties) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        properties.path("Dimensions").forEach(d -> out.put(d.get("Name").asText(), d.get("Value").asText()));
        return out;
    }

    /** Datapoints of one agent series over the last {@code seconds}, at 1 s resolution. */
    static List<Double> values(CloudWatchClient cw, String metric, String instanceId, String check, Statistic stat, int seconds) {
        Instant now = Instant.now();
        List<MetricDataResult> results = cw.getMetricData(r -> r.startTime(now.minusSeconds(seconds)).endTime(now.plusSeconds(1))
                .metricDataQueries(q -> q.id("q").returnData(true).metricStat(s -> s.period(1).stat(stat.toString())
                        .metric(m -> m.namespace("VpcRouteFailover").metricName(metric).dimensions(
                                Dimension.builder().name("InstanceId").value(instanceId).build(),
                                Dimension.builder().name("Check").value(check).build()))))).metricDataResults();
        return results.isEmpty() ? List.of() : results.get(0).values();
    }
}
