package io.github.vpcroutefailover.domain.model;

import java.util.Objects;

/**
 * The next hop of a route. For instance targets EC2 reports both the instance and the ENI it resolved to;
 * we write routes to ENIs (CreateRoute with an instance id fails for multi-ENI instances) and so compare by ENI
 * when both sides know it, else by instance.
 *
 * @param kind        what kind of next hop this is
 * @param id          the id written to the route: the ENI id for instance and ENI targets, else the gateway id
 * @param instanceId  the instance behind the ENI, or null when not an instance (or unknown)
 */
public record RouteTarget(TargetKind kind, String id, String instanceId) {
    public RouteTarget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
    }

    public static RouteTarget eni(String eniId, String instanceId) {
        return new RouteTarget(instanceId == null ? TargetKind.NETWORK_INTERFACE : TargetKind.INSTANCE, eniId, instanceId);
    }

    public static RouteTarget gateway(TargetKind kind, String id) {
        return new RouteTarget(kind, id, null);
    }

    /** True when both refer to the same next hop, however EC2 happened to report it. */
    public boolean sameHopAs(RouteTarget other) {
        if (other == null) {
            return false;
        }
        if (id.equals(other.id)) {
            return true;
        }
        // Two different ENIs are different hops even on one instance (a multi-ENI appliance routes per leg);
        // only when one side knows just the instance do we compare by instance.
        if (id.startsWith("eni-") && other.id.startsWith("eni-")) {
            return false;
        }
        return instanceId != null && instanceId.equals(other.instanceId);
    }

    /** The stable key of the thing this target is: the instance id for instances, else the id. */
    public String key() {
        return instanceId != null ? instanceId : id;
    }

    @Override
    public String toString() {
        return instanceId != null ? instanceId + "(" + id + ")" : id;
    }
}
