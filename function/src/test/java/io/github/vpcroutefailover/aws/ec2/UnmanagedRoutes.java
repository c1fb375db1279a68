package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * Routes that no config manages, put into every table of a test: to the internet gateway, to a VPC peering
 * connection, and a /24 to the same peering. Tests snapshot them before and assert them unchanged after.
 */
public final class UnmanagedRoutes {
    public static final String IGW_DEST = "198.51.100.0/24";
    public static final String PCX_DEST = "172.31.0.0/16";
    public static final String OTHER_DEST = "203.0.113.0/24";

    private final Ec2Client ec2;
    private final String vpcId;
    private final Map<String, String> before;

    private UnmanagedRoutes(Ec2Client ec2, String vpcId) {
        this.ec2 = ec2;
        this.vpcId = vpcId;
        this.before = snapshot();
    }

    /** Adds the unmanaged routes to every table of the network's VPC (main table included) and snapshots every table. */
    public static UnmanagedRoutes install(LocalAws aws, TestNetwork net) {
        Ec2Client ec2 = aws.ec2();
        String peerVpc = ec2.createVpc(r -> r.cidrBlock("172.31.0.0/16")).vpc().vpcId();
        String pcx = ec2.createVpcPeeringConnection(r -> r.vpcId(net.vpcId()).peerVpcId(peerVpc))
                .vpcPeeringConnection().vpcPeeringConnectionId();
        for (RouteTable t : tables(ec2, net.vpcId())) {
            ec2.createRoute(r -> r.routeTableId(t.routeTableId()).destinationCidrBlock(IGW_DEST).gatewayId(net.internetGatewayId()));
            ec2.createRoute(r -> r.routeTableId(t.routeTableId()).destinationCidrBlock(PCX_DEST).vpcPeeringConnectionId(pcx));
            ec2.createRoute(r -> r.routeTableId(t.routeTableId()).destinationCidrBlock(OTHER_DEST).gatewayId(net.internetGatewayId()));
        }
        return new UnmanagedRoutes(ec2, net.vpcId());
    }

    /** Every route that is not one of {@code managedDestinations}, per table, is exactly as it was at install time. */
    public void assertUnchanged(String... managedDestinations) {
        Map<String, String> now = snapshot();
        Map<String, String> expected = new TreeMap<>(before);
        List<String> managed = List.of(managedDestinations);
        expected.keySet().removeIf(k -> managed.stream().anyMatch(m -> k.endsWith("|" + m)));
        now.keySet().removeIf(k -> managed.stream().anyMatch(m -> k.endsWith("|" + m)));
        assertThat(now).as("unmanaged routes").isEqualTo(expected);
        assertThat(expected.keySet()).as("the unmanaged routes are in place")
                .anyMatch(k -> k.endsWith("|" + IGW_DEST)).anyMatch(k -> k.endsWith("|" + PCX_DEST));
    }

    private Map<String, String> snapshot() {
        Map<String, String> out = new TreeMap<>();
        for (RouteTable t : tables(ec2, vpcId)) {
            for (Route r : t.routes()) {
                String dest = r.destinationCidrBlock() != null ? r.destinationCidrBlock()
                        : r.destinationIpv6CidrBlock() != null ? r.destinationIpv6CidrBlock() : r.destinationPrefixListId();
                out.put(t.routeTableId() + "|" + dest, r.toBuilder().build().toString());
            }
        }
        return out;
    }

    private static List<RouteTable> tables(Ec2Client ec2, String vpcId) {
        return ec2.describeRouteTablesPaginator(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .routeTables().stream().collect(Collectors.toList());
    }
}
