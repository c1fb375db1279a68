package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.ports.Instances;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@link Instances} of a unit-test fake whose config names instances by id only: no tag search, no ENI targets,
 * nothing impaired. The fake supplies {@link #describeInstances} and its source/dest check policy.
 */
interface InstancesById extends Instances {
    @Override
    default List<ObservedInstance> findInstances(String vpcId, Map<String, String> tags) {
        return List.of();
    }

    @Override
    default List<ObservedEni> describeEnis(Collection<String> ids) {
        return List.of();
    }

    @Override
    default Set<String> impairedInstances(Collection<String> ids) {
        return Set.of();
    }
}
