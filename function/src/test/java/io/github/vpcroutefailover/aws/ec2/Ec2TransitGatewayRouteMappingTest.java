package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.util.Set;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRoute;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRouteAttachment;

/** How SearchTransitGatewayRoutes answers (SDK model values, as EC2 sends them) become observed routes. */
class Ec2TransitGatewayRouteMappingTest {
    private static final String A = "tgw-attach-0000000000000000a";
    private static final String B = "tgw-attach-0000000000000000b";

    private static TransitGatewayRoute route(String type, String state, String... attachments) {
        return TransitGatewayRoute.builder().destinationCidrBlock("10.20.0.0/16").type(type).state(state)
                .transitGatewayAttachments(java.util.Arrays.stream(attachments)
                        .map(a -> TransitGatewayRouteAttachment.builder().transitGatewayAttachmentId(a).resourceType("vpc").build()).toList())
                .build();
    }

    @Test
    void aStaticRouteToAnAvailableAttachmentForwards() {
        ObservedRoute r = Ec2TransitGatewayRouteTables.route(route("static", "active", A), Set.of(A));
        assertThat(r.target()).isEqualTo(RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, A));
        assertThat(r.blackhole()).isFalse();
        assertThat(r.isImmutable()).isFalse();
        assertThat(r.overridable()).isFalse();
    }

    @Test
    void aPropagatedRouteIsNeverOursButAStaticRouteMayOverrideIt() {
        ObservedRoute r = Ec2TransitGatewayRouteTables.route(route("propagated", "active", B), Set.of(B));
        assertThat(r.isImmutable()).isTrue();
        assertThat(r.overridable()).isTrue();
    }

    @Test
    void blackholesAndRoutesToAttachmentsThatNoLongerForwardAreBlackholes() {
        assertThat(Ec2TransitGatewayRouteTables.route(route("static", "blackhole"), Set.of(A)).blackhole()).isTrue();
        ObservedRoute deleted = Ec2TransitGatewayRouteTables.route(route("static", "active", A), Set.of(B));
        assertThat(deleted.blackhole()).isTrue();
        assertThat(deleted.target().id()).isEqualTo(A);
    }

    @Test
    void anEcmpRouteNamesItsFirstAttachmentStably() {
        assertThat(Ec2TransitGatewayRouteTables.route(route("static", "active", B, A), Set.of(A, B)).target().id()).isEqualTo(A);
    }

    @Test
    void aPrefixListReferenceIsNotARouteWeModel() {
        assertThat(Ec2TransitGatewayRouteTables.route(TransitGatewayRoute.builder().prefixListId("pl-0123456789abcdef0")
                .type("static").state("active").build(), Set.of())).isNull();
    }
}
