package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.ports.RouteChangeException;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome.Operation;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;

@ExtendWith(LocalAwsExtension.class)
class Ec2RouteTablesIT {

    private static Ec2RouteTables adapter(LocalAws aws) {
        return new Ec2RouteTables(AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build());
    }

    private static ObservedRouteTable table(List<ObservedRouteTable> tables, String id) {
        return tables.stream().filter(t -> t.id().equals(id)).findFirst().orElseThrow();
    }

    private static ObservedRoute route(ObservedRouteTable t, String dest) {
        return t.route(Destination.parse(dest)).orElseThrow(() -> new AssertionError("no route " + dest + " in " + t));
    }

    @Test
    void mapsEveryRouteAndDestinationKindZonesAndTheMainTable(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 3)) {
            ec2.associateVpcCidrBlock(r -> r.vpcId(net.vpcId()).amazonProvidedIpv6CidrBlock(true));
            String nat = net.instance(0, "role=nat");
            String natEni = net.primaryEni(nat);
            String natGw = net.natGateway(0);
            String eigw = ec2.createEgressOnlyInternetGateway(r -> r.vpcId(net.vpcId())).egressOnlyInternetGateway().egressOnlyInternetGatewayId();
            String pl = ec2.createManagedPrefixList(r -> r.prefixListName("partners").addressFamily("IPv4").maxEntries(5)
                    .entries(e -> e.cidr("192.0.2.0/24"))).prefixList().prefixListId();
            String rtbA = net.routeTable(0, "tier=private");
            String rtbB = net.routeTable(1, "tier=private");
            String loose = net.detachedRouteTable("tier=spare");

            ec2.createRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(natEni));
            ec2.createRoute(r -> r.routeTableId(rtbA).destinationIpv6CidrBlock("::/0").egressOnlyInternetGatewayId(eigw));
            ec2.createRoute(r -> r.routeTableId(rtbA).destinationIpv6CidrBlock("64:ff9b::/96").networkInterfaceId(natEni));
            // moto drops the destination of a CreateRoute that combines a prefix list with an ENI; ReplaceRoute keeps it.
            ec2.createRoute(r -> r.routeTableId(rtbA).destinationPrefixListId(pl).natGatewayId(natGw));
            ec2.replaceRoute(r -> r.routeTableId(rtbA).destinationPrefixListId(pl).networkInterfaceId(natEni));
            ec2.createRoute(r -> r.routeTableId(rtbB).destinationCidrBlock("0.0.0.0/0").natGatewayId(natGw));
            ec2.createRoute(r -> r.routeTableId(rtbB).destinationCidrBlock("10.255.0.53/32").instanceId(nat));
            ec2.createRoute(r -> r.routeTableId(rtbB).destinationCidrBlock("198.51.100.0/24").gatewayId(net.internetGatewayId()));

            List<ObservedRouteTable> tables = adapter(aws).describeVpcTables(net.vpcId());

            assertThat(tables).extracting(ObservedRouteTable::id).contains(rtbA, rtbB, loose).hasSize(4);
            ObservedRouteTable a = table(tables, rtbA);
            assertThat(a.zone()).isEqualTo(net.zone(0));
            assertThat(a.main()).isFalse();
            assertThat(a.subnetIds()).containsExactly(net.subnet(0));
            assertThat(a.tags()).containsEntry("tier", "private");
            assertThat(route(a, "0.0.0.0/0").target()).isEqualTo(RouteTarget.eni(natEni, null));
            assertThat(route(a, "::/0").target()).isEqualTo(RouteTarget.gateway(TargetKind.EGRESS_ONLY_INTERNET_GATEWAY, eigw));
            assertThat(route(a, "::/0").destination()).isInstanceOf(Destination.Ipv6Cidr.class);
            assertThat(route(a, "64:ff9b::/96").target().id()).isEqualTo(natEni);
            assertThat(route(a, pl).destination()).isEqualTo(new Destination.PrefixList(pl));
            assertThat(route(a, pl).target().id()).isEqualTo(natEni);
            ObservedRoute local = route(a, "10.0.0.0/16");
            assertThat(local.target()).isEqualTo(RouteTarget.gateway(TargetKind.GATEWAY, "local"));
            assertThat(local.isImmutable()).isTrue();
            assertThat(local.origin()).isEqualTo("CreateRouteTable");
            assertThat(a.routes()).filteredOn(ObservedRoute::isImmutable).extracting(r -> r.destination().getClass().getSimpleName())
                    .as("the VPC's IPv4 and IPv6 local routes").contains("Ipv4Cidr", "Ipv6Cidr");

            ObservedRouteTable b = table(tables, rtbB);
            assertThat(b.zone()).isEqualTo(net.zone(1));
            assertThat(route(b, "0.0.0.0/0").target()).isEqualTo(RouteTarget.gateway(TargetKind.NAT_GATEWAY, natGw));
            assertThat(route(b, "10.255.0.53/32").target().instanceId()).isEqualTo(nat);
            assertThat(route(b, "10.255.0.53/32").target().kind()).isEqualTo(TargetKind.INSTANCE);
            assertThat(route(b, "198.51.100.0/24").target()).isEqualTo(RouteTarget.gateway(TargetKind.GATEWAY, net.internetGatewayId()));
            assertThat(b.routes()).noneMatch(ObservedRoute::blackhole);

            assertThat(table(tables, loose).zone()).as("no subnets, no zone").isNull();
            ObservedRouteTable main = tables.stream().filter(ObservedRouteTable::main).findFirst().orElseThrow();
            // The third subnet has no explicit association, so the main table serves it, and its AZ is the main table's.
            assertThat(main.subnetIds()).containsExactly(net.subnet(2));
            assertThat(main.zone()).isEqualTo(net.zone(2));
        }
    }

    @Test
    void describingTheVpcCostsOnePageOfTablesAndOneOfSubnetsHoweverManyRoutes(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String rtbA = net.routeTable(0);
            String rtbB = net.routeTable(1);
            Ec2RouteTables tables = adapter(aws);
            Map<String, Long> few = countDescribe(aws, tables, net);
            IntStream.range(0, 60).forEach(i -> {
                ec2.createRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("192.168." + i + ".0/24").gatewayId(net.internetGatewayId()));
                ec2.createRoute(r -> r.routeTableId(rtbB).destinationCidrBlock("192.168." + i + ".0/24").gatewayId(net.internetGatewayId()));
            });
            Map<String, Long> many = countDescribe(aws, tables, net);
            assertThat(many).isEqualTo(few).isEqualTo(Map.of("Ec2.DescribeRouteTables", 1L, "Ec2.DescribeSubnets", 1L));
        }
    }

    private static Map<String, Long> countDescribe(LocalAws aws, Ec2RouteTables tables, TestNetwork net) {
        aws.calls().reset();
        assertThat(tables.describeVpcTables(net.vpcId())).hasSize(3);
        return aws.calls().snapshot();
    }

    @Test
    void upsertCreatesReplacesAndRecoversFromAStaleView(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String natA = net.instance(0);
            String natB = net.instance(1);
            RouteTarget a = RouteTarget.eni(net.primaryEni(natA), natA);
            RouteTarget b = RouteTarget.eni(net.primaryEni(natB), natB);
            String rtb = net.routeTable(0);
            UnmanagedRoutes unmanaged = UnmanagedRoutes.install(aws, net);
            Ec2RouteTables tables = adapter(aws);
            Destination def = Destination.parse("0.0.0.0/0");

            aws.calls().reset();
            assertThat(tables.upsert(rtb, def, a, false, false).operation()).isEqualTo(Operation.CREATED);
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.CreateRoute", 1L));
            assertThat(target(tables, rtb, def).id()).isEqualTo(a.id());

            aws.calls().reset();
            assertThat(tables.upsert(rtb, def, b, true, false).operation()).isEqualTo(Operation.REPLACED);
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.ReplaceRoute", 1L));
            assertThat(target(tables, rtb, def).id()).isEqualTo(b.id());

            // Believed absent, but exists: CreateRoute answers RouteAlreadyExists, and we replace instead. (A gateway
            // target here: moto skips the duplicate check when CreateRoute names an ENI, and would overwrite.)
            RouteTarget igw = RouteTarget.gateway(TargetKind.GATEWAY, net.internetGatewayId());
            aws.calls().reset();
            assertThat(tables.upsert(rtb, def, igw, false, false).operation()).isEqualTo(Operation.REPLACED);
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.CreateRoute", 1L, "Ec2.ReplaceRoute", 1L));
            assertThat(target(tables, rtb, def)).isEqualTo(igw);

            // Believed present, but someone deleted it: ReplaceRoute fails, and we create instead.
            ec2.deleteRoute(r -> r.routeTableId(rtb).destinationCidrBlock("0.0.0.0/0"));
            aws.calls().reset();
            var outcome = tables.upsert(rtb, def, b, true, false);
            assertThat(outcome.operation()).isEqualTo(Operation.CREATED);
            assertThat(outcome.detail()).contains("vanished");
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.CreateRoute", 1L, "Ec2.ReplaceRoute", 1L));
            assertThat(target(tables, rtb, def).id()).isEqualTo(b.id());

            unmanaged.assertUnchanged("0.0.0.0/0");
        }
    }

    @Test
    void writesIpv6AndPrefixListRoutesToEnisAndGateways(LocalAws aws) {
        Ec2Client ec2 = aws.ec2();
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            ec2.associateVpcCidrBlock(r -> r.vpcId(net.vpcId()).amazonProvidedIpv6CidrBlock(true));
            String nat = net.instance(0);
            RouteTarget eni = RouteTarget.eni(net.primaryEni(nat), nat);
            String eigwId = ec2.createEgressOnlyInternetGateway(r -> r.vpcId(net.vpcId())).egressOnlyInternetGateway().egressOnlyInternetGatewayId();
            RouteTarget eigw = RouteTarget.gateway(TargetKind.EGRESS_ONLY_INTERNET_GATEWAY, eigwId);
            RouteTarget natGw = RouteTarget.gateway(TargetKind.NAT_GATEWAY, net.natGateway(0));
            String pl = ec2.createManagedPrefixList(r -> r.prefixListName("p").addressFamily("IPv4").maxEntries(2)
                    .entries(e -> e.cidr("192.0.2.0/24"))).prefixList().prefixListId();
            String rtb = net.routeTable(0);
            Ec2RouteTables tables = adapter(aws);
            Destination v6 = Destination.parse("::/0");
            Destination prefixList = Destination.parse(pl);

            tables.upsert(rtb, v6, eni, false, false);
            assertThat(target(tables, rtb, v6).id()).isEqualTo(eni.id());
            assertThat(tables.upsert(rtb, v6, eigw, true, false).operation()).isEqualTo(Operation.REPLACED);
            assertThat(target(tables, rtb, v6)).isEqualTo(eigw);

            // Create to a gateway first: moto drops the destination of CreateRoute with a prefix list and an ENI.
            assertThat(tables.upsert(rtb, prefixList, natGw, false, false).operation()).isEqualTo(Operation.CREATED);
            assertThat(target(tables, rtb, prefixList)).isEqualTo(natGw);
            assertThat(tables.upsert(rtb, prefixList, eni, true, false).operation()).isEqualTo(Operation.REPLACED);
            assertThat(target(tables, rtb, prefixList).id()).isEqualTo(eni.id());

            assertThat(tables.delete(rtb, v6, false).operation()).isEqualTo(Operation.DELETED);
            assertThat(tables.delete(rtb, prefixList, false).operation()).isEqualTo(Operation.DELETED);
            assertThat(table(tables.describeTables(List.of(rtb)), rtb).route(v6)).isEmpty();
            assertThat(table(tables.describeTables(List.of(rtb)), rtb).route(prefixList)).isEmpty();
        }
    }

    @Test
    void deleteWithdrawsAndAnAbsentRouteIsNotAnError(LocalAws aws) {
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            String nat = net.instance(0);
            String rtb = net.routeTable(0);
            UnmanagedRoutes unmanaged = UnmanagedRoutes.install(aws, net);
            Ec2RouteTables tables = adapter(aws);
            Destination svc = Destination.parse("10.255.0.53");
            tables.upsert(rtb, svc, RouteTarget.eni(net.primaryEni(nat), nat), false, false);

            assertThat(tables.delete(rtb, svc, false).operation()).isEqualTo(Operation.DELETED);
            assertThat(table(tables.describeTables(List.of(rtb)), rtb).route(svc)).isEmpty();
            assertThat(tables.delete(rtb, svc, false).operation()).isEqualTo(Operation.NONE);
            unmanaged.assertUnchanged();
        }
    }

    @Test
    void aMissingTableOrTargetIsAClearErrorThatChangesNothing(LocalAws aws) {
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            String rtb = net.routeTable(0);
            UnmanagedRoutes unmanaged = UnmanagedRoutes.install(aws, net);
            Ec2RouteTables tables = adapter(aws);
            Destination def = Destination.parse("0.0.0.0/0");

            assertThatThrownBy(() -> tables.upsert("rtb-0123456789abcdef0", def, RouteTarget.gateway(TargetKind.GATEWAY, net.internetGatewayId()), false, false))
                    .isInstanceOf(RouteChangeException.class)
                    .hasMessageContaining("rtb-0123456789abcdef0 does not exist")
                    .satisfies(e -> assertThat(((RouteChangeException) e).errorCode()).isEqualTo("InvalidRouteTableID.NotFound"));
            assertThatThrownBy(() -> tables.upsert(rtb, def, RouteTarget.eni("eni-0123456789abcdef0", null), false, false))
                    .isInstanceOf(RouteChangeException.class)
                    .hasMessageContaining("eni-0123456789abcdef0");
            assertThat(tables.describeTables(List.of("rtb-0123456789abcdef0"))).isEmpty();
            unmanaged.assertUnchanged();
        }
    }

    private static RouteTarget target(Ec2RouteTables tables, String rtb, Destination d) {
        return table(tables.describeTables(List.of(rtb)), rtb).route(d).orElseThrow().target();
    }
}
