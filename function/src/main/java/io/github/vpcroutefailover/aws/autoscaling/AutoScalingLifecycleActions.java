package io.github.vpcroutefailover.aws.autoscaling;

import io.github.vpcroutefailover.ports.LifecycleActions;
import java.util.Objects;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;

/** {@code CompleteLifecycleAction} with result CONTINUE. */
public final class AutoScalingLifecycleActions implements LifecycleActions {
    private final AutoScalingClient autoScaling;

    public AutoScalingLifecycleActions(AutoScalingClient autoScaling) {
        this.autoScaling = Objects.requireNonNull(autoScaling, "autoScaling");
    }

    @Override
    public void completeTerminate(String group, String hook, String token, String instanceId) {
        autoScaling.completeLifecycleAction(r -> r.autoScalingGroupName(group).lifecycleHookName(hook)
                .lifecycleActionToken(token).instanceId(instanceId).lifecycleActionResult("CONTINUE"));
    }
}
