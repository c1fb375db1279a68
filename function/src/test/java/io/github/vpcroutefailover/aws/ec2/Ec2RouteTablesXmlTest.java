package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.light.CannedXmlHttp;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.light.LightEc2Client;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * The light client's DescribeRouteTables and DescribeSubnets are read from the XML answer, every other client's from
 * the SDK's models: on the same bytes both readings must give the same tables. (Against moto: LightClientsIT.)
 */
class Ec2RouteTablesXmlTest {
    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final String PRIMING = "/io/github/vpcroutefailover/handler/priming/";

    /** Answers DescribeRouteTables and DescribeSubnets by action, each page by the token in the request. */
    private static Function<String, String> answers(Map<String, String> byActionAndToken) {
        return form -> {
            String action = form.contains("Action=DescribeSubnets") ? "subnets" : "tables";
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("NextToken=([^&]*)").matcher(form);
            String key = action + (m.find() ? ":" + m.group(1) : "");
            String body = byActionAndToken.get(key);
            if (body == null) {
                throw new AssertionError("no answer for " + key + " (" + form + ")");
            }
            return body;
        };
    }

    private static List<ObservedRouteTable> bothWays(Function<String, String> answer, Function<Ec2RouteTables, List<ObservedRouteTable>> read) {
        List<ObservedRouteTable> xml = read.apply(new Ec2RouteTables(light(answer, new ArrayList<>())));
        List<ObservedRouteTable> sdk = read.apply(new Ec2RouteTables(CannedXmlHttp.viaModels(light(answer, new ArrayList<>()))));
        assertThat(xml).isEqualTo(sdk);
        return xml;
    }

    @Test
    void theAwsShapedAnswersReadTheSameAsThroughTheSdkModels() {
        Function<String, String> answer = answers(Map.of("tables", CannedXmlHttp.resource(PRIMING + "DescribeRouteTables.xml"),
                "subnets", CannedXmlHttp.resource(PRIMING + "DescribeSubnets.xml")));
        List<ObservedRouteTable> tables = bothWays(answer, rt -> rt.describeVpcTables("vpc-0123456789abcdef0"));
        assertThat(tables).isNotEmpty();
        assertThat(tables).allSatisfy(t -> assertThat(t.routes()).isNotEmpty());
        assertThat(tables).anySatisfy(t -> assertThat(t.subnetIds()).isNotEmpty());
        bothWays(answer, rt -> rt.describeTables(tables.stream().map(ObservedRouteTable::id).toList()));
    }

    @Test
    void everyTargetKindDestinationStateAndAssociationReadsTheSame() {
        String tables = answer("DescribeRouteTables", """
                <routeTableSet>
                  <item><routeTableId>rtb-main</routeTableId><vpcId>vpc-1</vpcId>
                    <routeSet>
                      <item><destinationCidrBlock>10.0.0.0/16</destinationCidrBlock><gatewayId>local</gatewayId><state>active</state><origin>CreateRouteTable</origin></item>
                      <item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><instanceId>i-1</instanceId><networkInterfaceId>eni-1</networkInterfaceId><state>active</state><origin>CreateRoute</origin></item>
                      <item><destinationCidrBlock>10.9.0.0/16</destinationCidrBlock><instanceId>i-2</instanceId><state>blackhole</state></item>
                      <item><destinationCidrBlock>10.1.0.0/16</destinationCidrBlock><natGatewayId>nat-1</natGatewayId><state>BLACKHOLE</state></item>
                      <item><destinationCidrBlock>10.2.0.0/16</destinationCidrBlock><transitGatewayId>tgw-1</transitGatewayId></item>
                      <item><destinationCidrBlock>10.3.0.0/16</destinationCidrBlock><vpcPeeringConnectionId>pcx-1</vpcPeeringConnectionId></item>
                      <item><destinationIpv6CidrBlock>::/0</destinationIpv6CidrBlock><egressOnlyInternetGatewayId>eigw-1</egressOnlyInternetGatewayId></item>
                      <item><destinationPrefixListId>pl-0123abcd</destinationPrefixListId><localGatewayId>lgw-1</localGatewayId></item>
                      <item><destinationCidrBlock>10.4.0.0/16</destinationCidrBlock><carrierGatewayId>cagw-1</carrierGatewayId></item>
                      <item><destinationCidrBlock>10.5.0.0/16</destinationCidrBlock><coreNetworkArn>arn:aws:networkmanager::1:core-network/c-1</coreNetworkArn></item>
                      <item><destinationCidrBlock>10.6.0.0/16</destinationCidrBlock><gatewayId>vpce-1</gatewayId></item>
                      <item><destinationCidrBlock>10.7.0.0/16</destinationCidrBlock><gatewayId>igw-1</gatewayId></item>
                      <item><gatewayId>igw-2</gatewayId><someFutureMember>x</someFutureMember></item>
                    </routeSet>
                    <associationSet><item><main>TRUE</main><routeTableAssociationId>rtbassoc-1</routeTableAssociationId></item></associationSet>
                    <tagSet><item><key>tier</key><value>private</value></item><item><key>empty</key><value></value></item><item><key>novalue</key></item></tagSet>
                  </item>
                  <item><routeTableId>rtb-a</routeTableId><vpcId>vpc-1</vpcId>
                    <routeSet><item><destinationCidrBlock>0.0.0.0/0</destinationCidrBlock><networkInterfaceId>eni-2</networkInterfaceId></item></routeSet>
                    <associationSet><item><subnetId>subnet-a</subnetId><main>false</main></item><item><subnetId>subnet-a2</subnetId><main></main></item></associationSet>
                  </item>
                  <item><routeTableId>rtb-edge</routeTableId><vpcId>vpc-1</vpcId>
                    <routeSet><item><destinationCidrBlock>10.0.1.0/24</destinationCidrBlock><networkInterfaceId>eni-fw</networkInterfaceId></item></routeSet>
                    <associationSet><item><gatewayId>igw-1</gatewayId></item></associationSet>
                  </item>
                  <item><routeTableId>rtb-empty</routeTableId></item>
                </routeTableSet>""");
        String subnets = answer("DescribeSubnets", """
                <subnetSet>
                  <item><subnetId>subnet-a</subnetId><availabilityZone>eu-west-1a</availabilityZone><vpcId>vpc-1</vpcId><cidrBlock>10.0.1.0/24</cidrBlock>
                    <ipv6CidrBlockAssociationSet><item><ipv6CidrBlock>2001:db8::/64</ipv6CidrBlock></item><item><associationId>x</associationId></item></ipv6CidrBlockAssociationSet></item>
                  <item><subnetId>subnet-a2</subnetId><availabilityZone>eu-west-1a</availabilityZone><vpcId>vpc-1</vpcId><cidrBlock>10.0.2.0/24</cidrBlock></item>
                  <item><subnetId>subnet-b</subnetId><availabilityZone>eu-west-1b</availabilityZone><availabilityZone>eu-west-1c</availabilityZone><vpcId>vpc-1</vpcId></item>
                  <item><subnetId>subnet-other</subnetId><vpcId>vpc-2</vpcId><cidrBlock>10.8.0.0/24</cidrBlock></item>
                </subnetSet>""");
        Function<String, String> answer = answers(Map.of("tables", tables, "subnets", subnets));
        List<ObservedRouteTable> read = bothWays(answer, rt -> rt.describeVpcTables("vpc-1"));

        ObservedRouteTable main = read.stream().filter(t -> t.id().equals("rtb-main")).findFirst().orElseThrow();
        assertThat(main.main()).as("<main>TRUE</main>, as the SDK reads it").isTrue();
        assertThat(main.subnetIds()).as("the main table serves every subnet without an explicit association").containsExactlyInAnyOrder("subnet-b", "subnet-other");
        assertThat(main.tags()).containsOnly(Map.entry("tier", "private"), Map.entry("empty", ""), Map.entry("novalue", ""));
        assertThat(main.routes()).hasSize(12).extracting(ObservedRoute::target).contains(
                RouteTarget.eni("eni-1", "i-1"), new RouteTarget(TargetKind.INSTANCE, "i-2", "i-2"),
                RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-1"), RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY, "tgw-1"),
                RouteTarget.gateway(TargetKind.VPC_PEERING_CONNECTION, "pcx-1"), RouteTarget.gateway(TargetKind.EGRESS_ONLY_INTERNET_GATEWAY, "eigw-1"),
                RouteTarget.gateway(TargetKind.LOCAL_GATEWAY, "lgw-1"), RouteTarget.gateway(TargetKind.CARRIER_GATEWAY, "cagw-1"),
                RouteTarget.gateway(TargetKind.CORE_NETWORK, "arn:aws:networkmanager::1:core-network/c-1"),
                RouteTarget.gateway(TargetKind.VPC_ENDPOINT, "vpce-1"), RouteTarget.gateway(TargetKind.GATEWAY, "igw-1"));
        assertThat(main.routes()).filteredOn(ObservedRoute::blackhole).extracting(r -> r.destination().value())
                .as("blackhole, exactly as EC2 spells it").containsExactly("10.9.0.0/16");
        assertThat(main.routes()).extracting(r -> r.destination()).contains(Destination.parse("::/0"), Destination.parse("pl-0123abcd"));

        ObservedRouteTable a = read.stream().filter(t -> t.id().equals("rtb-a")).findFirst().orElseThrow();
        assertThat(a.main()).as("false and an empty <main/>").isFalse();
        assertThat(a.zone()).isEqualTo("eu-west-1a");
        ObservedRouteTable edge = read.stream().filter(t -> t.id().equals("rtb-edge")).findFirst().orElseThrow();
        assertThat(edge.subnetCidrs()).as("the VPC's subnet blocks, IPv6 too, not another VPC's")
                .containsExactlyInAnyOrder(Destination.parse("10.0.1.0/24"), Destination.parse("10.0.2.0/24"), Destination.parse("2001:db8::/64"));
    }

    @Test
    void everyPageOfTablesAndSubnetsIsRead() {
        List<String> requests = new ArrayList<>();
        Function<String, String> answer = answers(Map.of(
                "tables", answer("DescribeRouteTables", "<routeTableSet><item><routeTableId>rtb-1</routeTableId><vpcId>vpc-1</vpcId></item></routeTableSet><nextToken>t2</nextToken>"),
                "tables:t2", answer("DescribeRouteTables", "<routeTableSet><item><routeTableId>rtb-2</routeTableId><vpcId>vpc-1</vpcId>"
                        + "<associationSet><item><main>true</main></item></associationSet></item></routeTableSet><nextToken></nextToken>"),
                "subnets", answer("DescribeSubnets", "<subnetSet><item><subnetId>subnet-1</subnetId><vpcId>vpc-1</vpcId></item></subnetSet><nextToken>s2</nextToken>"),
                "subnets:s2", answer("DescribeSubnets", "<subnetSet><item><subnetId>subnet-2</subnetId><vpcId>vpc-1</vpcId></item></subnetSet>")));
        List<ObservedRouteTable> read = new Ec2RouteTables(light(answer, requests)).describeVpcTables("vpc-1");
        assertThat(read).extracting(ObservedRouteTable::id).containsExactly("rtb-1", "rtb-2");
        assertThat(read.get(1).subnetIds()).containsExactlyInAnyOrder("subnet-1", "subnet-2");
        assertThat(requests).hasSize(4);
        assertThat(requests.get(0)).contains("Action=DescribeRouteTables", "Filter.1.Name=vpc-id", "Filter.1.Value.1=vpc-1", "MaxResults=100");
        assertThat(requests.get(2)).contains("Action=DescribeSubnets", "MaxResults=100");
        assertThat(read).isEqualTo(new Ec2RouteTables(CannedXmlHttp.viaModels(light(answer, new ArrayList<>()))).describeVpcTables("vpc-1"));
    }

    @Test
    void byIdTheRequestFiltersOnTheIdsAndThenTheirVpcsSubnets() {
        List<String> requests = new ArrayList<>();
        Function<String, String> answer = answers(Map.of(
                "tables", answer("DescribeRouteTables", "<routeTableSet><item><routeTableId>rtb-1</routeTableId><vpcId>vpc-1</vpcId></item></routeTableSet>"),
                "subnets", answer("DescribeSubnets", "<subnetSet/>")));
        bothWays(answer, rt -> rt.describeTables(List.of("rtb-1", "rtb-gone")));
        new Ec2RouteTables(light(answer, requests)).describeTables(List.of("rtb-1", "rtb-gone"));
        assertThat(requests.get(0)).contains("Filter.1.Name=route-table-id", "rtb-gone").doesNotContain("MaxResults");
        assertThat(requests.get(1)).contains("Action=DescribeSubnets", "Filter.1.Name=vpc-id", "Filter.1.Value.1=vpc-1");
    }

    @Test
    void errorsAndAnswersThatAreNotAnswersAreErrors() {
        LightEc2Client refusing = light(req -> { throw CannedXmlHttp.Refused.ec2Unauthorized(); }, new ArrayList<>());
        assertThatThrownBy(() -> new Ec2RouteTables(refusing).describeVpcTables("vpc-1"))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation"));
        assertThatThrownBy(() -> new Ec2RouteTables(light(req -> "<DescribeRouteTablesResponse><routeTableSet><item>", new ArrayList<>()))
                .describeVpcTables("vpc-1")).isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> new Ec2RouteTables(light(req -> "<html><body>proxy</body></html>", new ArrayList<>())).describeVpcTables("vpc-1"))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("DescribeRouteTablesResponse");
        List<String> requests = new ArrayList<>();
        String same = answer("DescribeSubnets", "<subnetSet/><nextToken>same</nextToken>");
        Function<String, String> loop = answers(Map.of("tables", answer("DescribeRouteTables",
                "<routeTableSet><item><routeTableId>rtb-1</routeTableId><vpcId>vpc-1</vpcId></item></routeTableSet>"), "subnets", same, "subnets:same", same));
        assertThatThrownBy(() -> new Ec2RouteTables(light(loop, requests)).describeVpcTables("vpc-1"))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("Ec2.DescribeSubnets").hasMessageContaining("same");
        assertThat(requests).hasSize(3);
    }

    private static String answer(String operation, String inner) {
        return "<" + operation + "Response xmlns=\"" + NS + "\"><requestId>r</requestId>" + inner + "</" + operation + "Response>";
    }

    private static LightEc2Client light(Function<String, String> answerOf, List<String> requests) {
        return (LightEc2Client) LightClients.ec2(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
                URI.create("https://ec2.test.invalid"), List.of(), CannedXmlHttp.http(answerOf, requests));
    }
}
