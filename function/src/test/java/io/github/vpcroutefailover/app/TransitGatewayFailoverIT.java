package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.ec2.MotoTransitGatewayShim;
import io.github.vpcroutefailover.aws.ec2.TransitGatewayWorld;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRoute;

/**
 * A transit gateway static route failing over between the attachments of two inspection VPCs when the appliance
 * behind one fails, and back after the hold, with the real reconciler, planner, ownership table and the emulator's
 * transit gateway API (moto's two gaps bridged by {@link MotoTransitGatewayShim}, whose use is asserted).
 */
@ExtendWith(LocalAwsExtension.class)
class TransitGatewayFailoverIT {
    private static final String SPOKE = "10.20.0.0/16";

    private final MotoTransitGatewayShim shim = new MotoTransitGatewayShim();

    private static FailoverConfig config(Scenario s, TransitGatewayWorld w) {
        return ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, rise: 1, fall: 1}
                targets:
                  inspect-a: {transitGatewayAttachment: %s, appliance: %s, checks: [ec2]}
                  inspect-b: {transitGatewayAttachment: %s, appliance: %s, checks: [ec2]}
                routes:
                  - name: spoke
                    destination: %s
                    routeTables: [{transitGatewayRouteTable: %s}]
                    targets: [inspect-a, inspect-b]
                    policy: {failBack: {after: 2m}}
                """.formatted(s.net.vpcId(), w.attachA, w.applianceA, w.attachB, w.applianceB, SPOKE, w.table), "tgw.yaml");
    }

    private Reconciler reconciler(Scenario s, Ec2Client shimmed) {
        return Reconciler.builder().routeTables(new Ec2RouteTables(shimmed)).instances(new Ec2Instances(s.ec2))
                .ownership(s.owners).targetStates(s.states).clock(s.clock).build();
    }

    private static String hop(Ec2Client shimmed, TransitGatewayWorld w) {
        return shimmed.searchTransitGatewayRoutes(q -> q.transitGatewayRouteTableId(w.table)
                        .filters(f -> f.name("route-search.exact-match").values(SPOKE))).routes().stream().findFirst()
                .map(TransitGatewayRoute::transitGatewayAttachments).filter(a -> !a.isEmpty())
                .map(a -> a.get(0).transitGatewayAttachmentId()).orElse(null);
    }

    @Test
    void aStaticRouteFailsOverWithTheApplianceBehindItsAttachmentAndFailsBackAfterTheHold(LocalAws aws) {
        Scenario s = new Scenario(aws);
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2Client ec2 = shim.wrap(s.ec2);
        FailoverConfig config = config(s, w);
        Reconciler r = reconciler(s, ec2);

        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:tgw"));
        assertThat(aws.calls().calls("Ec2.CreateTransitGatewayRoute")).isEqualTo(1);
        assertThat(hop(ec2, w)).isEqualTo(w.attachA);
        aws.calls().reset();
        assertThat(r.reconcile(config, ReconcileOptions.apply("it:converged")).actions()).isEmpty();
        assertThat(aws.calls().calls("Ec2.CreateTransitGatewayRoute")).as("converged: reads only").isZero();

        w.inspectA.stopInstance(w.applianceA);
        s.clock.advance(Duration.ofSeconds(10));
        ReconcileResult failover = r.reconcile(config, ReconcileOptions.apply("it:appliance-a-down"));
        assertThat(failover.applied()).singleElement().satisfies(a -> assertThat(a.action().reason()).contains("UNHEALTHY"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachB);
        assertThat(shim.replaces()).as("a Replace, never delete+create").isEqualTo(1);
        assertThat(s.version(w.table, SPOKE)).as("fenced and recorded under the transit gateway table's key").isEqualTo(2);

        w.inspectA.startInstance(w.applianceA);
        s.clock.advance(Duration.ofSeconds(10));
        r.reconcile(config, ReconcileOptions.apply("it:appliance-a-back"));
        assertThat(hop(ec2, w)).as("within the hold").isEqualTo(w.attachB);
        s.clock.advance(Duration.ofMinutes(3));
        r.reconcile(config, ReconcileOptions.apply("it:hold-passed"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachA);
        assertThat(shim.replaces()).isEqualTo(2);
        assertThat(shim.filled()).as("moto's attachment lists needed the shim").isPositive();
    }

    @Test
    void aBlackholeStaticRouteIsReplacedAndADeletedAttachmentFailsOver(LocalAws aws) {
        Scenario s = new Scenario(aws);
        TransitGatewayWorld w = new TransitGatewayWorld(aws);
        Ec2Client ec2 = shim.wrap(s.ec2);
        FailoverConfig config = config(s, w);
        Reconciler r = reconciler(s, ec2);
        ec2.createTransitGatewayRoute(q -> q.transitGatewayRouteTableId(w.table).destinationCidrBlock(SPOKE).blackhole(true));

        r.reconcile(config, ReconcileOptions.apply("it:blackhole"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachA);
        assertThat(shim.replaces()).as("the blackhole static route is replaced in place").isEqualTo(1);

        // The attachment is deleted under the route: it forwards nowhere, so the route is a blackhole and the
        // appliance's ec2 check fails hard on it, whatever the instance says.
        aws.ec2().deleteTransitGatewayVpcAttachment(q -> q.transitGatewayAttachmentId(w.attachA));
        s.clock.advance(Duration.ofSeconds(10));
        r.reconcile(config, ReconcileOptions.apply("it:attachment-gone"));
        assertThat(hop(ec2, w)).isEqualTo(w.attachB);
    }
}
