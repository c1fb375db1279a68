package io.github.vpcroutefailover.aws.ec2;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRoute;

/**
 * A transit gateway with a route table and two inspection VPCs, each attached and each with an appliance
 * instance: the world of the transit gateway ITs.
 */
public final class TransitGatewayWorld {
    public final TestNetwork inspectA;
    public final TestNetwork inspectB;
    public final String tgw;
    public final String table;
    public final String attachA;
    public final String attachB;
    public final String applianceA;
    public final String applianceB;
    private final Ec2Client ec2;

    public TransitGatewayWorld(LocalAws aws) {
        this.ec2 = aws.ec2();
        this.inspectA = TestNetwork.create(aws, "10.1.0.0/16", 1);
        this.inspectB = TestNetwork.create(aws, "10.2.0.0/16", 1);
        this.tgw = ec2.createTransitGateway(r -> r.description("vrf-test")).transitGateway().transitGatewayId();
        this.table = ec2.createTransitGatewayRouteTable(r -> r.transitGatewayId(tgw)).transitGatewayRouteTable().transitGatewayRouteTableId();
        this.attachA = attach(inspectA);
        this.attachB = attach(inspectB);
        this.applianceA = inspectA.instance(0, "role=firewall");
        this.applianceB = inspectB.instance(0, "role=firewall");
    }

    private String attach(TestNetwork net) {
        return ec2.createTransitGatewayVpcAttachment(r -> r.transitGatewayId(tgw).vpcId(net.vpcId()).subnetIds(net.subnet(0)))
                .transitGatewayVpcAttachment().transitGatewayAttachmentId();
    }

    /** The static route to {@code cidr} as the emulator holds it, or null. */
    public TransitGatewayRoute route(String cidr) {
        return ec2.searchTransitGatewayRoutes(r -> r.transitGatewayRouteTableId(table)
                        .filters(f -> f.name("route-search.exact-match").values(cidr)))
                .routes().stream().findFirst().orElse(null);
    }
}
