package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.ec2.UnmanagedRoutes;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HealthSource;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;

/**
 * A two-AZ VPC for end-to-end scenarios with the real planner and health evaluator: a NAT instance per AZ, a NAT
 * gateway, a private table per AZ tagged {@code tier=private}, unmanaged routes in every table, an ownership table,
 * and a clock the test moves.
 */
final class Scenario {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    final LocalAws aws;
    final TestNetwork net;
    final String natA;
    final String natB;
    final String natGw;
    final String rtbA;
    final String rtbB;
    final UnmanagedRoutes unmanaged;
    final String table;
    final Ec2Client ec2;
    final DynamoDbClient ddb;
    final DynamoDbOwnershipStore owners;
    final DynamoDbTargetStateStore states;
    final MutableClock clock;

    Scenario(LocalAws aws) {
        this(aws, T0);
    }

    /** {@code start}: where the test's clock starts (CloudWatch scenarios start near real time, as agents publish). */
    Scenario(LocalAws aws, Instant start) {
        this(aws, start, false);
    }

    /** {@code ipv6}: give the VPC an IPv6 block first, so its IPv6 local route is in the unmanaged-routes snapshot. */
    Scenario(LocalAws aws, Instant start, boolean ipv6) {
        this.aws = aws;
        this.clock = new MutableClock(start);
        this.net = TestNetwork.create(aws, 2);
        if (ipv6) {
            aws.ec2().associateVpcCidrBlock(r -> r.vpcId(net.vpcId()).amazonProvidedIpv6CidrBlock(true));
        }
        this.natA = net.instance(0, "role=nat");
        this.natB = net.instance(1, "role=nat");
        this.natGw = net.natGateway(0);
        this.rtbA = net.routeTable(0, "tier=private");
        this.rtbB = net.routeTable(1, "tier=private");
        this.unmanaged = UnmanagedRoutes.install(aws, net);
        this.ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        this.ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        this.table = aws.uniqueName("ownership");
        OwnershipTable.create(ddb, table);
        this.owners = new DynamoDbOwnershipStore(ddb, table);
        this.states = new DynamoDbTargetStateStore(ddb, table);
    }

    /** The production wiring: real Planner and HealthEvaluator (the builder's defaults), the test's clock. */
    Reconciler reconciler(HealthSource... extra) {
        Reconciler.Builder b = Reconciler.builder()
                .routeTables(new Ec2RouteTables(ec2))
                .instances(new Ec2Instances(ec2))
                .ownership(owners)
                .targetStates(states)
                .clock(clock);
        for (HealthSource s : extra) {
            b.healthSource(s);
        }
        return b.build();
    }

    /** The NAT config: nat-a, nat-b (ec2-status, rise 1 / fall 1), the NAT gateway as fallback. */
    FailoverConfig natConfig(String whenNoneHealthy, String failBackAfter) {
        return ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, rise: 1, fall: 1}
                targets:
                  nat-a: {instance: %s, checks: [ec2], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [ec2], sourceDestCheck: fix}
                  nat-gw: {natGateway: %s}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    fallback: [nat-gw]
                    policy:
                      zoneAffinity: true
                      failBack: {after: %s}
                      whenNoneHealthy: %s
                """.formatted(net.vpcId(), natA, natB, natGw, failBackAfter, whenNoneHealthy), "scenario.yaml");
    }

    Optional<Route> route(String rtb, String destination) {
        return aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> destination.equals(r.destinationCidrBlock()) || destination.equals(r.destinationIpv6CidrBlock())
                        || destination.equals(r.destinationPrefixListId()))
                .findFirst();
    }

    /** The next hop id of a route (ENI, NAT gateway, gateway), or null when the route is absent. */
    String hop(String rtb, String destination) {
        return route(rtb, destination).map(r -> r.networkInterfaceId() != null ? r.networkInterfaceId()
                : r.natGatewayId() != null ? r.natGatewayId() : r.gatewayId() != null ? r.gatewayId() : r.instanceId()).orElse(null);
    }

    String eni(String instanceId) {
        return net.primaryEni(instanceId);
    }

    long version(String rtb, String destination) {
        return owners.load(new RouteKey(rtb, Destination.parse(destination))).map(Ownership::version).orElse(0L);
    }

    List<String> tables() {
        return List.of(rtbA, rtbB);
    }
}
