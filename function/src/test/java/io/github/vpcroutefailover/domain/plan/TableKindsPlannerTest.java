package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.eniId;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static io.github.vpcroutefailover.domain.plan.World.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Transit gateway route tables, gateway (ingress) route tables and endpoint targets through the real planner. */
class TableKindsPlannerTest {
    static final String TGW_RTB = "tgw-rtb-0000000000000000a";
    static final String RTB_A = "rtb-0000000000000000a";
    static final String ATTACH_A = "tgw-attach-0000000000000000a";
    static final String ATTACH_B = "tgw-attach-0000000000000000b";
    static final String A = instanceId('a');
    static final String B = instanceId('b');
    static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));
    static final String CIDR = "10.20.0.0/16";

    static RouteTarget attachment(String id) {
        return RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, id);
    }

    static ObservedRoute route(String cidr, RouteTarget target, boolean blackhole, String origin) {
        return new ObservedRoute(Destination.parse(cidr), target, blackhole, origin);
    }

    @Nested
    class TransitGateway {
        static final String CONFIG = """
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  ec2: {type: ec2-status}
                targets:
                  inspect-a: {transitGatewayAttachment: %s, appliance: %s, checks: [ec2]}
                  inspect-b: {transitGatewayAttachment: %s, appliance: %s, checks: [ec2]}
                routes:
                  - name: spoke
                    destination: %s
                    routeTables: [{transitGatewayRouteTable: %s}]
                    targets: [inspect-a, inspect-b]
                    policy: {failBack: {after: 5m}}
                """.formatted(ATTACH_A, A, ATTACH_B, B, CIDR, TGW_RTB);

        World world(ObservedRoute... routes) {
            World w = new World(CONFIG).instance('a', "us-east-1a").instance('b', "us-east-1b")
                    .healthy(A, LONG_AGO, "ec2").healthy(B, LONG_AGO, "ec2");
            w.tables.put(TGW_RTB, ObservedRouteTable.transitGateway(TGW_RTB, Map.of(), List.of(routes)));
            return w;
        }

        @Test
        void aPropagatedRouteIsOverriddenByAStaticRouteAndNeverChanged() {
            Plan p = world(route(CIDR, attachment(ATTACH_B), false, ObservedRoute.TGW_PROPAGATED)).plan();
            assertThat(p.actions()).singleElement().isInstanceOfSatisfying(RouteAction.Create.class, c -> {
                assertThat(c.key()).isEqualTo(new RouteKey(TGW_RTB, Destination.parse(CIDR)));
                assertThat(c.to().target().id()).isEqualTo(ATTACH_A);
            });
        }

        @Test
        void aBlackholeStaticRouteIsReplacedWithAHealthyAttachment() {
            Plan p = world(route(CIDR, null, true, ObservedRoute.TGW_STATIC)).plan();
            assertThat(p.actions()).singleElement().isInstanceOfSatisfying(RouteAction.Replace.class,
                    r -> assertThat(r.to().target().id()).isEqualTo(ATTACH_A));
        }

        @Test
        void theAttachmentFailsOverWithItsApplianceAndFailsBackAfterTheHold() {
            World w = world(route(CIDR, attachment(ATTACH_A), false, ObservedRoute.TGW_STATIC)).unhealthy(A, "ec2", "stopped");
            Plan failover = w.plan();
            assertThat(failover.actions()).singleElement().isInstanceOfSatisfying(RouteAction.Replace.class, r -> {
                assertThat(r.from().id()).isEqualTo(ATTACH_A);
                assertThat(r.to().target().id()).isEqualTo(ATTACH_B);
            });
            w.apply(failover);
            // Healthy again one minute ago: within the 5-minute hold, the route stays on b.
            w.healthy(A, NOW.minus(Duration.ofMinutes(1)), "ec2");
            assertThat(w.plan().actions()).isEmpty();
            w.healthy(A, NOW.minus(Duration.ofMinutes(6)), "ec2");
            assertThat(w.plan().actions()).singleElement().satisfies(a -> assertThat(a.to().target().id()).isEqualTo(ATTACH_A));
        }

        @Test
        void aStoppedApplianceBlocksItsAttachmentWhateverItsChecksSay() {
            World w = world(route(CIDR, attachment(ATTACH_A), false, ObservedRoute.TGW_STATIC));
            w.instance('a', "us-east-1a", "stopped", Map.of(), Instant.EPOCH);
            assertThat(w.plan().actions()).singleElement().satisfies(a -> assertThat(a.to().target().id()).isEqualTo(ATTACH_B));
        }

        @Test
        void vpcSelectorsNeverPickATransitGatewayTableNorTheOtherWayRound() {
            World w = new World("""
                    version: 1
                    vpc: vpc-0123456789abcdef0
                    checks:
                      ec2: {type: ec2-status}
                    targets:
                      nat-a: {instance: %s, checks: [ec2]}
                    routes:
                      - name: egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a]
                    """.formatted(A)).instance('a', "us-east-1a").healthy(A, LONG_AGO, "ec2");
            w.table(RTB_A, "us-east-1a", Map.of("tier", "private"));
            w.tables.put(TGW_RTB, ObservedRouteTable.transitGateway(TGW_RTB, Map.of("tier", "private"), List.of()));
            assertThat(w.plan().actions()).singleElement().satisfies(a -> assertThat(a.key().routeTableId()).isEqualTo(RTB_A));

            World t = world();
            t.table(RTB_A, "us-east-1a", Map.of());
            t.tables.put(TGW_RTB.replace("a", "b"), ObservedRouteTable.transitGateway("tgw-rtb-0000000000000000b", Map.of(), List.of()));
            assertThat(t.plan().actions()).extracting(a -> a.key().routeTableId()).containsExactly(TGW_RTB);
        }

        @Test
        void routeKeysOfTransitGatewayTablesNeverEqualThoseOfVpcTables() {
            RouteKey tgw = new RouteKey(TGW_RTB, Destination.parse(CIDR));
            RouteKey vpc = new RouteKey(RTB_A, Destination.parse(CIDR));
            assertThat(tgw.id()).isEqualTo(TGW_RTB + "|" + CIDR).isNotEqualTo(vpc.id());
            assertThat(RouteKey.parse(tgw.id())).isEqualTo(tgw);
        }
    }

    @Nested
    class GatewayTables {
        static final String IGW = "igw-0123456789abcdef0";
        static final String VPCE_A = "vpce-0000000000000000a";
        static final String VPCE_B = "vpce-0000000000000000b";
        static final String SUBNET_CIDR = "10.0.1.0/24";

        static String config(String destination, String targets) {
            return """
                    version: 1
                    vpc: vpc-0123456789abcdef0
                    checks:
                      ec2: {type: ec2-status}
                    targets:
                      fw-a: {instance: %s, checks: [ec2]}
                      fw-b: {instance: %s, checks: [ec2]}
                      gwlbe-a: {vpcEndpoint: %s, appliance: %s, checks: [ec2]}
                      gwlbe-b: {vpcEndpoint: %s, appliance: %s, checks: [ec2]}
                    routes:
                      - name: ingress
                        destination: %s
                        routeTables: [{gateway: %s}]
                        targets: %s
                    """.formatted(A, B, VPCE_A, A, VPCE_B, B, destination, IGW, targets);
        }

        World world(String destination, String targets) {
            World w = new World(config(destination, targets)).instance('a', "us-east-1a").instance('b', "us-east-1b")
                    .healthy(A, LONG_AGO, "ec2").healthy(B, LONG_AGO, "ec2");
            w.tables.put(RTB_A, new ObservedRouteTable(RTB_A, World.VPC, Map.of(), Set.of(), false, null,
                    List.of(route("10.0.0.0/16", RouteTarget.gateway(TargetKind.GATEWAY, "local"), false, "CreateRouteTable")),
                    Set.of(IGW), Set.of(Destination.parse(SUBNET_CIDR), Destination.parse("10.0.2.0/24"))));
            return w;
        }

        @Test
        void aSubnetCidrGoesToTheFirstHealthyApplianceEniAndFailsOver() {
            World w = world(SUBNET_CIDR, "[fw-a, fw-b]");
            Plan p = w.plan();
            assertThat(p.actions()).singleElement().satisfies(a -> assertThat(a.to().target().id()).isEqualTo(eniId('a')));
            w.apply(p).unhealthy(A, "ec2", "stopped");
            assertThat(w.plan().actions()).singleElement().satisfies(a -> assertThat(a.to().target()).isEqualTo(hop('b')));
        }

        @Test
        void gatewayLoadBalancerEndpointsFailOverWithTheApplianceBehindThem() {
            World w = world(SUBNET_CIDR, "[gwlbe-a, gwlbe-b]");
            Plan p = w.plan();
            assertThat(p.actions()).singleElement().satisfies(a -> assertThat(a.to().target().id()).isEqualTo(VPCE_A));
            w.apply(p);
            assertThat(w.plan().actions()).as("converged: the observed endpoint is the candidate's hop").isEmpty();
            w.unhealthy(A, "ec2", "stopped");
            assertThat(w.plan().actions()).singleElement().satisfies(a -> assertThat(a.to().target().id()).isEqualTo(VPCE_B));
        }

        @Test
        void theLocalRouteIsNeverTakenOverEvenWhereAwsWouldLetItsTargetBeReplaced() {
            Plan p = world("10.0.0.0/16", "[fw-a]").plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> assertThat(n.message()).contains("local route"));
        }

        @Test
        void endpointsAndApplianceEnisOnlyNoOtherGateways() {
            World w = new World("""
                    version: 1
                    vpc: vpc-0123456789abcdef0
                    targets:
                      nat-gw: {natGateway: nat-0123456789abcdef0}
                    routes:
                      - name: ingress
                        destination: %s
                        routeTables: [{tags: {edge: igw}}]
                        targets: [nat-gw]
                    """.formatted(SUBNET_CIDR));
            w.tables.put(RTB_A, new ObservedRouteTable(RTB_A, World.VPC, Map.of("edge", "igw"), Set.of(), false, null, List.of(),
                    Set.of(IGW), Set.of(Destination.parse(SUBNET_CIDR))));
            Plan p = w.plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> assertThat(n.message()).contains("only network interfaces").contains("nat-gw"));
        }

        @Test
        void aDestinationThatIsNoSubnetCidrIsRefusedWithTheFixAndNothingIsPlanned() {
            Plan p = world("10.0.1.0/25", "[fw-a]").plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> {
                assertThat(n.level()).isEqualTo(PlanNote.Level.ERROR);
                assertThat(n.message()).contains("gateway route table of " + IGW).contains("subnet's CIDR block");
            });
            assertThat(world("0.0.0.0/0", "[fw-a]").plan().actions()).isEmpty();
        }
    }
}
