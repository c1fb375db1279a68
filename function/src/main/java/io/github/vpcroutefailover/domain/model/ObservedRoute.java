package io.github.vpcroutefailover.domain.model;

/**
 * One route as DescribeRouteTables reported it.
 *
 * @param destination the route's destination
 * @param target      its next hop, or null when EC2 reports none we understand
 * @param blackhole   EC2 state "blackhole": the next hop is gone (stopped instance, deleted ENI)
 * @param origin      "CreateRoute", "CreateRouteTable" (the local route) or "EnableVgwRoutePropagation"; for a transit
 *                    gateway route table the route's type, {@link #TGW_STATIC} or {@link #TGW_PROPAGATED}
 */
public record ObservedRoute(Destination destination, RouteTarget target, boolean blackhole, String origin) {
    /** A static route of a transit gateway route table (the only kind we ever write there). */
    public static final String TGW_STATIC = "static";
    /** A route a transit gateway attachment propagated: the attachment owns it, we never change it. */
    public static final String TGW_PROPAGATED = "propagated";

    /**
     * A propagated transit gateway route: a static route to the same destination overrides it, so for planning the
     * destination counts as having no route of ours yet (failover writes the static override; withdrawing deletes
     * only that, and the propagation takes over again).
     */
    public boolean overridable() {
        return TGW_PROPAGATED.equals(origin);
    }

    /** The VPC's own local route, and propagated routes (VGW or transit gateway), are never ours to change. */
    public boolean isImmutable() {
        return "CreateRouteTable".equals(origin) || "EnableVgwRoutePropagation".equals(origin) || TGW_PROPAGATED.equals(origin)
                || (target != null && target.kind() == TargetKind.GATEWAY && "local".equals(target.id()));
    }
}
