package io.github.vpcroutefailover.domain.model;

/**
 * One route as DescribeRouteTables reported it.
 *
 * @param destination the route's destination
 * @param target      its next hop, or null when EC2 reports none we understand
 * @param blackhole   EC2 state "blackhole": the next hop is gone (stopped instance, deleted ENI)
 * @param origin      "CreateRoute", "CreateRouteTable" (the local route) or "EnableVgwRoutePropagation"
 */
public record ObservedRoute(Destination destination, RouteTarget target, boolean blackhole, String origin) {
    /** The VPC's own local route, and propagated routes, are never ours to change. */
    public boolean isImmutable() {
        return "CreateRouteTable".equals(origin) || "EnableVgwRoutePropagation".equals(origin)
                || (target != null && target.kind() == TargetKind.GATEWAY && "local".equals(target.id()));
    }
}
