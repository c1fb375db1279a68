package io.github.vpcroutefailover.aws.ec2;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.ports.RouteChangeException;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome.Operation;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteRouteRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ReplaceRouteRequest;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteState;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.RouteTableAssociation;
import software.amazon.awssdk.services.ec2.model.Subnet;
import software.amazon.awssdk.services.ec2.model.Tag;

/**
 * {@link RouteTables} over the EC2 API: VPC route tables (subnet, main and gateway tables) here, transit gateway
 * route tables ({@code tgw-rtb-} ids) through {@link Ec2TransitGatewayRouteTables}.
 */
public final class Ec2RouteTables implements RouteTables {
    private static final Logger LOG = LoggerFactory.getLogger(Ec2RouteTables.class);
    /** EC2's maximum page size for DescribeRouteTables and DescribeSubnets. */
    private static final int PAGE_SIZE = 100;

    private final Ec2Client ec2;
    private final Ec2TransitGatewayRouteTables transitGateway;

    public Ec2RouteTables(Ec2Client ec2) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
        this.transitGateway = new Ec2TransitGatewayRouteTables(ec2);
    }

    @Override
    public List<ObservedRouteTable> describeVpcTables(String vpcId) {
        List<RouteTable> tables = ec2.describeRouteTablesPaginator(DescribeRouteTablesRequest.builder()
                        .filters(filter("vpc-id", vpcId)).maxResults(PAGE_SIZE).build())
                .stream().flatMap(p -> p.routeTables().stream()).toList();
        // All subnets of the VPC in one paged call: gives the AZ of every explicitly associated subnet, and tells
        // us which subnets have no explicit association and so use the main table.
        List<Subnet> subnets = ec2.describeSubnetsPaginator(DescribeSubnetsRequest.builder()
                        .filters(filter("vpc-id", vpcId)).maxResults(PAGE_SIZE).build())
                .stream().flatMap(p -> p.subnets().stream()).toList();
        return map(tables, subnets, true);
    }

    @Override
    public List<ObservedRouteTable> describeTables(Collection<String> routeTableIds) {
        List<String> tgw = routeTableIds.stream().filter(ObservedRouteTable::isTransitGatewayTableId).toList();
        List<String> vpc = routeTableIds.stream().filter(id -> !ObservedRouteTable.isTransitGatewayTableId(id)).toList();
        if (tgw.isEmpty()) {
            return describeVpcTablesById(vpc);
        }
        List<ObservedRouteTable> out = new ArrayList<>(describeVpcTablesById(vpc));
        out.addAll(transitGateway.describeTables(tgw));
        return out;
    }

    /**
     * Existence only: DescribeRouteTables by filter, 200 ids per call, no subnets and no route reads; transit gateway
     * tables through {@link Ec2TransitGatewayRouteTables#existingTables}.
     */
    @Override
    public Set<String> existingTables(Collection<String> routeTableIds) {
        Set<String> out = new HashSet<>(transitGateway.existingTables(
                routeTableIds.stream().filter(ObservedRouteTable::isTransitGatewayTableId).toList()));
        for (List<String> chunk : Ec2Instances.chunks(routeTableIds.stream().filter(id -> !ObservedRouteTable.isTransitGatewayTableId(id)).toList())) {
            ec2.describeRouteTablesPaginator(DescribeRouteTablesRequest.builder()
                            .filters(Filter.builder().name("route-table-id").values(chunk).build()).maxResults(PAGE_SIZE).build())
                    .stream().flatMap(p -> p.routeTables().stream()).forEach(t -> out.add(t.routeTableId()));
        }
        return out;
    }

    private List<ObservedRouteTable> describeVpcTablesById(Collection<String> routeTableIds) {
        if (routeTableIds.isEmpty()) {
            return List.of();
        }
        // A filter, not RouteTableIds: an id that vanished must not fail the whole read.
        List<RouteTable> tables = ec2.describeRouteTablesPaginator(DescribeRouteTablesRequest.builder()
                        .filters(Filter.builder().name("route-table-id").values(routeTableIds).build()).build())
                .stream().flatMap(p -> p.routeTables().stream()).toList();
        Set<String> vpcIds = tables.stream().map(RouteTable::vpcId).collect(Collectors.toSet());
        if (vpcIds.isEmpty()) {
            return List.of();
        }
        List<Subnet> subnets = ec2.describeSubnetsPaginator(DescribeSubnetsRequest.builder()
                        .filters(Filter.builder().name("vpc-id").values(vpcIds).build()).maxResults(PAGE_SIZE).build())
                .stream().flatMap(p -> p.subnets().stream()).toList();
        // Implicit (main-table) subnets can only be derived when every table of the VPC is in view.
        return map(tables, subnets, false);
    }

    private static List<ObservedRouteTable> map(List<RouteTable> tables, List<Subnet> subnets, boolean wholeVpc) {
        Map<String, String> zoneOfSubnet = subnets.stream().collect(Collectors.toMap(Subnet::subnetId, Subnet::availabilityZone, (a, b) -> a));
        Set<String> explicitlyAssociated = new HashSet<>();
        for (RouteTable t : tables) {
            for (RouteTableAssociation a : t.associations()) {
                if (a.subnetId() != null) {
                    explicitlyAssociated.add(a.subnetId());
                }
            }
        }
        List<ObservedRouteTable> out = new ArrayList<>(tables.size());
        for (RouteTable t : tables) {
            boolean main = t.associations().stream().anyMatch(a -> Boolean.TRUE.equals(a.main()));
            Set<String> subnetIds = new HashSet<>();
            for (RouteTableAssociation a : t.associations()) {
                if (a.subnetId() != null) {
                    subnetIds.add(a.subnetId());
                }
            }
            if (main && wholeVpc) {
                // The main table serves every subnet that has no explicit association (EC2 does not list those).
                subnets.stream().map(Subnet::subnetId).filter(s -> !explicitlyAssociated.contains(s)).forEach(subnetIds::add);
            }
            Set<String> edge = t.associations().stream().map(RouteTableAssociation::gatewayId).filter(Objects::nonNull)
                    .collect(Collectors.toSet());
            Set<Destination> subnetCidrs = edge.isEmpty() ? Set.of() : subnetCidrs(subnets, t.vpcId());
            Set<String> zones = subnetIds.stream().map(zoneOfSubnet::get).filter(Objects::nonNull).collect(Collectors.toSet());
            String zone = zones.size() == 1 ? zones.iterator().next() : null;
            List<ObservedRoute> routes = new ArrayList<>(t.routes().size());
            for (Route r : t.routes()) {
                Destination d = destination(r);
                if (d == null) {
                    LOG.warn("route without a destination we understand in {}: {}", t.routeTableId(), r);
                    continue;
                }
                routes.add(new ObservedRoute(d, target(r), r.state() == RouteState.BLACKHOLE, r.originAsString()));
            }
            out.add(new ObservedRouteTable(t.routeTableId(), t.vpcId(), tags(t.tags()), subnetIds, main, zone, routes, edge, subnetCidrs));
        }
        return out;
    }

    /** The IPv4 and IPv6 blocks of the VPC's subnets: what a gateway route table may route (besides the VPC's own). */
    private static Set<Destination> subnetCidrs(List<Subnet> subnets, String vpcId) {
        Set<Destination> out = new HashSet<>();
        for (Subnet s : subnets) {
            if (!Objects.equals(s.vpcId(), vpcId)) {
                continue;
            }
            if (s.cidrBlock() != null) {
                out.add(Destination.parse(s.cidrBlock()));
            }
            s.ipv6CidrBlockAssociationSet().stream().map(a -> a.ipv6CidrBlock()).filter(Objects::nonNull)
                    .forEach(c -> out.add(Destination.parse(c)));
        }
        return out;
    }

    static Destination destination(Route r) {
        if (r.destinationCidrBlock() != null) {
            return Destination.parse(r.destinationCidrBlock());
        }
        if (r.destinationIpv6CidrBlock() != null) {
            return Destination.parse(r.destinationIpv6CidrBlock());
        }
        if (r.destinationPrefixListId() != null) {
            return Destination.parse(r.destinationPrefixListId());
        }
        return null;
    }

    /** EC2 sets exactly one target field per route (two for an instance: the instance and its ENI). */
    static RouteTarget target(Route r) {
        if (r.networkInterfaceId() != null) {
            return RouteTarget.eni(r.networkInterfaceId(), r.instanceId());
        }
        if (r.instanceId() != null) {
            // EC2 always adds the ENI; some emulators do not. The instance id then stands in for it.
            return new RouteTarget(TargetKind.INSTANCE, r.instanceId(), r.instanceId());
        }
        if (r.natGatewayId() != null) {
            return RouteTarget.gateway(TargetKind.NAT_GATEWAY, r.natGatewayId());
        }
        if (r.transitGatewayId() != null) {
            return RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY, r.transitGatewayId());
        }
        if (r.vpcPeeringConnectionId() != null) {
            return RouteTarget.gateway(TargetKind.VPC_PEERING_CONNECTION, r.vpcPeeringConnectionId());
        }
        if (r.egressOnlyInternetGatewayId() != null) {
            return RouteTarget.gateway(TargetKind.EGRESS_ONLY_INTERNET_GATEWAY, r.egressOnlyInternetGatewayId());
        }
        if (r.localGatewayId() != null) {
            return RouteTarget.gateway(TargetKind.LOCAL_GATEWAY, r.localGatewayId());
        }
        if (r.carrierGatewayId() != null) {
            return RouteTarget.gateway(TargetKind.CARRIER_GATEWAY, r.carrierGatewayId());
        }
        if (r.coreNetworkArn() != null) {
            return RouteTarget.gateway(TargetKind.CORE_NETWORK, r.coreNetworkArn());
        }
        if (r.gatewayId() != null) {
            // Gateway Load Balancer endpoints are reported in GatewayId.
            TargetKind kind = r.gatewayId().startsWith("vpce-") ? TargetKind.VPC_ENDPOINT : TargetKind.GATEWAY;
            return RouteTarget.gateway(kind, r.gatewayId());
        }
        return null;
    }

    @Override
    public ApplyOutcome upsert(String routeTableId, Destination destination, RouteTarget target, boolean routeExists, boolean dryRun) {
        Objects.requireNonNull(target, "target");
        if (ObservedRouteTable.isTransitGatewayTableId(routeTableId)) {
            return transitGateway.upsert(routeTableId, destination, target, routeExists, dryRun);
        }
        if (routeExists) {
            try {
                return replace(routeTableId, destination, target, dryRun);
            } catch (Ec2Exception e) {
                if (!routeMissing(e)) {
                    throw translate(e, "ReplaceRoute", routeTableId, destination, target);
                }
                LOG.info("route {}|{} vanished between plan and apply; creating it instead", routeTableId, destination);
            }
            try {
                return create(routeTableId, destination, target, dryRun, "route had vanished since it was observed; created");
            } catch (Ec2Exception e) {
                throw translate(e, "CreateRoute", routeTableId, destination, target);
            }
        }
        try {
            return create(routeTableId, destination, target, dryRun, "created");
        } catch (Ec2Exception e) {
            if (!"RouteAlreadyExists".equals(code(e))) {
                throw translate(e, "CreateRoute", routeTableId, destination, target);
            }
            LOG.info("route {}|{} appeared between plan and apply; replacing it instead", routeTableId, destination);
        }
        try {
            return replace(routeTableId, destination, target, dryRun);
        } catch (Ec2Exception e) {
            throw translate(e, "ReplaceRoute", routeTableId, destination, target);
        }
    }

    private ApplyOutcome create(String rtb, Destination d, RouteTarget target, boolean dryRun, String detail) {
        CreateRouteRequest.Builder b = CreateRouteRequest.builder().routeTableId(rtb).dryRun(dryRun ? Boolean.TRUE : null);
        destination(d, b::destinationCidrBlock, b::destinationIpv6CidrBlock, b::destinationPrefixListId);
        new HopFields(b::instanceId, b::networkInterfaceId, b::natGatewayId, b::gatewayId, b::transitGatewayId,
                b::vpcPeeringConnectionId, b::vpcEndpointId, b::egressOnlyInternetGatewayId, b::localGatewayId,
                b::carrierGatewayId, b::coreNetworkArn).set(target);
        if (dryRun) {
            return dryRun(() -> ec2.createRoute(b.build()), Operation.CREATED, "CreateRoute");
        }
        ec2.createRoute(b.build());
        return new ApplyOutcome(Operation.CREATED, false, detail);
    }

    private ApplyOutcome replace(String rtb, Destination d, RouteTarget target, boolean dryRun) {
        ReplaceRouteRequest.Builder b = ReplaceRouteRequest.builder().routeTableId(rtb).dryRun(dryRun ? Boolean.TRUE : null);
        destination(d, b::destinationCidrBlock, b::destinationIpv6CidrBlock, b::destinationPrefixListId);
        new HopFields(b::instanceId, b::networkInterfaceId, b::natGatewayId, b::gatewayId, b::transitGatewayId,
                b::vpcPeeringConnectionId, b::vpcEndpointId, b::egressOnlyInternetGatewayId, b::localGatewayId,
                b::carrierGatewayId, b::coreNetworkArn).set(target);
        if (dryRun) {
            return dryRun(() -> ec2.replaceRoute(b.build()), Operation.REPLACED, "ReplaceRoute");
        }
        ec2.replaceRoute(b.build());
        return new ApplyOutcome(Operation.REPLACED, false, "replaced");
    }

    @Override
    public ApplyOutcome delete(String routeTableId, Destination destination, boolean dryRun) {
        if (ObservedRouteTable.isTransitGatewayTableId(routeTableId)) {
            return transitGateway.delete(routeTableId, destination, dryRun);
        }
        DeleteRouteRequest.Builder b = DeleteRouteRequest.builder().routeTableId(routeTableId).dryRun(dryRun ? Boolean.TRUE : null);
        destination(destination, b::destinationCidrBlock, b::destinationIpv6CidrBlock, b::destinationPrefixListId);
        try {
            if (dryRun) {
                return dryRun(() -> ec2.deleteRoute(b.build()), Operation.DELETED, "DeleteRoute");
            }
            ec2.deleteRoute(b.build());
            return new ApplyOutcome(Operation.DELETED, false, "deleted");
        } catch (Ec2Exception e) {
            if (routeMissing(e)) {
                return new ApplyOutcome(Operation.NONE, dryRun, "route was already absent");
            }
            throw translate(e, "DeleteRoute", routeTableId, destination, null);
        }
    }

    /**
     * Where each kind of next hop goes in a CreateRoute or ReplaceRoute request: the two requests name the fields
     * alike but share no builder type, so each passes its own setters and the kind-to-field rule is written once.
     */
    private record HopFields(Consumer<String> instance, Consumer<String> eni, Consumer<String> natGateway, Consumer<String> gateway,
                             Consumer<String> transitGateway, Consumer<String> peering, Consumer<String> vpcEndpoint,
                             Consumer<String> egressOnlyInternetGateway, Consumer<String> localGateway,
                             Consumer<String> carrierGateway, Consumer<String> coreNetwork) {
        void set(RouteTarget target) {
            String id = target.id();
            switch (target.kind()) {
                // Routes observed from outside may name an instance; ours name the ENI (multi-ENI instances need it).
                case INSTANCE, NETWORK_INTERFACE -> (id.startsWith("i-") ? instance : eni).accept(id);
                case NAT_GATEWAY -> natGateway.accept(id);
                case GATEWAY -> gateway.accept(id);
                case TRANSIT_GATEWAY -> transitGateway.accept(id);
                case VPC_PEERING_CONNECTION -> peering.accept(id);
                case VPC_ENDPOINT -> vpcEndpoint.accept(id);
                case EGRESS_ONLY_INTERNET_GATEWAY -> egressOnlyInternetGateway.accept(id);
                case LOCAL_GATEWAY -> localGateway.accept(id);
                case CARRIER_GATEWAY -> carrierGateway.accept(id);
                case CORE_NETWORK -> coreNetwork.accept(id);
                case TRANSIT_GATEWAY_ATTACHMENT -> throw new IllegalArgumentException(
                        "a VPC route cannot point at the transit gateway attachment " + id + "; VPC routes name the transit gateway");
            }
        }
    }

    private static void destination(Destination d, Consumer<String> v4, Consumer<String> v6, Consumer<String> pl) {
        switch (d) {
            case Destination.Ipv4Cidr c -> v4.accept(c.value());
            case Destination.Ipv6Cidr c -> v6.accept(c.value());
            case Destination.PrefixList p -> pl.accept(p.value());
        }
    }

    /**
     * EC2 answers a permitted, valid DryRun call with the error DryRunOperation. A call that succeeds instead means
     * the endpoint ignored DryRun and made the change: that must never pass silently.
     */
    private static ApplyOutcome dryRun(Runnable call, Operation operation, String api) {
        try {
            call.run();
        } catch (Ec2Exception e) {
            if ("DryRunOperation".equals(code(e))) {
                return new ApplyOutcome(operation, true, api + " would have succeeded (EC2 DryRun)");
            }
            throw e;
        }
        throw new IllegalStateException(api + " with DryRun=true succeeded instead of answering DryRunOperation: "
                + "the endpoint ignored DryRun and changed the route table. Do not use EC2 dry runs against this endpoint.");
    }

    static boolean routeMissing(Ec2Exception e) {
        String code = code(e);
        String msg = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorMessage());
        // ReplaceRoute on a missing route answers InvalidParameterValue "... Use CreateRoute instead." (EC2 and moto).
        return "InvalidRoute.NotFound".equals(code)
                || ("InvalidParameterValue".equals(code) && msg.contains("no route defined"));
    }

    static String code(Ec2Exception e) {
        return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
    }

    private static RouteChangeException translate(Ec2Exception e, String api, String rtb, Destination d, RouteTarget target) {
        String code = code(e);
        String route = rtb + "|" + d.value();
        String msg = switch (code == null ? "" : code) {
            case "InvalidRouteTableID.NotFound", "InvalidRouteTableId.NotFound" -> api + " " + route
                    + ": route table " + rtb + " does not exist (deleted?); fix the route's routeTables selector";
            case "InvalidNetworkInterfaceID.NotFound", "InvalidInstanceID.NotFound", "InvalidNatGatewayID.NotFound",
                 "InvalidGatewayID.NotFound", "InvalidTransitGatewayID.NotFound", "InvalidVpcPeeringConnectionID.NotFound",
                 "InvalidVpcEndpointId.NotFound" -> api + " " + route + ": target " + target + " does not exist; "
                    + "it was deleted after it was observed, or the config names a wrong id";
            case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException" -> api + " " + route
                    + ": not permitted; grant ec2:" + api + " on " + rtb + " to the function's role";
            case "InvalidParameterValue", "InvalidParameterCombination", "InvalidParameter" -> api + " " + route + " -> "
                    + target + ": EC2 rejected the parameters (" + e.awsErrorDetails().errorMessage() + ")";
            case "RouteAlreadyExists" -> api + " " + route + ": the route exists although EC2 said it did not; "
                    + "someone else is changing this table";
            default -> api + " " + route + (target == null ? "" : " -> " + target) + " failed: "
                    + (e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage());
        };
        return new RouteChangeException(code, msg + " [" + code + "]", e);
    }

    private static Filter filter(String name, String value) {
        return Filter.builder().name(name).values(value).build();
    }

    static Map<String, String> tags(List<Tag> tags) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Tag t : tags) {
            out.put(t.key(), t.value() == null ? "" : t.value());
        }
        return out;
    }
}
