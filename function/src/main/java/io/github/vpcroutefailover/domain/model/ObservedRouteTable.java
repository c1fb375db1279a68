package io.github.vpcroutefailover.domain.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route table as observed in EC2.
 *
 * @param zone the single AZ of its associated subnets, or null when it has none or spans several
 *             (zone affinity then has nothing to prefer)
 */
public record ObservedRouteTable(String id, String vpcId, Map<String, String> tags, Set<String> subnetIds,
                                 boolean main, String zone, List<ObservedRoute> routes) {
    public ObservedRouteTable {
        tags = Map.copyOf(tags);
        subnetIds = Set.copyOf(subnetIds);
        routes = List.copyOf(routes);
    }

    public Optional<ObservedRoute> route(Destination destination) {
        return routes.stream().filter(r -> r.destination().equals(destination)).findFirst();
    }

    public Optional<String> zoneIfKnown() {
        return Optional.ofNullable(zone);
    }
}
