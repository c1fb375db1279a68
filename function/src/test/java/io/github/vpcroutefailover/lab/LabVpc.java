package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.app.Reconciler;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import io.github.vpcroutefailover.testsupport.lab.DataPathLab;
import io.github.vpcroutefailover.testsupport.lab.Fault;
import io.github.vpcroutefailover.testsupport.lab.RouteMirror;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import io.github.vpcroutefailover.testsupport.lab.VpcLab;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;

/**
 * A two-AZ VPC in the EC2 emulator mirrored onto the real-packet lab: NAT instances {@code nat-a} (AZ a) and
 * {@code nat-b} (AZ b) plus a NAT gateway ({@code natgw}, the alterNAT fallback), private route tables a and b
 * starting on their own AZ's NAT, an ownership table in DynamoDB Local, and continuous traffic from both subnets.
 */
final class LabVpc implements AutoCloseable {
    static final String DEFAULT = "0.0.0.0/0";

    final LocalAws aws;
    final TestNetwork net;
    final String natA;
    final String natB;
    final String natGw;
    final String rtbA;
    final String rtbB;
    final String eniA;
    final String eniB;
    final Ec2Client ec2;
    final DynamoDbClient ddb;
    final String table;
    final DynamoDbOwnershipStore owners;
    final DynamoDbTargetStateStore states;
    final VpcLab lab;
    final RouteMirror mirror;
    final Map<String, Traffic> traffic = new LinkedHashMap<>();
    /** Lab NAT name -> EC2 instance id (natgw: none). */
    final Map<String, String> instanceOf;
    final Map<String, String> tableOf;

    LabVpc(LocalAws aws) {
        this.aws = aws;
        this.net = TestNetwork.create(aws, 2);
        this.natA = net.instance(0, "role=nat");
        this.natB = net.instance(1, "role=nat");
        this.natGw = net.natGateway(0);
        this.rtbA = net.routeTable(0, "tier=private");
        this.rtbB = net.routeTable(1, "tier=private");
        this.eniA = net.primaryEni(natA);
        this.eniB = net.primaryEni(natB);
        aws.ec2().createRoute(r -> r.routeTableId(rtbA).destinationCidrBlock(DEFAULT).networkInterfaceId(eniA));
        aws.ec2().createRoute(r -> r.routeTableId(rtbB).destinationCidrBlock(DEFAULT).networkInterfaceId(eniB));
        this.ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        this.ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        this.table = aws.uniqueName("ownership");
        OwnershipTable.create(ddb, table);
        this.owners = new DynamoDbOwnershipStore(ddb, table);
        this.states = new DynamoDbTargetStateStore(ddb, table);
        this.instanceOf = Map.of("nat-a", natA, "nat-b", natB);
        this.tableOf = Map.of("a", rtbA, "b", rtbB);
        VpcLab l = VpcLab.create(List.of("a", "b"), List.of("nat-a", "nat-b", "natgw"));
        try {
            // The mirror's own client carries no call counter: its polls are the VPC router's, not the controller's.
            Ec2Client routerClient = Ec2Client.builder().region(aws.region()).credentialsProvider(aws.credentials())
                    .httpClient(aws.httpClient()).applyMutation(b -> aws.endpoint("EC2").ifPresent(b::endpointOverride)).build();
            this.mirror = new RouteMirror(routerClient, l, Map.of(rtbA, "a", rtbB, "b"),
                    Map.of(eniA, "nat-a", natA, "nat-a", eniB, "nat-b", natB, "nat-b", natGw, "natgw"), Duration.ofMillis(50));
            this.lab = l;
            for (String subnet : l.subnets()) {
                traffic.put(subnet, l.traffic(subnet, 50, 1000));
            }
        } catch (RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /** The production wiring of the reconciler (real planner and health evaluator), on the given clock. */
    Reconciler reconciler(Clock clock) {
        return reconciler(clock, UnaryOperator.identity());
    }

    /** @param routeTables wraps the route tables port (e.g. to time the route writes) */
    Reconciler reconciler(Clock clock, UnaryOperator<RouteTables> routeTables) {
        return Reconciler.builder().routeTables(routeTables.apply(new Ec2RouteTables(ec2))).instances(new Ec2Instances(ec2))
                .ownership(owners).targetStates(states).clock(clock).build();
    }

    /**
     * The NAT pair with a {@code tcp} check of each NAT's health port; zone affinity, no fail-back (so after a failover
     * the next fault hits whichever NAT holds the route, as in {@code FailureToRouteFlipBenchmark}).
     */
    FailoverConfig tcpConfig(Duration interval, int rise, int fall, Duration timeout) {
        return tcpConfig(interval, rise, fall, timeout, "never");
    }

    /** @param failBack the policy's {@code failBack} value: {@code never} or a hold such as {@code {after: 5s}} */
    FailoverConfig tcpConfig(Duration interval, int rise, int fall, Duration timeout, String failBack) {
        return ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  health: {type: tcp, port: %d, timeout: %dms, interval: %dms, rise: %d, fall: %d}
                targets:
                  nat-a: {instance: %s, checks: [health], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [health], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    policy: {zoneAffinity: true, failBack: %s}
                """.formatted(net.vpcId(), VpcLab.HEALTH_PORT, timeout.toMillis(), interval.toMillis(), rise, fall, natA, natB, failBack),
                "lab.yaml");
    }

    /**
     * {@link #tcpConfig} plus a {@code data-path} check of the route from both private subnets (an HTTP request to the
     * lab server through each subnet's table, {@link DataPathLab#via}), at the same interval, rise and fall.
     * {@code forgetAfter} is set by the caller: a healed NAT that no longer carries the route is never re-tested, so
     * its failure counts until then (10 min by default; a benchmark that heals in seconds sets its minimum).
     * A null {@code timeout} or {@code dataPathTimeout} leaves that check's default.
     */
    FailoverConfig tcpAndDataPathConfig(DataPathLab paths, Duration interval, int rise, int fall, Duration timeout,
            Duration dataPathTimeout, Duration forgetAfter) {
        return ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  health: {type: tcp, port: %d,%s interval: %dms, rise: %d, fall: %d}
                  egress-path:
                    type: data-path
                    routes: [default-egress]
                    paths:
                      - {zone: %s, endpoints: ["http://%s/"]}
                      - {zone: %s, endpoints: ["http://%s/"]}
                   %s
                    interval: %dms
                    rise: %d
                    fall: %d
                    forgetAfter: %dms
                targets:
                  nat-a: {instance: %s, checks: [health], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [health], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    policy: {zoneAffinity: true, failBack: never}
                """.formatted(net.vpcId(), VpcLab.HEALTH_PORT, timeout == null ? "" : " timeout: " + timeout.toMillis() + "ms,",
                interval.toMillis(), rise, fall, net.zone(0), paths.via("a"), net.zone(1), paths.via("b"),
                dataPathTimeout == null ? "" : " timeout: " + dataPathTimeout.toMillis() + "ms", interval.toMillis(),
                rise, fall, forgetAfter.toMillis(), natA, natB), "lab-tcp-datapath.yaml");
    }

    /** Where the probe reaches a target: the lab address of the NAT namespace holding that instance. */
    String labAddress(String instanceId) {
        for (var e : instanceOf.entrySet()) {
            if (e.getValue().equals(instanceId)) {
                return lab.natAddress(e.getKey());
            }
        }
        throw new IllegalArgumentException("instance " + instanceId + " is not a lab NAT");
    }

    /** The lab NAT a route table's default route points at in the emulator (null: none or outside the lab). */
    String holder(String rtb) {
        Route r = aws.ec2().describeRouteTables(q -> q.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(x -> DEFAULT.equals(x.destinationCidrBlock())).findFirst().orElse(null);
        if (r == null) {
            return null;
        }
        if (eniA.equals(r.networkInterfaceId()) || natA.equals(r.instanceId())) {
            return "nat-a";
        }
        if (eniB.equals(r.networkInterfaceId()) || natB.equals(r.instanceId())) {
            return "nat-b";
        }
        return natGw.equals(r.natGatewayId()) ? "natgw" : null;
    }

    /** Applies a fault to a NAT: the lab side, and for {@link Fault#STOPPED} also StopInstances in the emulator. */
    void fault(String nat, Fault fault) {
        if (fault == Fault.STOPPED) {
            ec2.stopInstances(r -> r.instanceIds(instanceOf.get(nat)));
        }
        lab.fault(nat, fault);
    }

    /** Undoes every fault of a NAT (starting the instance again if it was stopped). */
    void heal(String nat) {
        if (lab.faults(nat).contains(Fault.STOPPED)) {
            ec2.startInstances(r -> r.instanceIds(instanceOf.get(nat)));
        }
        lab.heal(nat);
    }

    @Override
    public void close() {
        try {
            mirror.close();
        } finally {
            lab.close();
        }
    }
}
