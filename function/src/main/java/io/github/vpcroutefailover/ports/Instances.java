package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** EC2 instances and network interfaces that route targets resolve to. */
public interface Instances {

    /** The given instances (any state); ids EC2 does not know are simply absent from the result. One batched call. */
    List<ObservedInstance> describeInstances(Collection<String> instanceIds);

    /** Non-terminated instances of the VPC whose tags contain all of {@code tags}. */
    List<ObservedInstance> findInstances(String vpcId, Map<String, String> tags);

    /** The given network interfaces; unknown ids are absent from the result. One batched call. */
    List<ObservedEni> describeEnis(Collection<String> eniIds);

    /** Those of the given instances whose system or instance status check is impaired. */
    Set<String> impairedInstances(Collection<String> instanceIds);

    /**
     * Turns source/destination checking off on an ENI, so that it may forward traffic it did not originate.
     *
     * @param dryRun send EC2 {@code DryRun=true}: validates the permission, changes nothing
     * @return true when the call was made (or would have been, in a dry run); false when the check was already off
     */
    boolean disableSourceDestCheck(String eniId, boolean dryRun);
}
