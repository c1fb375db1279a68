package io.github.vpcroutefailover.sandbox;

import io.github.vpcroutefailover.app.ReconcileOptions;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.Reconciler;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbOwnershipStore;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.io.PrintStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceType;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/**
 * The local sandbox: builds a two-AZ VPC with two NAT instances and a NAT gateway in the emulators, then runs the
 * real reconciler through a failover story (initial placement, converged, instance stopped, restarted, fail-back
 * after the hold time, both down to the NAT gateway) and checks each outcome, so it is also a smoke test.
 *
 * <p>It refuses to run unless every AWS endpoint is on the loopback interface: it creates and stops resources.
 */
public final class Sandbox {
    private static final Duration HOLD = Duration.ofMinutes(5);

    private final PrintStream out;
    private final Ec2Client ec2;
    private final DynamoDbClient ddb;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
    private final List<String> failures = new ArrayList<>();

    Sandbox(PrintStream out, Ec2Client ec2, DynamoDbClient ddb) {
        this.out = out;
        this.ec2 = ec2;
        this.ddb = ddb;
    }

    /** Runs the story against the endpoints in the environment; returns the process exit code. */
    public static int run(PrintStream out) {
        String problem = loopbackOnly(System::getenv);
        if (problem != null) {
            out.println("sandbox: refusing to run: " + problem);
            out.println("sandbox: start it with scripts/sandbox, which starts the local emulators and points the SDK at them.");
            return 2;
        }
        try (Ec2Client ec2 = AwsClients.ec2(); DynamoDbClient ddb = AwsClients.dynamoDb()) {
            return new Sandbox(out, ec2, ddb).story();
        }
    }

    /** Null when EC2 and DynamoDB both resolve to a loopback endpoint, else what is wrong. */
    static String loopbackOnly(java.util.function.UnaryOperator<String> env) {
        for (String service : List.of("EC2", "DYNAMODB")) {
            String v = env.apply("AWS_ENDPOINT_URL_" + service);
            if (v == null || v.isBlank()) {
                v = env.apply("AWS_ENDPOINT_URL");
            }
            if (v == null || v.isBlank()) {
                return "no AWS_ENDPOINT_URL for " + service + " is set, so the SDK would talk to real AWS";
            }
            String host = URI.create(v.trim()).getHost();
            if (host == null || !(host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1"))) {
                return "the " + service + " endpoint " + v + " is not on this machine";
            }
        }
        return null;
    }

    int story() {
        step("Building a VPC with two AZs, NAT instances nat-a and nat-b, and a NAT gateway (in the emulator)");
        String vpc = ec2.createVpc(r -> r.cidrBlock("10.42.0.0/16").tagSpecifications(tags(ResourceType.VPC, "sandbox"))).vpc().vpcId();
        String igw = ec2.createInternetGateway().internetGateway().internetGatewayId();
        ec2.attachInternetGateway(r -> r.vpcId(vpc).internetGatewayId(igw));
        String region = AwsRegion.current();
        String subnetA = subnet(vpc, "10.42.0.0/24", region + "a");
        String subnetB = subnet(vpc, "10.42.1.0/24", region + "b");
        String natA = instance(subnetA, "nat-a");
        String natB = instance(subnetB, "nat-b");
        String eip = ec2.allocateAddress(r -> r.domain("vpc")).allocationId();
        String natGw = ec2.createNatGateway(r -> r.subnetId(subnetA).allocationId(eip)).natGateway().natGatewayId();
        String rtbA = table(vpc, subnetA, "a");
        String rtbB = table(vpc, subnetB, "b");
        // A route we do not manage: it must be exactly the same at the end.
        for (String rtb : List.of(rtbA, rtbB)) {
            ec2.createRoute(r -> r.routeTableId(rtb).destinationCidrBlock("203.0.113.0/24").gatewayId(igw));
        }
        out.printf("  vpc %s%n  private route tables: %s (%sa), %s (%sb)%n  nat-a %s, nat-b %s, NAT gateway %s%n",
                vpc, rtbA, region, rtbB, region, natA, natB, natGw);

        String table = "vrf-sandbox-" + UUID.randomUUID().toString().substring(0, 8);
        OwnershipTable.create(ddb, table);
        String yaml = """
                version: 1
                vpc: %s
                checks:
                  ec2:
                    type: ec2-status
                    statusChecks: true
                    rise: 1
                    fall: 1
                targets:
                  nat-a:
                    instance: %s
                    checks: [ec2]
                    sourceDestCheck: fix
                  nat-b:
                    instance: %s
                    checks: [ec2]
                    sourceDestCheck: fix
                  nat-gw:
                    natGateway: %s
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables:
                      - tags: {tier: private}
                    targets: [nat-a, nat-b]
                    fallback: [nat-gw]
                    policy:
                      zoneAffinity: true
                      failBack: {after: 5m}
                      whenNoneHealthy: fallback
                """.formatted(vpc, natA, natB, natGw);
        FailoverConfig config = ConfigLoader.parse(yaml, "sandbox.yaml");
        out.println("  route config (validated by the same parser the Lambda and cdk synth use):");
        yaml.lines().forEach(l -> out.println("    " + l));
        out.println("  ownership table (DynamoDB Local): " + table);

        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now.get();
            }
        };
        Reconciler reconciler = Reconciler.builder()
                .routeTables(new Ec2RouteTables(ec2))
                .instances(new Ec2Instances(ec2))
                .ownership(new DynamoDbOwnershipStore(ddb, table))
                .targetStates(new DynamoDbTargetStateStore(ddb, table))
                .clock(clock)
                .build();
        ReconcileOptions options = ReconcileOptions.apply("sandbox");

        step("1. First reconcile: each private table gets the NAT instance in its own AZ");
        reconcile(reconciler, config, options);
        expect(rtbA, natA, "table a on nat-a");
        expect(rtbB, natB, "table b on nat-b");

        step("2. Reconcile again: already converged, nothing to change");
        tick(Duration.ofSeconds(60));
        ReconcileResult again = reconcile(reconciler, config, options);
        check(again.actions().isEmpty(), "a converged reconcile makes no changes");

        step("3. nat-a stops: table a fails over to nat-b in the other AZ");
        ec2.stopInstances(r -> r.instanceIds(natA));
        tick(Duration.ofSeconds(60));
        reconcile(reconciler, config, options);
        expect(rtbA, natB, "table a failed over to nat-b");
        expect(rtbB, natB, "table b still on nat-b");

        step("4. nat-a is running again: no fail-back before the 5 minute hold time");
        ec2.startInstances(r -> r.instanceIds(natA));
        tick(Duration.ofSeconds(60));
        reconcile(reconciler, config, options);
        expect(rtbA, natB, "table a stays on nat-b during the hold time");

        step("5. Six minutes later (simulated clock): table a fails back to nat-a");
        tick(HOLD.plusMinutes(1));
        reconcile(reconciler, config, options);
        expect(rtbA, natA, "table a failed back to nat-a");

        step("6. Both NAT instances stop: every table goes to the NAT gateway fallback");
        ec2.stopInstances(r -> r.instanceIds(natA, natB));
        tick(Duration.ofSeconds(60));
        reconcile(reconciler, config, options);
        expect(rtbA, natGw, "table a on the NAT gateway");
        expect(rtbB, natGw, "table b on the NAT gateway");

        step("Unmanaged routes are untouched");
        for (String rtb : List.of(rtbA, rtbB)) {
            check(routes(rtb).getOrDefault("203.0.113.0/24", "").equals(igw), rtb + " still sends 203.0.113.0/24 to " + igw);
        }

        step(failures.isEmpty() ? "Sandbox story passed." : "Sandbox story FAILED: " + failures);
        return failures.isEmpty() ? 0 : 1;
    }

    private ReconcileResult reconcile(Reconciler reconciler, FailoverConfig config, ReconcileOptions options) {
        ReconcileResult result = reconciler.reconcile(config, options);
        if (result.actions().isEmpty()) {
            out.println("  no actions");
        }
        for (ReconcileResult.ActionOutcome a : result.actions()) {
            out.printf("  %-8s %s  %s%n", a.status(), a.key(), a.action().reason());
        }
        result.plan().notes().forEach(n -> out.printf("  note %s: %s%n", n.level(), n.message()));
        return result;
    }

    private void expect(String rtb, String target, String what) {
        String actual = routes(rtb).get("0.0.0.0/0");
        check(target.equals(actual), what + " (0.0.0.0/0 -> " + actual + ")");
    }

    private void check(boolean ok, String what) {
        out.println((ok ? "  ok    " : "  FAIL  ") + what);
        if (!ok) {
            failures.add(what);
        }
    }

    private Map<String, String> routes(String rtb) {
        Map<String, String> out = new TreeMap<>();
        for (Route r : ec2.describeRouteTables(q -> q.routeTableIds(rtb)).routeTables().get(0).routes()) {
            String dest = r.destinationCidrBlock() != null ? r.destinationCidrBlock() : String.valueOf(r.destinationIpv6CidrBlock());
            String hop = r.instanceId() != null ? r.instanceId() : r.natGatewayId() != null ? r.natGatewayId()
                    : r.networkInterfaceId() != null ? eniOwner(r.networkInterfaceId()) : r.gatewayId();
            out.put(dest, hop);
        }
        return out;
    }

    private String eniOwner(String eni) {
        var nis = ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces();
        return nis.isEmpty() || nis.get(0).attachment() == null ? eni : nis.get(0).attachment().instanceId();
    }

    private void tick(Duration d) {
        now.updateAndGet(t -> t.plus(d));
    }

    private void step(String s) {
        out.println();
        out.println("== " + s);
    }

    private String subnet(String vpc, String cidr, String az) {
        return ec2.createSubnet(r -> r.vpcId(vpc).cidrBlock(cidr).availabilityZone(az)).subnet().subnetId();
    }

    private String instance(String subnet, String name) {
        String image = ec2.describeImages(r -> r.owners("amazon").filters(Filter.builder().name("architecture").values("x86_64").build()))
                .images().get(0).imageId();
        return ec2.runInstances(r -> r.imageId(image).instanceType(InstanceType.T3_MICRO).minCount(1).maxCount(1).subnetId(subnet)
                .tagSpecifications(tags(ResourceType.INSTANCE, name))).instances().get(0).instanceId();
    }

    private String table(String vpc, String subnet, String az) {
        String id = ec2.createRouteTable(r -> r.vpcId(vpc).tagSpecifications(TagSpecification.builder().resourceType(ResourceType.ROUTE_TABLE)
                .tags(Tag.builder().key("tier").value("private").build(), Tag.builder().key("Name").value("private-" + az).build()).build()))
                .routeTable().routeTableId();
        ec2.associateRouteTable(r -> r.routeTableId(id).subnetId(subnet));
        return id;
    }

    private static TagSpecification tags(ResourceType type, String name) {
        return TagSpecification.builder().resourceType(type).tags(Tag.builder().key("Name").value(name).build()).build();
    }

    /** The region the SDK will use, for naming AZs. */
    static final class AwsRegion {
        static String current() {
            String r = System.getenv("AWS_REGION");
            if (r == null || r.isBlank()) {
                r = System.getenv("AWS_DEFAULT_REGION");
            }
            return r == null || r.isBlank() ? "us-east-1" : r.trim().toLowerCase(Locale.ROOT);
        }
    }
}
