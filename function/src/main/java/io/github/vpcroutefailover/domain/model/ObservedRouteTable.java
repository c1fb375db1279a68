package io.github.vpcroutefailover.domain.model;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A route table as observed: a VPC route table (EC2), possibly edge-associated with gateways, or a transit gateway
 * route table.
 *
 * @param vpcId          the VPC of a VPC route table; null for a transit gateway route table (it belongs to no VPC)
 * @param zone           the single AZ of its associated subnets, or null when it has none or spans several
 *                       (zone affinity then has nothing to prefer)
 * @param edgeGatewayIds internet or virtual private gateways the table is edge-associated with (a gateway, or
 *                       "ingress", route table); empty for subnet tables and transit gateway tables
 * @param subnetCidrs    for an edge-associated table: the CIDR blocks of the VPC's subnets, the only destinations
 *                       besides the VPC's own blocks that AWS accepts there; empty otherwise
 */
public record ObservedRouteTable(String id, String vpcId, Map<String, String> tags, Set<String> subnetIds,
                                 boolean main, String zone, List<ObservedRoute> routes, Set<String> edgeGatewayIds,
                                 Set<Destination> subnetCidrs) {
    /** Transit gateway route table ids; VPC route tables are "rtb-", so their route keys can never collide. */
    public static final String TGW_TABLE_PREFIX = "tgw-rtb-";

    public ObservedRouteTable {
        tags = Map.copyOf(tags);
        subnetIds = Set.copyOf(subnetIds);
        routes = List.copyOf(routes);
        edgeGatewayIds = Set.copyOf(edgeGatewayIds);
        subnetCidrs = Set.copyOf(subnetCidrs);
    }

    /** A subnet (or main) route table with no edge association. */
    public ObservedRouteTable(String id, String vpcId, Map<String, String> tags, Set<String> subnetIds,
                              boolean main, String zone, List<ObservedRoute> routes) {
        this(id, vpcId, tags, subnetIds, main, zone, routes, Set.of(), Set.of());
    }

    /** A transit gateway route table: no VPC, subnets, zone or edge associations. */
    public static ObservedRouteTable transitGateway(String id, Map<String, String> tags, List<ObservedRoute> routes) {
        return new ObservedRouteTable(id, null, tags, Set.of(), false, null, routes);
    }

    /** The same table with other routes (everything else kept, edge associations included). */
    public ObservedRouteTable withRoutes(List<ObservedRoute> newRoutes) {
        return new ObservedRouteTable(id, vpcId, tags, subnetIds, main, zone, newRoutes, edgeGatewayIds, subnetCidrs);
    }

    public static boolean isTransitGatewayTableId(String id) {
        return id != null && id.startsWith(TGW_TABLE_PREFIX);
    }

    public boolean transitGateway() {
        return isTransitGatewayTableId(id);
    }

    /** Edge-associated with an internet or virtual private gateway: AWS restricts its routes (see EdgeTableRules). */
    public boolean edge() {
        return !edgeGatewayIds.isEmpty();
    }

    public Optional<ObservedRoute> route(Destination destination) {
        return routes.stream().filter(r -> r.destination().equals(destination) && !r.overridable()).findFirst();
    }

    public Optional<String> zoneIfKnown() {
        return Optional.ofNullable(zone);
    }
}
