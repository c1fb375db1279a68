package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything the planner decides on; it reads nothing else (no clock, no AWS), so the same input always yields
 * the same plan.
 *
 * @param config       file config plus any routes registered at runtime
 * @param tables       every route table of the VPC
 * @param instances    instances that configured targets name or whose tags match a tag-discovered target
 * @param enis         ENIs named by ENI targets
 * @param targetStates health/drain state per target key, after this invocation's observations were applied
 * @param ownership    ownership records per managed route
 * @param now          the time of this reconcile
 * @param claimLease   how long a PENDING claim blocks others before it counts as abandoned
 */
public record PlanInput(FailoverConfig config, List<ObservedRouteTable> tables, List<ObservedInstance> instances,
                        List<ObservedEni> enis, Map<String, TargetState> targetStates, Map<RouteKey, Ownership> ownership,
                        Instant now, Duration claimLease) {
    public PlanInput {
        tables = List.copyOf(tables);
        instances = List.copyOf(instances);
        enis = List.copyOf(enis);
        targetStates = Map.copyOf(targetStates);
        ownership = Map.copyOf(ownership);
    }
}
