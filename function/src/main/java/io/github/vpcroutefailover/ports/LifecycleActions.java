package io.github.vpcroutefailover.ports;

/** Auto Scaling lifecycle hooks: lets a terminating instance go once its routes have moved. */
public interface LifecycleActions {

    void completeTerminate(String autoScalingGroupName, String lifecycleHookName, String lifecycleActionToken, String instanceId);
}
