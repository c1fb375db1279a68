package io.github.vpcroutefailover.aws.ec2;

import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.LightEc2Client;
import io.github.vpcroutefailover.aws.light.Pages;
import io.github.vpcroutefailover.aws.light.XmlAnswers;
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
import java.util.HashMap;
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
import software.amazon.awssdk.protocols.query.unmarshall.XmlElement;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteRouteRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsRequest;
import software.amazon.awssdk.services.ec2.model.DescribeSubnetsResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ReplaceRouteRequest;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;
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

    private final Ec2Api ec2;
    private final Ec2TransitGatewayRouteTables transitGateway;

    public Ec2RouteTables(Ec2Api ec2) {
        this.ec2 = Objects.requireNonNull(ec2, "ec2");
        this.transitGateway = new Ec2TransitGatewayRouteTables(ec2);
    }

    /** Over any SDK client. */
    public Ec2RouteTables(Ec2Client ec2) {
        this(Ec2Api.of(ec2));
    }

    @Override
    public List<ObservedRouteTable> describeVpcTables(String vpcId) {
        List<TableRow> tables = tables(DescribeRouteTablesRequest.builder().filters(filter("vpc-id", vpcId)).maxResults(PAGE_SIZE).build());
        // All subnets of the VPC in one paged call: gives the AZ of every explicitly associated subnet, and tells
        // us which subnets have no explicit association and so use the main table.
        List<SubnetRow> subnets = subnets(DescribeSubnetsRequest.builder().filters(filter("vpc-id", vpcId)).maxResults(PAGE_SIZE).build());
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
            Pages.each("Ec2.DescribeRouteTables", DescribeRouteTablesRequest.builder()
                            .filters(Filter.builder().name("route-table-id").values(chunk).build()).maxResults(PAGE_SIZE).build(),
                    ec2::describeRouteTables, DescribeRouteTablesResponse::nextToken, (r, token) -> r.toBuilder().nextToken(token).build(),
                    page -> page.routeTables().forEach(t -> out.add(t.routeTableId())));
        }
        return out;
    }

    private List<ObservedRouteTable> describeVpcTablesById(Collection<String> routeTableIds) {
        if (routeTableIds.isEmpty()) {
            return List.of();
        }
        // A filter, not RouteTableIds: an id that vanished must not fail the whole read.
        List<TableRow> tables = tables(DescribeRouteTablesRequest.builder()
                .filters(Filter.builder().name("route-table-id").values(routeTableIds).build()).build());
        Set<String> vpcIds = tables.stream().map(TableRow::vpcId).collect(Collectors.toSet());
        if (vpcIds.isEmpty()) {
            return List.of();
        }
        List<SubnetRow> subnets = subnets(DescribeSubnetsRequest.builder()
                .filters(Filter.builder().name("vpc-id").values(vpcIds).build()).maxResults(PAGE_SIZE).build());
        // Implicit (main-table) subnets can only be derived when every table of the VPC is in view.
        return map(tables, subnets, false);
    }

    /**
     * Every page of one DescribeRouteTables, as the members {@link #map} reads. The light client's answer is read as
     * XML, the SDK client's as model objects (for the reason in {@code LightEc2Client.describeInstancesXml});
     * {@code Ec2RouteTablesXmlTest} keeps the two readings equal.
     */
    private List<TableRow> tables(DescribeRouteTablesRequest request) {
        List<TableRow> out = new ArrayList<>();
        if (!(ec2 instanceof LightEc2Client light)) {
            Pages.each("Ec2.DescribeRouteTables", request, ec2::describeRouteTables, DescribeRouteTablesResponse::nextToken,
                    (r, token) -> r.toBuilder().nextToken(token).build(), page -> page.routeTables().forEach(t -> out.add(TableRow.of(t))));
            return out;
        }
        XmlAnswers.eachPage("Ec2.DescribeRouteTables", page -> XmlAnswers.text(page, "nextToken"),
                token -> light.describeRouteTablesXml(token == null ? request : request.toBuilder().nextToken(token).build()),
                page -> XmlAnswers.items(page, "routeTableSet").forEach(t -> out.add(TableRow.of(t))));
        return out;
    }

    /** Every page of one DescribeSubnets, read like {@link #tables}. */
    private List<SubnetRow> subnets(DescribeSubnetsRequest request) {
        List<SubnetRow> out = new ArrayList<>();
        if (!(ec2 instanceof LightEc2Client light)) {
            Pages.each("Ec2.DescribeSubnets", request, ec2::describeSubnets, DescribeSubnetsResponse::nextToken,
                    (r, token) -> r.toBuilder().nextToken(token).build(), page -> page.subnets().forEach(n -> out.add(SubnetRow.of(n))));
            return out;
        }
        XmlAnswers.eachPage("Ec2.DescribeSubnets", page -> XmlAnswers.text(page, "nextToken"),
                token -> light.describeSubnetsXml(token == null ? request : request.toBuilder().nextToken(token).build()),
                page -> XmlAnswers.items(page, "subnetSet").forEach(n -> out.add(SubnetRow.of(n))));
        return out;
    }

    /** The members of a route table that {@link #map} reads, from either reading. */
    record TableRow(String id, String vpcId, Map<String, String> tags, List<AssociationRow> associations, List<RouteRow> routes) {
        static TableRow of(RouteTable t) {
            return new TableRow(t.routeTableId(), t.vpcId(), Ec2RouteTables.tags(t.tags()),
                    t.associations().stream().map(a -> new AssociationRow(a.subnetId(), Boolean.TRUE.equals(a.main()), a.gatewayId())).toList(),
                    t.routes().stream().map(RouteRow::of).toList());
        }

        static TableRow of(XmlElement t) {
            Map<String, String> tags = new LinkedHashMap<>();
            for (XmlElement tag : XmlAnswers.items(t, "tagSet")) {
                String value = XmlAnswers.text(tag, "value");
                tags.put(XmlAnswers.text(tag, "key"), value == null ? "" : value);
            }
            // The SDK reads booleans with Boolean.parseBoolean: anything but "true" (any case) is false.
            return new TableRow(XmlAnswers.text(t, "routeTableId"), XmlAnswers.text(t, "vpcId"), tags,
                    XmlAnswers.items(t, "associationSet").stream().map(a -> new AssociationRow(XmlAnswers.text(a, "subnetId"),
                            Boolean.TRUE.equals(XmlAnswers.bool(a, "main")), XmlAnswers.text(a, "gatewayId"))).toList(),
                    XmlAnswers.items(t, "routeSet").stream().map(RouteRow::of).toList());
        }
    }

    record AssociationRow(String subnetId, boolean main, String gatewayId) {
    }

    /** The members of a route that {@link #destination} and {@link #target} read. */
    record RouteRow(String destinationCidrBlock, String destinationIpv6CidrBlock, String destinationPrefixListId, String networkInterfaceId,
                    String instanceId, String natGatewayId, String transitGatewayId, String vpcPeeringConnectionId,
                    String egressOnlyInternetGatewayId, String localGatewayId, String carrierGatewayId, String coreNetworkArn,
                    String gatewayId, String state, String origin) {
        static RouteRow of(Route r) {
            return new RouteRow(r.destinationCidrBlock(), r.destinationIpv6CidrBlock(), r.destinationPrefixListId(), r.networkInterfaceId(),
                    r.instanceId(), r.natGatewayId(), r.transitGatewayId(), r.vpcPeeringConnectionId(), r.egressOnlyInternetGatewayId(),
                    r.localGatewayId(), r.carrierGatewayId(), r.coreNetworkArn(), r.gatewayId(), r.stateAsString(), r.originAsString());
        }

        static RouteRow of(XmlElement r) {
            return new RouteRow(XmlAnswers.text(r, "destinationCidrBlock"), XmlAnswers.text(r, "destinationIpv6CidrBlock"),
                    XmlAnswers.text(r, "destinationPrefixListId"), XmlAnswers.text(r, "networkInterfaceId"), XmlAnswers.text(r, "instanceId"),
                    XmlAnswers.text(r, "natGatewayId"), XmlAnswers.text(r, "transitGatewayId"), XmlAnswers.text(r, "vpcPeeringConnectionId"),
                    XmlAnswers.text(r, "egressOnlyInternetGatewayId"), XmlAnswers.text(r, "localGatewayId"),
                    XmlAnswers.text(r, "carrierGatewayId"), XmlAnswers.text(r, "coreNetworkArn"), XmlAnswers.text(r, "gatewayId"),
                    XmlAnswers.text(r, "state"), XmlAnswers.text(r, "origin"));
        }
    }

    /** The members of a subnet that {@link #map} reads. */
    record SubnetRow(String id, String zone, String vpcId, String cidrBlock, List<String> ipv6CidrBlocks) {
        static SubnetRow of(Subnet s) {
            return new SubnetRow(s.subnetId(), s.availabilityZone(), s.vpcId(), s.cidrBlock(),
                    s.ipv6CidrBlockAssociationSet().stream().map(a -> a.ipv6CidrBlock()).filter(Objects::nonNull).toList());
        }

        static SubnetRow of(XmlElement s) {
            return new SubnetRow(XmlAnswers.text(s, "subnetId"), XmlAnswers.text(s, "availabilityZone"), XmlAnswers.text(s, "vpcId"),
                    XmlAnswers.text(s, "cidrBlock"), XmlAnswers.items(s, "ipv6CidrBlockAssociationSet").stream()
                            .map(a -> XmlAnswers.text(a, "ipv6CidrBlock")).filter(Objects::nonNull).toList());
        }
    }

    private static List<ObservedRouteTable> map(List<TableRow> tables, List<SubnetRow> subnets, boolean wholeVpc) {
        Map<String, String> zoneOfSubnet = new HashMap<>();
        subnets.forEach(n -> zoneOfSubnet.putIfAbsent(n.id(), n.zone()));
        Set<String> explicitlyAssociated = new HashSet<>();
        for (TableRow t : tables) {
            for (AssociationRow a : t.associations()) {
                if (a.subnetId() != null) {
                    explicitlyAssociated.add(a.subnetId());
                }
            }
        }
        List<ObservedRouteTable> out = new ArrayList<>(tables.size());
        for (TableRow t : tables) {
            boolean main = t.associations().stream().anyMatch(AssociationRow::main);
            Set<String> subnetIds = new HashSet<>();
            for (AssociationRow a : t.associations()) {
                if (a.subnetId() != null) {
                    subnetIds.add(a.subnetId());
                }
            }
            if (main && wholeVpc) {
                // The main table serves every subnet that has no explicit association (EC2 does not list those).
                subnets.stream().map(SubnetRow::id).filter(s -> !explicitlyAssociated.contains(s)).forEach(subnetIds::add);
            }
            Set<String> edge = t.associations().stream().map(AssociationRow::gatewayId).filter(Objects::nonNull).collect(Collectors.toSet());
            Set<Destination> subnetCidrs = edge.isEmpty() ? Set.of() : subnetCidrs(subnets, t.vpcId());
            Set<String> zones = subnetIds.stream().map(zoneOfSubnet::get).filter(Objects::nonNull).collect(Collectors.toSet());
            String zone = zones.size() == 1 ? zones.iterator().next() : null;
            List<ObservedRoute> routes = new ArrayList<>(t.routes().size());
            for (RouteRow r : t.routes()) {
                Destination d = destination(r);
                if (d == null) {
                    LOG.warn("route without a destination we understand in {}: {}", t.id(), r);
                    continue;
                }
                routes.add(new ObservedRoute(d, target(r), "blackhole".equals(r.state()), r.origin()));
            }
            out.add(new ObservedRouteTable(t.id(), t.vpcId(), t.tags(), subnetIds, main, zone, routes, edge, subnetCidrs));
        }
        return out;
    }

    /** The IPv4 and IPv6 blocks of the VPC's subnets: what a gateway route table may route (besides the VPC's own). */
    private static Set<Destination> subnetCidrs(List<SubnetRow> subnets, String vpcId) {
        Set<Destination> out = new HashSet<>();
        for (SubnetRow s : subnets) {
            if (!Objects.equals(s.vpcId(), vpcId)) {
                continue;
            }
            if (s.cidrBlock() != null) {
                out.add(Destination.parse(s.cidrBlock()));
            }
            s.ipv6CidrBlocks().forEach(c -> out.add(Destination.parse(c)));
        }
        return out;
    }

    static Destination destination(Route r) {
        return destination(RouteRow.of(r));
    }

    static RouteTarget target(Route r) {
        return target(RouteRow.of(r));
    }

    static Destination destination(RouteRow r) {
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
    static RouteTarget target(RouteRow r) {
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
