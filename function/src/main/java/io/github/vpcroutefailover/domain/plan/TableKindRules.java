package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What AWS accepts in each kind of route table, checked before anything is planned there, so that a route that
 * AWS would refuse is reported once with the fix instead of failing every reconcile at the API.
 *
 * <ul>
 *   <li>Gateway (ingress) route tables, edge-associated with an internet or virtual private gateway: the destination
 *       must be the whole CIDR block of the VPC or of one of its subnets (no prefix lists, nothing outside the VPC);
 *       the VPC's block is its local route, which we never manage, so in practice a subnet's block;
 *       the target must be a network interface (an appliance) or a Gateway Load Balancer endpoint.</li>
 *   <li>Transit gateway route tables: static routes to a CIDR whose target is a transit gateway attachment
 *       (prefix lists there are a separate API, prefix-list references, which we do not manage).</li>
 *   <li>VPC route tables never point at a transit gateway attachment (they name the transit gateway itself).</li>
 * </ul>
 */
final class TableKindRules {
    private static final Set<TargetKind> EDGE_TARGETS = EnumSet.of(TargetKind.INSTANCE, TargetKind.NETWORK_INTERFACE, TargetKind.VPC_ENDPOINT);

    private TableKindRules() {
    }

    /** Why {@code destination} with these candidates cannot be managed in {@code table}; null when it can. */
    static String violation(ObservedRouteTable table, Destination destination, List<Candidate> candidates) {
        if (table.transitGateway()) {
            if (destination instanceof Destination.PrefixList) {
                return table.id() + " is a transit gateway route table: prefix lists there are prefix-list references "
                        + "(CreateTransitGatewayPrefixListReference), which this tool does not manage; use a CIDR destination";
            }
            String wrong = kinds(candidates, k -> k != TargetKind.TRANSIT_GATEWAY_ATTACHMENT);
            return wrong.isEmpty() ? null : table.id() + " is a transit gateway route table: its routes point at transit gateway "
                    + "attachments only, but targets " + wrong + " are not attachments; use transitGatewayAttachment targets";
        }
        String attachments = kinds(candidates, k -> k == TargetKind.TRANSIT_GATEWAY_ATTACHMENT);
        if (!attachments.isEmpty()) {
            return table.id() + " is a VPC route table: targets " + attachments + " are transit gateway attachments, which only "
                    + "transit gateway route tables take; point VPC routes at the transitGateway instead";
        }
        if (!table.edge()) {
            return null;
        }
        String gateways = String.join(", ", new java.util.TreeSet<>(table.edgeGatewayIds()));
        if (destination instanceof Destination.PrefixList) {
            return table.id() + " is the gateway route table of " + gateways + ": AWS accepts no prefix-list destinations there; "
                    + "use the CIDR block of a subnet of the VPC";
        }
        boolean localRoute = table.routes().stream().anyMatch(r -> r.destination().equals(destination) && r.isImmutable());
        if (localRoute) {
            return table.id() + " is the gateway route table of " + gateways + ": " + destination + " is the VPC's local route; AWS lets its "
                    + "target be replaced, but this tool does not manage local routes (a withdraw would have to restore 'local'); "
                    + "route each subnet's CIDR block instead";
        }
        if (!table.subnetCidrs().contains(destination)) {
            return table.id() + " is the gateway route table of " + gateways + ": AWS accepts only the whole CIDR block of the VPC or of "
                    + "one of its subnets as a destination there, and " + destination + " is neither; use a subnet's CIDR block";
        }
        String wrong = kinds(candidates, k -> !EDGE_TARGETS.contains(k));
        return wrong.isEmpty() ? null : table.id() + " is the gateway route table of " + gateways + ": AWS accepts only network "
                + "interfaces (appliances) and Gateway Load Balancer endpoints as targets there, not " + wrong;
    }

    private static String kinds(List<Candidate> candidates, java.util.function.Predicate<TargetKind> wrong) {
        return candidates.stream().filter(c -> wrong.test(c.target().kind()))
                .map(c -> c.targetName() + " (" + c.target().kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ') + ")")
                .distinct().collect(Collectors.joining(", "));
    }
}
