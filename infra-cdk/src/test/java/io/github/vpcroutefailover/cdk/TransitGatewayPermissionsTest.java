package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** IAM for transit gateway route tables: exactly the named tables and attachments, no wildcard action. */
class TransitGatewayPermissionsTest {
    private static final FailoverConfig TGW = ConfigLoader.parse("""
            version: 1
            vpc: vpc-0123456789abcdef0
            checks:
              ec2: {type: ec2-status}
            targets:
              inspect-a: {transitGatewayAttachment: tgw-attach-0123456789abcdef0, appliance: i-0123456789abcdef0, checks: [ec2]}
              inspect-b: {transitGatewayAttachment: tgw-attach-0123456789abcdef1, appliance: i-0123456789abcdef1, checks: [ec2]}
            routes:
              - name: spoke
                destination: 10.20.0.0/16
                routeTables: [{transitGatewayRouteTable: tgw-rtb-0123456789abcdef0}]
                targets: [inspect-a, inspect-b]
            """, "tgw.yaml");

    private static Map<String, Object> sid(List<Map<String, Object>> statements, String sid) {
        return statements.stream().filter(s -> sid.equals(s.get("Sid"))).findFirst().orElseThrow(() -> new AssertionError("no " + sid));
    }

    @Test
    void theTransitGatewayRouteApiIsGrantedOnTheNamedTableAndAttachmentsOnly() {
        List<Map<String, Object>> statements = ControllerPermissionsTest.rendered(TGW);
        Map<String, Object> routes = sid(statements, "RoutesInTransitGatewayTables");
        assertThat(routes.get("Action")).isEqualTo(ControllerPermissions.TGW_ROUTE_MUTATIONS);
        assertThat(routes.get("Resource")).isEqualTo(List.of(
                VrfStackTest.arn(":ec2:eu-west-1:111111111111:transit-gateway-route-table/tgw-rtb-0123456789abcdef0"),
                VrfStackTest.arn(":ec2:eu-west-1:111111111111:transit-gateway-attachment/tgw-attach-0123456789abcdef0"),
                VrfStackTest.arn(":ec2:eu-west-1:111111111111:transit-gateway-attachment/tgw-attach-0123456789abcdef1")));
        assertThat(sid(statements, "ObserveTransitGatewayTables").get("Action")).isEqualTo(ControllerPermissions.TGW_DESCRIBE);
        assertThat(statements).allSatisfy(s -> assertThat(String.valueOf(s.get("Action"))).doesNotContain("*"));
        assertThat(statements).noneSatisfy(s -> assertThat(s.get("Sid")).isEqualTo("RoutesInSelectedTables"));
    }

    @Test
    void aConfigWithoutTransitGatewayTablesGetsNoneOfIt() {
        List<Map<String, Object>> statements = ControllerPermissionsTest.rendered(SampleConfigs.natPairByIds());
        assertThat(statements).noneSatisfy(s -> assertThat(String.valueOf(s.get("Action"))).contains("TransitGateway"));
    }
}
