package io.github.vpcroutefailover.handler.event;

import java.time.Instant;
import java.util.Map;

/**
 * An EventBridge event we act on, reduced to what matters. Events only say "look now": every trigger leads to a
 * reconcile that decides on the current observed state, so a duplicate or an out-of-order event (an old
 * {@code running} after a newer {@code stopped}) cannot undo a failover.
 */
public sealed interface Trigger {
    /** EventBridge's event id, for logs and de-duplication hints. */
    String eventId();

    Instant time();

    /** {@code Scheduled Event}: full reconcile, including fail-back. */
    record Scheduled(String eventId, Instant time) implements Trigger {
    }

    /**
     * {@code CloudWatch Alarm State Change}. {@code dimensions} are those of the alarm's single metric (if any),
     * which is how an alarm maps to a target: {@code InstanceId} names the instance.
     */
    record AlarmStateChange(String eventId, Instant time, String alarmName, String state, String previousState,
                            String reason, Map<String, String> dimensions) implements Trigger {
        public AlarmStateChange {
            dimensions = Map.copyOf(dimensions);
        }
    }

    /** {@code EC2 Instance State-change Notification}. */
    record InstanceStateChange(String eventId, Instant time, String instanceId, String state) implements Trigger {
        /** States in which the instance stops forwarding: fail its routes over at once. */
        public boolean goingAway() {
            return switch (state) {
                case "stopping", "stopped", "shutting-down", "terminated" -> true;
                default -> false;
            };
        }
    }

    /** {@code EC2 Spot Instance Interruption Warning}: about two minutes before the instance goes. */
    record SpotInterruption(String eventId, Instant time, String instanceId, String instanceAction) implements Trigger {
    }

    /** {@code EC2 Instance Rebalance Recommendation}: elevated interruption risk; move routes away early. */
    record RebalanceRecommendation(String eventId, Instant time, String instanceId) implements Trigger {
    }

    /** Auto Scaling {@code EC2 Instance-terminate Lifecycle Action}: move routes, then complete the action. */
    record LifecycleTerminate(String eventId, Instant time, String autoScalingGroupName, String lifecycleHookName,
                              String lifecycleActionToken, String instanceId) implements Trigger {
    }
}
