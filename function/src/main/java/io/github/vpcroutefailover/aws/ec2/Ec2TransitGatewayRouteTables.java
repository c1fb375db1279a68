package io.github.vpcroutefailover.aws.ec2;

import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.Pages;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.ports.RouteChangeException;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome.Operation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.model.CreateTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayAttachmentsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayAttachmentsResponse;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeTransitGatewayRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesRequest;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesResponse;
import software.amazon.awssdk.services.ec2.model.TransitGatewayAttachmentState;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRoute;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRouteAttachment;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRouteState;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRouteTable;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRouteType;

/**
 * Transit gateway route tables over the EC2 transit gateway route API, for {@link Ec2RouteTables} (which hands it
 * every {@code tgw-rtb-} id). Only static routes are ever written; propagated routes are reported as overridable
 * (a static route to the same CIDR takes precedence over a propagation, which is what failover writes).
 *
 * <p>Calls per read: one DescribeTransitGatewayRouteTables page, one SearchTransitGatewayRoutes per table, one
 * DescribeTransitGatewayAttachments page per read (the attachments' states: a static route to an attachment that
 * is being deleted or is gone forwards nothing, so it is reported as a blackhole).
 */
final class Ec2TransitGatewayRouteTables {
    private static final Logger LOG = LoggerFactory.getLogger(Ec2TransitGatewayRouteTables.class);
    /** States in which an attachment forwards traffic; any other (pending, deleting, deleted, failed, ...) does not. */
    private static final Set<TransitGatewayAttachmentState> FORWARDING =
            Set.of(TransitGatewayAttachmentState.AVAILABLE, TransitGatewayAttachmentState.MODIFYING);

    private final Ec2Api ec2;

    Ec2TransitGatewayRouteTables(Ec2Api ec2) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
    }

    /** Of these ids, the tables that exist and are not being deleted; one DescribeTransitGatewayRouteTables read per 200. */
    Set<String> existingTables(Collection<String> ids) {
        Set<String> out = new java.util.HashSet<>();
        for (List<String> chunk : Ec2Instances.chunks(ids)) {
            tables(chunk).stream()
                    .filter(t -> !"deleting".equals(t.stateAsString()) && !"deleted".equals(t.stateAsString()))
                    .forEach(t -> out.add(t.transitGatewayRouteTableId()));
        }
        return out;
    }

    List<ObservedRouteTable> describeTables(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        // A filter, not TransitGatewayRouteTableIds: a table that vanished must not fail the whole read.
        List<TransitGatewayRouteTable> tables = tables(ids);
        if (tables.isEmpty()) {
            return List.of();
        }
        Map<String, List<TransitGatewayRoute>> routesByTable = new java.util.LinkedHashMap<>();
        for (TransitGatewayRouteTable t : tables) {
            routesByTable.put(t.transitGatewayRouteTableId(), search(t.transitGatewayRouteTableId()));
        }
        Set<String> tgwIds = tables.stream().map(TransitGatewayRouteTable::transitGatewayId).collect(Collectors.toCollection(LinkedHashSet::new));
        Set<String> forwarding = new java.util.HashSet<>();
        Pages.each("Ec2.DescribeTransitGatewayAttachments", DescribeTransitGatewayAttachmentsRequest.builder()
                        .filters(Filter.builder().name("transit-gateway-id").values(tgwIds).build()).build(),
                ec2::describeTransitGatewayAttachments, DescribeTransitGatewayAttachmentsResponse::nextToken,
                (r, token) -> r.toBuilder().nextToken(token).build(), page -> page.transitGatewayAttachments().stream()
                        .filter(a -> FORWARDING.contains(a.state()))
                        .forEach(a -> forwarding.add(a.transitGatewayAttachmentId())));
        List<ObservedRouteTable> out = new ArrayList<>(tables.size());
        for (TransitGatewayRouteTable t : tables) {
            List<ObservedRoute> routes = new ArrayList<>();
            for (TransitGatewayRoute r : routesByTable.get(t.transitGatewayRouteTableId())) {
                ObservedRoute o = route(r, forwarding);
                if (o == null) {
                    LOG.warn("transit gateway route without a CIDR destination in {}: {}", t.transitGatewayRouteTableId(), r);
                } else {
                    routes.add(o);
                }
            }
            out.add(ObservedRouteTable.transitGateway(t.transitGatewayRouteTableId(), Ec2RouteTables.tags(t.tags()), routes));
        }
        return out;
    }

    /** Every page of DescribeTransitGatewayRouteTables for these ids (a filter: a vanished table must not fail the read). */
    private List<TransitGatewayRouteTable> tables(Collection<String> ids) {
        List<TransitGatewayRouteTable> out = new ArrayList<>();
        Pages.each("Ec2.DescribeTransitGatewayRouteTables", DescribeTransitGatewayRouteTablesRequest.builder()
                        .filters(Filter.builder().name("transit-gateway-route-table-id").values(ids).build()).build(),
                ec2::describeTransitGatewayRouteTables, DescribeTransitGatewayRouteTablesResponse::nextToken,
                (r, token) -> r.toBuilder().nextToken(token).build(), page -> out.addAll(page.transitGatewayRouteTables()));
        return out;
    }

    /**
     * Every active and blackhole route of the table in one call. The API has no paging: past its limit it only says
     * more routes exist, and a partial view could make us create a route that exists, so that is an error.
     */
    private List<TransitGatewayRoute> search(String tableId) {
        SearchTransitGatewayRoutesResponse r = ec2.searchTransitGatewayRoutes(SearchTransitGatewayRoutesRequest.builder()
                .transitGatewayRouteTableId(tableId).filters(Filter.builder().name("state").values("active", "blackhole").build()).build());
        if (Boolean.TRUE.equals(r.additionalRoutesAvailable())) {
            throw new IllegalStateException("transit gateway route table " + tableId + " has more routes than one "
                    + "SearchTransitGatewayRoutes answer holds; split the table, or manage fewer routes in it");
        }
        return r.routes();
    }

    /**
     * One route as we model it; null for a prefix-list reference (no CIDR). A route with several attachments (ECMP
     * over VPN or Connect) names the first; any route whose attachment is not forwarding counts as a blackhole.
     */
    static ObservedRoute route(TransitGatewayRoute r, Set<String> forwarding) {
        if (r.destinationCidrBlock() == null) {
            return null;
        }
        Destination d = Destination.parse(r.destinationCidrBlock());
        String attachment = r.transitGatewayAttachments().stream().map(TransitGatewayRouteAttachment::transitGatewayAttachmentId)
                .filter(Objects::nonNull).sorted().findFirst().orElse(null);
        RouteTarget target = attachment == null ? null : RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, attachment);
        boolean blackhole = r.state() == TransitGatewayRouteState.BLACKHOLE || attachment == null || !forwarding.contains(attachment);
        String origin = r.type() == TransitGatewayRouteType.PROPAGATED ? ObservedRoute.TGW_PROPAGATED : ObservedRoute.TGW_STATIC;
        return new ObservedRoute(d, target, blackhole, origin);
    }

    /**
     * Points the static route at {@code target}: ReplaceTransitGatewayRoute when the caller saw a static route there,
     * CreateTransitGatewayRoute when not, switching to the other call when the table changed in between. Never
     * delete-then-create: between the two the CIDR would fall to a propagated route or be dropped, and a crash
     * there would leave it so.
     */
    ApplyOutcome upsert(String tableId, Destination destination, RouteTarget target, boolean routeExists, boolean dryRun) {
        String cidr = cidr(destination);
        if (target.kind() != TargetKind.TRANSIT_GATEWAY_ATTACHMENT) {
            throw new IllegalArgumentException("a transit gateway route points at an attachment, not " + target);
        }
        if (routeExists) {
            try {
                return replace(tableId, cidr, target, dryRun);
            } catch (Ec2Exception e) {
                if (!routeMissing(e)) {
                    throw translate(e, "ReplaceTransitGatewayRoute", tableId, cidr, target);
                }
                LOG.info("transit gateway route {}|{} vanished between plan and apply; creating it instead", tableId, cidr);
            }
            try {
                return create(tableId, cidr, target, dryRun, "route had vanished since it was observed; created");
            } catch (Ec2Exception e) {
                throw translate(e, "CreateTransitGatewayRoute", tableId, cidr, target);
            }
        }
        try {
            return create(tableId, cidr, target, dryRun, "created");
        } catch (Ec2Exception e) {
            if (!"RouteAlreadyExists".equals(Ec2RouteTables.code(e))) {
                throw translate(e, "CreateTransitGatewayRoute", tableId, cidr, target);
            }
            LOG.info("transit gateway route {}|{} appeared between plan and apply; replacing it instead", tableId, cidr);
        }
        try {
            return replace(tableId, cidr, target, dryRun);
        } catch (Ec2Exception e) {
            throw translate(e, "ReplaceTransitGatewayRoute", tableId, cidr, target);
        }
    }

    private ApplyOutcome create(String tableId, String cidr, RouteTarget target, boolean dryRun, String detail) {
        CreateTransitGatewayRouteRequest req = CreateTransitGatewayRouteRequest.builder().transitGatewayRouteTableId(tableId)
                .destinationCidrBlock(cidr).transitGatewayAttachmentId(target.id()).dryRun(dryRun ? Boolean.TRUE : null).build();
        if (dryRun) {
            return dryRun(() -> ec2.createTransitGatewayRoute(req), Operation.CREATED, "CreateTransitGatewayRoute");
        }
        ec2.createTransitGatewayRoute(req);
        return new ApplyOutcome(Operation.CREATED, false, detail);
    }

    private ApplyOutcome replace(String tableId, String cidr, RouteTarget target, boolean dryRun) {
        // Blackhole=false explicitly: replacing a blackhole static route must make it forward again.
        ReplaceTransitGatewayRouteRequest req = ReplaceTransitGatewayRouteRequest.builder().transitGatewayRouteTableId(tableId)
                .destinationCidrBlock(cidr).transitGatewayAttachmentId(target.id()).blackhole(false)
                .dryRun(dryRun ? Boolean.TRUE : null).build();
        if (dryRun) {
            return dryRun(() -> ec2.replaceTransitGatewayRoute(req), Operation.REPLACED, "ReplaceTransitGatewayRoute");
        }
        ec2.replaceTransitGatewayRoute(req);
        return new ApplyOutcome(Operation.REPLACED, false, "replaced");
    }

    /** Deletes our static route (a withdraw): a propagated route to the CIDR, if any, takes over again. */
    ApplyOutcome delete(String tableId, Destination destination, boolean dryRun) {
        String cidr = cidr(destination);
        DeleteTransitGatewayRouteRequest req = DeleteTransitGatewayRouteRequest.builder().transitGatewayRouteTableId(tableId)
                .destinationCidrBlock(cidr).dryRun(dryRun ? Boolean.TRUE : null).build();
        try {
            if (dryRun) {
                return dryRun(() -> ec2.deleteTransitGatewayRoute(req), Operation.DELETED, "DeleteTransitGatewayRoute");
            }
            ec2.deleteTransitGatewayRoute(req);
            return new ApplyOutcome(Operation.DELETED, false, "deleted");
        } catch (Ec2Exception e) {
            if (routeMissing(e)) {
                return new ApplyOutcome(Operation.NONE, dryRun, "route was already absent");
            }
            throw translate(e, "DeleteTransitGatewayRoute", tableId, cidr, null);
        }
    }

    private static String cidr(Destination d) {
        if (d instanceof Destination.PrefixList) {
            // The config and the planner refuse this; reaching here is a bug, never a request to send.
            throw new IllegalArgumentException("transit gateway routes take a CIDR, not the prefix list " + d.value());
        }
        return d.value();
    }

    private static ApplyOutcome dryRun(Runnable call, Operation operation, String api) {
        try {
            call.run();
        } catch (Ec2Exception e) {
            if ("DryRunOperation".equals(Ec2RouteTables.code(e))) {
                return new ApplyOutcome(operation, true, api + " would have succeeded (EC2 DryRun)");
            }
            throw e;
        }
        throw new IllegalStateException(api + " with DryRun=true succeeded instead of answering DryRunOperation: "
                + "the endpoint ignored DryRun and changed the transit gateway route table.");
    }

    /** The static route is not there (Replace or Delete of a missing route). */
    static boolean routeMissing(Ec2Exception e) {
        String code = Ec2RouteTables.code(e);
        return "InvalidRoute.NotFound".equals(code) || "InvalidRoute.NotFoundException".equals(code);
    }

    private static RouteChangeException translate(Ec2Exception e, String api, String tableId, String cidr, RouteTarget target) {
        String code = Ec2RouteTables.code(e);
        String route = tableId + "|" + cidr;
        String msg = switch (code == null ? "" : code) {
            case "InvalidRouteTableID.NotFound", "InvalidTransitGatewayRouteTableID.NotFound" -> api + " " + route
                    + ": transit gateway route table " + tableId + " does not exist (deleted?); fix the route's transitGatewayRouteTable selector";
            case "InvalidTransitGatewayAttachmentID.NotFound" -> api + " " + route + ": attachment " + target
                    + " does not exist; it was deleted after it was observed, or the config names a wrong id";
            case "IncorrectState" -> api + " " + route + " -> " + target + ": the attachment or table is not available yet ("
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage()) + ")";
            case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException" -> api + " " + route
                    + ": not permitted; grant ec2:" + api + " on " + tableId + " (and the attachment) to the function's role";
            case "RouteAlreadyExists" -> api + " " + route + ": the static route exists although the table said it did not; "
                    + "someone else is changing this table";
            default -> api + " " + route + (target == null ? "" : " -> " + target) + " failed: "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        };
        return new RouteChangeException(code, msg + " [" + code + "]", e);
    }
}
