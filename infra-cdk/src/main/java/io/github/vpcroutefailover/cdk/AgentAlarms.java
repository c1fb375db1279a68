package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.IAlarm;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.constructs.Construct;

/**
 * The alarms on what the agents publish (docs/agent.md "Metric contract"), all named with the alarm prefix so the
 * alarm rule delivers their state changes to the event function and IAM lets it read them:
 * <ul>
 *   <li>one per (instance, agent check): {@code <prefix><target>-<check>} on CheckResult;</li>
 *   <li>one Draining alarm per agent instance: {@code <prefix><target>--draining}, Maximum of Draining &gt;= 1 in one
 *       10 s period, so a SIGTERM drain (the agent's final Draining=1) reaches the controller within seconds
 *       instead of at the next schedule or after CheckResult goes stale;</li>
 *   <li>one Heartbeat alarm per agent instance: {@code <prefix><target>--heartbeat}, missing Heartbeat is breaching,
 *       over the instance's longest staleness window: a stopped agent.</li>
 * </ul>
 * The double hyphen keeps the agent-level names apart from {@code <target>-<check>}: a check name cannot start with
 * a hyphen, so the controller's naming rule never reads them as a check alarm; it maps them by their InstanceId
 * dimension and reconciles on the Draining and CheckResult metrics it reads itself.
 */
public final class AgentAlarms extends Construct {
    public static final String DRAINING_SUFFIX = "--draining";
    public static final String HEARTBEAT_SUFFIX = "--heartbeat";

    private final List<IAlarm> alarms = new ArrayList<>();

    AgentAlarms(Construct scope, String id, String alarmPrefix, ConfigFacts facts) {
        super(scope, id);
        Duration period = Duration.seconds((int) ConfigFacts.AGENT_ALARM_PERIOD.toSeconds());
        Set<String> names = new HashSet<>();
        for (ConfigFacts.AgentAlarm a : facts.agentAlarms()) {
            Metric metric = Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(Contract.METRIC_CHECK_RESULT)
                    .dimensionsMap(Map.of("InstanceId", a.instanceId(), "Check", a.agentCheck()))
                    .statistic("Minimum").period(period).build();
            String name = alarmPrefix + a.targetName() + "-" + a.checkName();
            names.add(name);
            alarms.add(Alarm.Builder.create(this, "AgentAlarm-" + a.targetName() + "-" + a.checkName())
                    .alarmName(name)
                    .alarmDescription("Agent check " + a.agentCheck() + " on " + a.targetName() + " (" + a.instanceId()
                            + "); its state changes drive failover")
                    .metric(metric)
                    .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                    .threshold(1)
                    .evaluationPeriods(a.evaluationPeriods())
                    .datapointsToAlarm(a.evaluationPeriods())
                    // A silent agent is a dead agent (or a dead instance).
                    .treatMissingData(TreatMissingData.BREACHING)
                    .build());
        }
        for (Map.Entry<String, AgentHost> e : hosts(facts).entrySet()) {
            String target = e.getKey();
            AgentHost host = e.getValue();
            Map<String, String> dims = Map.of("InstanceId", host.instanceId(), "Check", Contract.AGENT_CHECK);
            String draining = alarmPrefix + target + DRAINING_SUFFIX;
            String heartbeat = alarmPrefix + target + HEARTBEAT_SUFFIX;
            if (names.contains(draining) || names.contains(heartbeat)) {
                // Defensive: unreachable with valid check names, but two alarms with one name would fail the deploy late.
                throw new IllegalArgumentException("alarm name " + draining + " or " + heartbeat + " collides with an agent check alarm; rename the target " + target);
            }
            alarms.add(Alarm.Builder.create(this, "Draining-" + target)
                    .alarmName(draining)
                    .alarmDescription("The agent on " + target + " (" + host.instanceId() + ") is draining (SIGTERM or maintenance "
                            + "file): its routes move at once")
                    .metric(Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(Contract.METRIC_DRAINING)
                            .dimensionsMap(dims).statistic("Maximum").period(period).build())
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .threshold(1)
                    .evaluationPeriods(1)
                    .datapointsToAlarm(1)
                    // Silence is the Heartbeat alarm's business; a missing Draining datum must not look like a drain.
                    .treatMissingData(TreatMissingData.NOT_BREACHING)
                    .build());
            alarms.add(Alarm.Builder.create(this, "Heartbeat-" + target)
                    .alarmName(heartbeat)
                    .alarmDescription("The agent on " + target + " (" + host.instanceId() + ") stopped publishing")
                    .metric(Metric.Builder.create().namespace(Contract.METRIC_NAMESPACE).metricName(Contract.METRIC_HEARTBEAT)
                            .dimensionsMap(dims).statistic("Minimum").period(period).build())
                    .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD)
                    .threshold(1)
                    .evaluationPeriods(host.evaluationPeriods())
                    .datapointsToAlarm(host.evaluationPeriods())
                    .treatMissingData(TreatMissingData.BREACHING)
                    .build());
        }
    }

    /** An instance target that runs the agent (has an agent check and a known id). */
    record AgentHost(String instanceId, int evaluationPeriods) {
    }

    /** Agent hosts by target name, in config order; the window is the longest of the target's agent checks. */
    static Map<String, AgentHost> hosts(ConfigFacts facts) {
        Map<String, AgentHost> out = new LinkedHashMap<>();
        for (ConfigFacts.AgentAlarm a : facts.agentAlarms()) {
            out.merge(a.targetName(), new AgentHost(a.instanceId(), a.evaluationPeriods()),
                    (x, y) -> new AgentHost(x.instanceId(), Math.max(x.evaluationPeriods(), y.evaluationPeriods())));
        }
        return out;
    }

    public List<IAlarm> alarms() {
        return List.copyOf(alarms);
    }
}
