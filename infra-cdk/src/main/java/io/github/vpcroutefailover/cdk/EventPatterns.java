package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code detail} parts of our EventBridge patterns, narrowed to what we manage wherever a pattern can say so.
 * Returned as plain maps so tests can feed them to Event Ruler without a synth.
 */
public final class EventPatterns {
    private EventPatterns() {
    }

    public static final String ALARM_DETAIL_TYPE = "CloudWatch Alarm State Change";
    public static final String EC2_STATE_DETAIL_TYPE = "EC2 Instance State-change Notification";
    public static final String SPOT_DETAIL_TYPE = "EC2 Spot Instance Interruption Warning";
    public static final String REBALANCE_DETAIL_TYPE = "EC2 Instance Rebalance Recommendation";
    public static final String LIFECYCLE_TERMINATE_DETAIL_TYPE = "EC2 Instance-terminate Lifecycle Action";

    /**
     * States that change whether an instance can carry a route: going away (stopping, shutting-down, stopped,
     * terminated) triggers failover at once; running lets a recovered instance take routes back.
     */
    public static final List<String> EC2_STATES = List.of("running", "stopping", "stopped", "shutting-down", "terminated");

    /** Our agent alarms by prefix, plus the user alarms that {@code type: alarm} checks name exactly. */
    public static Map<String, Object> alarmDetail(String alarmPrefix, List<String> configAlarmNames) {
        List<Object> names = new ArrayList<>();
        names.add(Map.of("prefix", alarmPrefix));
        configAlarmNames.stream().filter(n -> !n.startsWith(alarmPrefix)).forEach(names::add);
        return Map.of("alarmName", names);
    }

    /**
     * EC2 state changes for the instances we manage. With tag-discovered targets the set of instances is only
     * known at run time and a pattern cannot match on tags, so the rule takes those states for every instance
     * and the controller ignores the rest.
     */
    public static Map<String, Object> ec2StateDetail(ConfigFacts facts) {
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("state", EC2_STATES);
        if (facts.instancesFullyKnown()) {
            detail.put("instance-id", facts.instanceIds());
        }
        return detail;
    }

    /** Spot interruption and rebalance: the managed instances when known, else (tag targets) any instance. */
    public static Map<String, Object> instanceDetail(ConfigFacts facts) {
        if (facts.instancesFullyKnown()) {
            return Map.of("instance-id", facts.instanceIds());
        }
        return Map.of("instance-id", List.of(Map.of("prefix", "i-")));
    }

    public static Map<String, Object> lifecycleDetail(List<String> asgNames) {
        return Map.of("AutoScalingGroupName", asgNames);
    }

    /** True when the config has instance targets at all; gateway-only configs need no EC2 rules. */
    public static boolean hasInstanceTargets(ConfigFacts facts) {
        return !facts.instanceIds().isEmpty() || !facts.runtimeResolvedTargets().isEmpty();
    }
}
