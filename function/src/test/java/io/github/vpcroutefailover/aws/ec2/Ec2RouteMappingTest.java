package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Route;

/** Route shapes EC2 returns that the emulator cannot produce (transit, local, carrier gateways, Cloud WAN, GWLB endpoints). */
class Ec2RouteMappingTest {

    @Test
    void mapsEveryTargetKind() {
        assertThat(Ec2RouteTables.target(Route.builder().instanceId("i-1").networkInterfaceId("eni-1").build()))
                .isEqualTo(new RouteTarget(TargetKind.INSTANCE, "eni-1", "i-1"));
        assertThat(Ec2RouteTables.target(Route.builder().networkInterfaceId("eni-2").build()))
                .isEqualTo(new RouteTarget(TargetKind.NETWORK_INTERFACE, "eni-2", null));
        assertThat(Ec2RouteTables.target(Route.builder().natGatewayId("nat-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-1"));
        assertThat(Ec2RouteTables.target(Route.builder().transitGatewayId("tgw-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY, "tgw-1"));
        assertThat(Ec2RouteTables.target(Route.builder().vpcPeeringConnectionId("pcx-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.VPC_PEERING_CONNECTION, "pcx-1"));
        assertThat(Ec2RouteTables.target(Route.builder().egressOnlyInternetGatewayId("eigw-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.EGRESS_ONLY_INTERNET_GATEWAY, "eigw-1"));
        assertThat(Ec2RouteTables.target(Route.builder().localGatewayId("lgw-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.LOCAL_GATEWAY, "lgw-1"));
        assertThat(Ec2RouteTables.target(Route.builder().carrierGatewayId("cagw-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.CARRIER_GATEWAY, "cagw-1"));
        String arn = "arn:aws:networkmanager::123456789012:core-network/core-network-1";
        assertThat(Ec2RouteTables.target(Route.builder().coreNetworkArn(arn).build())).isEqualTo(RouteTarget.gateway(TargetKind.CORE_NETWORK, arn));
        assertThat(Ec2RouteTables.target(Route.builder().gatewayId("vpce-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.VPC_ENDPOINT, "vpce-1"));
        assertThat(Ec2RouteTables.target(Route.builder().gatewayId("igw-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.GATEWAY, "igw-1"));
        assertThat(Ec2RouteTables.target(Route.builder().gatewayId("vgw-1").build())).isEqualTo(RouteTarget.gateway(TargetKind.GATEWAY, "vgw-1"));
        assertThat(Ec2RouteTables.target(Route.builder().gatewayId("local").build())).isEqualTo(RouteTarget.gateway(TargetKind.GATEWAY, "local"));
        assertThat(Ec2RouteTables.target(Route.builder().build())).isNull();
    }

    @Test
    void mapsEveryDestinationKindToCanonicalForm() {
        assertThat(Ec2RouteTables.destination(Route.builder().destinationCidrBlock("10.0.0.0/8").build())).isEqualTo(new Destination.Ipv4Cidr("10.0.0.0/8"));
        assertThat(Ec2RouteTables.destination(Route.builder().destinationIpv6CidrBlock("2600:1F18:0::/56").build()))
                .isEqualTo(new Destination.Ipv6Cidr("2600:1f18::/56"));
        assertThat(Ec2RouteTables.destination(Route.builder().destinationPrefixListId("pl-0123abcd").build())).isEqualTo(new Destination.PrefixList("pl-0123abcd"));
        assertThat(Ec2RouteTables.destination(Route.builder().build())).isNull();
    }

    @Test
    void recognisesAMissingRouteByEitherOfEc2sErrors() {
        assertThat(Ec2RouteTables.routeMissing(error("InvalidRoute.NotFound", "no route with destination-cidr-block 0.0.0.0/0"))).isTrue();
        assertThat(Ec2RouteTables.routeMissing(error("InvalidParameterValue",
                "There is no route defined for '0.0.0.0/0' in the route table. Use CreateRoute instead."))).isTrue();
        assertThat(Ec2RouteTables.routeMissing(error("InvalidParameterValue", "Value (x) for parameter networkInterfaceId is invalid"))).isFalse();
        assertThat(Ec2RouteTables.routeMissing(error("InvalidRouteTableID.NotFound", "The routeTable ID 'rtb-1' does not exist"))).isFalse();
    }

    private static Ec2Exception error(String code, String message) {
        return (Ec2Exception) Ec2Exception.builder().awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
    }
}
