package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome.Operation;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The transit gateway half of {@link Ec2RouteTables} against the emulator, limited to what moto serves faithfully
 * (create, delete, search, describe; no Replace, and route attachments are lost on its wire): the Replace request and
 * the attachment mapping are pinned down by {@link Ec2TransitGatewayRequestShapeTest} and {@code Ec2TransitGatewayRouteMappingTest}.
 */
@ExtendWith(LocalAwsExtension.class)
class Ec2TransitGatewayRouteTablesIT {
    private static final String CIDR = "10.20.0.0/16";

    private static RouteTarget attachment(String id) {
        return RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, id);
    }

    private static ObservedRouteTable only(List<ObservedRouteTable> tables) {
        assertThat(tables).hasSize(1);
        return tables.get(0);
    }

    @Test
    void createsReadsAndDeletesStaticRoutesInCallsThatDoNotGrowWithRoutes(LocalAws aws) {
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        Ec2RouteTables adapter = new Ec2RouteTables(ec2);

        assertThat(adapter.upsert(w.table, Destination.parse(CIDR), attachment(w.attachA), false, false).operation()).isEqualTo(Operation.CREATED);
        for (int i = 0; i < 5; i++) {
            String other = "10.3" + i + ".0.0/16";
            ec2.createTransitGatewayRoute(r -> r.transitGatewayRouteTableId(w.table).destinationCidrBlock(other)
                    .transitGatewayAttachmentId(w.attachB));
        }
        aws.calls().reset();
        ObservedRouteTable t = only(adapter.describeTables(List.of(w.table, "tgw-rtb-0000000000000dead")));
        assertThat(aws.calls().calls("Ec2.SearchTransitGatewayRoutes")).as("one search per table, whatever its routes").isEqualTo(1);
        assertThat(aws.calls().total()).as("describe, search, attachments").isEqualTo(3);
        assertThat(t.transitGateway()).isTrue();
        assertThat(t.vpcId()).isNull();
        assertThat(t.routes()).hasSize(6);
        ObservedRoute r = t.route(Destination.parse(CIDR)).orElseThrow();
        assertThat(r.origin()).isEqualTo(ObservedRoute.TGW_STATIC);
        assertThat(r.isImmutable()).isFalse();
        // moto 5.2.x drops a route's attachments on the wire (<transitGatewayAttachments/>), so the target it reports
        // is null and, forwarding nowhere we can see, the route reads as a blackhole; see docs/adapters.md.

        assertThat(adapter.delete(w.table, Destination.parse(CIDR), false).operation()).isEqualTo(Operation.DELETED);
        assertThat(w.route(CIDR)).isNull();
        assertThat(w.route("10.30.0.0/16")).as("other routes untouched").isNotNull();
    }

    @Test
    void aBlackholeStaticRouteIsReportedAsOneAndStaysOursToReplace(LocalAws aws) {
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        Ec2RouteTables adapter = new Ec2RouteTables(ec2);
        ec2.createTransitGatewayRoute(r -> r.transitGatewayRouteTableId(w.table).destinationCidrBlock("10.40.0.0/16").blackhole(true));

        ObservedRoute hole = only(adapter.describeTables(List.of(w.table))).route(Destination.parse("10.40.0.0/16")).orElseThrow();
        assertThat(hole.blackhole()).isTrue();
        assertThat(hole.target()).isNull();
        assertThat(hole.isImmutable()).as("a static blackhole is ours to replace").isFalse();
    }

    @Test
    void aTableThatVanishedIsLeftOutAndVpcTablesAreUnaffected(LocalAws aws) {
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2RouteTables adapter = new Ec2RouteTables(AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build());
        String rtb = w.inspectA.routeTable(0, "tier=private");
        List<ObservedRouteTable> tables = adapter.describeTables(List.of(rtb, "tgw-rtb-0000000000000dead"));
        assertThat(tables).extracting(ObservedRouteTable::id).containsExactly(rtb);
        assertThat(adapter.describeTables(List.of(w.table, rtb))).extracting(ObservedRouteTable::id).containsExactlyInAnyOrder(w.table, rtb);
    }

    @Test
    void existenceIsAskedWithoutReadingRoutesAndADeletedTableIsGone(LocalAws aws) {
        // What closes a data-path alert on a deleted table (CorrelatedAlerts.closeOnDeletedTables): both table kinds,
        // unknown ids left out, a deleted transit gateway table (moto may still list it as 'deleted') is gone.
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2RouteTables adapter = new Ec2RouteTables(AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build());
        String rtb = w.inspectA.routeTable(0, "tier=private");
        String spare = aws.ec2().createTransitGatewayRouteTable(r -> r.transitGatewayId(w.tgw)).transitGatewayRouteTable()
                .transitGatewayRouteTableId();
        aws.calls().reset();

        assertThat(adapter.existingTables(List.of(rtb, w.table, spare, "rtb-0000000000000dead", "tgw-rtb-0000000000000dead")))
                .containsExactlyInAnyOrder(rtb, w.table, spare);
        assertThat(aws.calls().snapshot()).as("one read per kind, no routes, subnets or attachments")
                .isEqualTo(java.util.Map.of("Ec2.DescribeRouteTables", 1L, "Ec2.DescribeTransitGatewayRouteTables", 1L));

        aws.ec2().deleteTransitGatewayRouteTable(r -> r.transitGatewayRouteTableId(spare));
        assertThat(adapter.existingTables(List.of(spare, w.table))).containsExactly(w.table);
    }
}
