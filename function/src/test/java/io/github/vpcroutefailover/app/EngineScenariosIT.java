package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TwoNatWorld;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Reconcile scenarios with the real planner against the emulators: IPv6, prefix-list and ENI targets; source/dest
 * check handling; 20 concurrent reconciles on one failure; converged reconciles whose reads do not grow with routes.
 */
@ExtendWith(LocalAwsExtension.class)
class EngineScenariosIT {
    private static final String DEFAULT = "0.0.0.0/0";

    @Test
    void ipv6PrefixListAndEniTargetsFailOverEndToEnd(LocalAws aws) {
        Scenario s = new Scenario(aws, Scenario.T0, true);
        var ec2 = aws.ec2();
        // A second ENI on each NAT instance (device index 1): nat-a is used through its instance id + deviceIndex,
        // the one on nat-b directly as an ENI target.
        String eniA1 = secondEni(s, s.natA, 0);
        String eniB1 = secondEni(s, s.natB, 1);
        String pl = ec2.createManagedPrefixList(r -> r.prefixListName("partners").addressFamily("IPv4").maxEntries(2)
                .entries(e -> e.cidr("192.0.2.0/24"))).prefixList().prefixListId();
        // Known moto gap: CreateRoute with a prefix list and an ENI drops the destination. So the prefix-list route
        // exists beforehand (to the NAT gateway, as an operator might have set it up) and we only ever Replace it.
        for (String rtb : s.tables()) {
            ec2.createRoute(r -> r.routeTableId(rtb).destinationPrefixListId(pl).natGatewayId(s.natGw));
        }
        FailoverConfig config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, rise: 1, fall: 1}
                targets:
                  nat-a: {instance: %s, deviceIndex: 1, checks: [ec2], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [ec2], sourceDestCheck: fix}
                  appliance: {eni: %s, checks: [ec2], sourceDestCheck: fix}
                routes:
                  - name: v6-egress
                    destination: "::/0"
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    policy: {zoneAffinity: false, failBack: never}
                  - name: partners
                    destination: %s
                    routeTables: [{tags: {tier: private}}]
                    targets: [appliance, nat-a]
                    policy: {zoneAffinity: false, failBack: never}
                """.formatted(s.net.vpcId(), s.natA, s.natB, eniB1, pl), "kinds.yaml");
        Reconciler r = s.reconciler();
        assertThat(sourceDestCheck(aws, eniA1)).isTrue();
        assertThat(sourceDestCheck(aws, eniB1)).isTrue();

        aws.calls().reset();
        ReconcileResult first = r.reconcile(config, ReconcileOptions.apply("it:kinds"));
        assertThat(first.failed()).isEmpty();
        assertThat(aws.calls().calls("Ec2.CreateRoute")).isEqualTo(2);
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(2);
        for (String rtb : s.tables()) {
            assertThat(s.hop(rtb, "::/0")).as("v6 to nat-a's second ENI").isEqualTo(eniA1);
            assertThat(s.hop(rtb, pl)).as("prefix list to the ENI target").isEqualTo(eniB1);
        }
        // sourceDestCheck: fix disabled both ENIs' checks before any route pointed at them.
        assertThat(sourceDestCheck(aws, eniA1)).isFalse();
        assertThat(sourceDestCheck(aws, eniB1)).isFalse();
        assertThat(aws.calls().calls("Ec2.ModifyNetworkInterfaceAttribute")).isEqualTo(2);
        s.unmanaged.assertUnchanged("::/0", pl);

        // nat-a stops: v6 moves to nat-b; the prefix list stays on the appliance (on nat-b).
        s.net.stopInstance(s.natA);
        s.clock.advance(Duration.ofSeconds(10));
        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:a-down"));
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(2);
        for (String rtb : s.tables()) {
            assertThat(s.hop(rtb, "::/0")).isEqualTo(s.eni(s.natB));
            assertThat(s.hop(rtb, pl)).isEqualTo(eniB1);
        }

        // nat-a back, nat-b (behind the appliance ENI) down: the prefix list moves to nat-a's second ENI, v6 too.
        s.net.startInstance(s.natA);
        s.net.stopInstance(s.natB);
        s.clock.advance(Duration.ofSeconds(10));
        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:b-down"));
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(4);
        for (String rtb : s.tables()) {
            assertThat(s.hop(rtb, "::/0")).isEqualTo(eniA1);
            assertThat(s.hop(rtb, pl)).isEqualTo(eniA1);
        }
        s.unmanaged.assertUnchanged("::/0", pl);
        s.clock.advance(Duration.ofSeconds(10));
        aws.calls().reset();
        assertThat(r.reconcile(config, ReconcileOptions.apply("it:converged")).converged()).isTrue();
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void verifyRefusesAnEniWithSourceDestCheckOnAndRoutesElsewhere(LocalAws aws) {
        Scenario s = new Scenario(aws);
        FailoverConfig config = ConfigLoader.parse(TwoNatWorld.config(s.net.vpcId(), s.natA, s.natB, "verify"), "verify.yaml");
        aws.calls().reset();
        s.reconciler().reconcile(config, ReconcileOptions.apply("it:verify"));
        // nat-a's check is on and verify never touches it: both tables go to nat-b, whose check fix turned off.
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(sourceDestCheck(aws, s.eni(s.natA))).isTrue();
        assertThat(sourceDestCheck(aws, s.eni(s.natB))).isFalse();
        assertThat(aws.calls().calls("Ec2.ModifyNetworkInterfaceAttribute")).isEqualTo(1);
    }

    @Test
    void twentyConcurrentReconcilesOnOneFailureChangeTheRouteExactlyOnce(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws);
        FailoverConfig config = s.natConfig("fallback", "5m");
        s.reconciler().reconcile(config, ReconcileOptions.apply("it:setup"));
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        s.net.stopInstance(s.natA);
        s.clock.advance(Duration.ofSeconds(10));
        aws.calls().reset();

        List<ReconcileResult> results = ConcurrentReconciles.run(20, s::reconciler, config);

        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("one ReplaceRoute for the one affected route").isEqualTo(1);
        assertThat(aws.calls().calls("Ec2.CreateRoute")).isZero();
        assertThat(aws.calls().calls("Ec2.DeleteRoute")).isZero();
        assertThat(results.stream().mapToLong(r -> r.applied().size()).sum()).isEqualTo(1);
        assertThat(results).allSatisfy(r -> assertThat(r.failed()).isEmpty());
        RouteKey a = new RouteKey(s.rtbA, Destination.parse(DEFAULT));
        assertThat(s.owners.load(a)).get().satisfies(o -> {
            assertThat(o.version()).as("exactly one version increment").isEqualTo(2);
            assertThat(o.status()).isEqualTo(Ownership.ClaimStatus.APPLIED);
            assertThat(o.target().instanceId()).isEqualTo(s.natB);
        });
        assertThat(s.owners.history(a, 50)).extracting(HistoryEntry::version).containsExactly(2L, 1L);
        assertThat(s.version(s.rtbB, DEFAULT)).as("table b was never touched").isEqualTo(1);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
        s.unmanaged.assertUnchanged(DEFAULT);
    }

    @Test
    void aConvergedReconcileMakesNoWritesAndTheSameReadsForTenAndAHundredRoutes(LocalAws aws) {
        Map<String, Long> ten = convergedCalls(aws, 10);
        Map<String, Long> hundred = convergedCalls(aws, 100);
        assertThat(hundred).isEqualTo(ten);
        assertThat(ten).as("calls of a converged reconcile").isEqualTo(Map.of(
                "Ec2.DescribeRouteTables", 1L, "Ec2.DescribeSubnets", 1L, "Ec2.DescribeInstances", 1L,
                "Ec2.DescribeInstanceStatus", 1L, "DynamoDb.Query", 2L));
    }

    static Map<String, Long> convergedCalls(LocalAws aws, int routes) {
        Scenario s = new Scenario(aws);
        List<String> destinations = IntStream.range(0, routes).mapToObj(i -> "10.200." + (i / 250) + "." + (i % 250) + "/32").toList();
        String routesYaml = destinations.stream().map(d -> """
                  - name: svc-%s
                    destination: %s
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                """.formatted(d.replace('.', '-').replace('/', '-'), d)).collect(Collectors.joining());
        FailoverConfig config = ConfigLoader.parse(TwoNatWorld.header(s.net.vpcId(), s.natA, s.natB, "fix") + routesYaml, "many.yaml");
        Reconciler reconciler = s.reconciler();
        ReconcileResult applied = reconciler.reconcile(config, ReconcileOptions.apply("it"));
        assertThat(applied.applied()).hasSize(2 * routes);
        s.clock.advance(Duration.ofSeconds(10));

        aws.calls().reset();
        ReconcileResult converged = reconciler.reconcile(config, ReconcileOptions.apply("it"));
        assertThat(converged.converged()).as("already converged, no calls made").isTrue();
        assertThat(aws.calls().mutations()).isEmpty();
        Map<String, Long> calls = aws.calls().snapshot();
        s.unmanaged.assertUnchanged(destinations.toArray(String[]::new));
        return calls;
    }

    private static String secondEni(Scenario s, String instanceId, int zone) {
        var ec2 = s.aws.ec2();
        String eni = ec2.createNetworkInterface(r -> r.subnetId(s.net.subnet(zone))).networkInterface().networkInterfaceId();
        ec2.attachNetworkInterface(r -> r.networkInterfaceId(eni).instanceId(instanceId).deviceIndex(1));
        return eni;
    }

    private static boolean sourceDestCheck(LocalAws aws, String eni) {
        return aws.ec2().describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0).sourceDestCheck();
    }
}
