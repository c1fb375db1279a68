package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The config of transit gateway route tables, gateway route tables and endpoint/attachment targets. */
class TableKindsConfigTest {
    private static final String HEAD = """
            version: 1
            vpc: vpc-0123456789abcdef0
            checks:
              ec2: {type: ec2-status}
              tcp: {type: tcp, port: 22}
              alarm: {type: alarm, alarmName: fw-a}
            targets:
              inspect-a: {transitGatewayAttachment: tgw-attach-0123456789abcdef0, appliance: i-0123456789abcdef0, checks: [ec2]}
              inspect-b: {transitGatewayAttachment: tgw-attach-0123456789abcdef1, checks: [alarm]}
              fw-a: {instance: i-0123456789abcdef0, checks: [ec2]}
              gwlbe-a: {vpcEndpoint: vpce-0123456789abcdef0, appliance: i-0123456789abcdef0, checks: [ec2]}
              nat-gw: {natGateway: nat-0123456789abcdef0}
            routes:
            """;

    private static List<ConfigProblem> problems(String routes) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(HEAD + routes, "t.yaml"));
        assertThat(e).as("the config must be refused").isNotNull();
        return e.problems();
    }

    @Test
    void aTransitGatewayRouteWithAttachmentsParses() {
        FailoverConfig c = ConfigLoader.parse(HEAD + """
                  - name: spoke
                    destination: 10.20.0.0/16
                    routeTables: [{transitGatewayRouteTable: tgw-rtb-0123456789abcdef0}]
                    targets: [inspect-a, inspect-b]
                  - name: ingress
                    destination: 10.0.1.0/24
                    routeTables: [{gateway: igw-0123456789abcdef0}]
                    targets: [gwlbe-a, fw-a]
                """, "t.yaml");
        assertThat(c.routes().get(0).routeTables()).containsExactly(new TableSelector.TransitGatewayTable("tgw-rtb-0123456789abcdef0", false));
        assertThat(c.targets().get("inspect-a")).isEqualTo(new TargetSpec.Gateway("inspect-a", TargetKind.TRANSIT_GATEWAY_ATTACHMENT,
                "tgw-attach-0123456789abcdef0", List.of("ec2"), "i-0123456789abcdef0"));
        assertThat(c.routes().get(1).routeTables()).containsExactly(new TableSelector.ByGateway("igw-0123456789abcdef0", false));
    }

    @Test
    void aTransitGatewayRouteTakesAttachmentsOnly() {
        assertThat(problems("""
                  - name: spoke
                    destination: 10.20.0.0/16
                    routeTables: [{transitGatewayRouteTable: tgw-rtb-0123456789abcdef0}]
                    targets: [inspect-a, nat-gw]
                """)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("routes[0].targets[1]");
            assertThat(p.message()).contains("not a transitGatewayAttachment");
        });
    }

    @Test
    void anAttachmentNeverServesAVpcTableAndTheTwoKindsNeverMixInOneRoute() {
        assertThat(problems("""
                  - name: egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [inspect-a]
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("only transit gateway route tables take"));
        assertThat(problems("""
                  - name: both
                    destination: 10.20.0.0/16
                    routeTables: [{transitGatewayRouteTable: tgw-rtb-0123456789abcdef0}, {tags: {tier: private}}]
                    targets: [inspect-a]
                """)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("routes[0].routeTables[1]");
            assertThat(p.message()).contains("not both");
        });
    }

    @Test
    void prefixListsAreRefusedWhereAwsRefusesThem() {
        assertThat(problems("""
                  - name: spoke
                    destination: pl-0123456789abcdef0
                    routeTables: [{transitGatewayRouteTable: tgw-rtb-0123456789abcdef0}]
                    targets: [inspect-a]
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("prefix-list references"));
        assertThat(problems("""
                  - name: ingress
                    destination: pl-0123456789abcdef0
                    routeTables: [{gateway: igw-0123456789abcdef0}]
                    targets: [fw-a]
                """)).singleElement().satisfies(p -> assertThat(p.message()).contains("gateway route table"));
    }

    @Test
    void aGatewayTableTakesEnisAndEndpointsOnly() {
        assertThat(problems("""
                  - name: ingress
                    destination: 10.0.1.0/24
                    routeTables: [{gateway: igw-0123456789abcdef0}]
                    targets: [fw-a]
                    fallback: [nat-gw]
                """)).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("routes[0].fallback[0]");
            assertThat(p.message()).contains("Gateway Load Balancer endpoints");
        });
    }

    @Test
    void badIdsAndMisplacedAppliancesNameTheFieldAndTheFix() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("""
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  tcp: {type: tcp, port: 22}
                  ec2: {type: ec2-status}
                targets:
                  a: {transitGatewayAttachment: tgw-0123456789abcdef0, checks: []}
                  b: {natGateway: nat-0123456789abcdef0, appliance: i-0123456789abcdef0}
                  c: {vpcEndpoint: vpce-0123456789abcdef0, appliance: i-0123456789abcdef0, checks: [tcp]}
                  d: {vpcEndpoint: vpce-0123456789abcdef1, checks: [ec2]}
                  e: {vpcEndpoint: vpce-0123456789abcdef2, appliance: i-0123456789abcdef0}
                routes:
                  - name: r
                    destination: 10.0.1.0/24
                    routeTables: [{gateway: nat-0123456789abcdef0}, {transitGatewayRouteTable: rtb-0123456789abcdef0}]
                    targets: [c]
                """, "t.yaml"));
        assertThat(e.problems()).extracting(ConfigProblem::path).contains("targets.a.transitGatewayAttachment", "targets.b.appliance",
                "targets.c.checks[0]", "targets.d.checks[0]", "targets.e.checks", "routes[0].routeTables[0].gateway",
                "routes[0].routeTables[1].transitGatewayRouteTable");
        assertThat(e.problems()).filteredOn(p -> p.path().equals("targets.d.checks[0]")).singleElement()
                .satisfies(p -> assertThat(p.message()).contains("appliance: i-"));
    }
}
