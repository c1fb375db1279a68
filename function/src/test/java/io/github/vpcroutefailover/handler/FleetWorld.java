package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.app.MutableClock;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.config.FleetConfigLoader;
import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import io.github.vpcroutefailover.testsupport.ApiCallCounter;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Several accounts in moto, each with VPCs of two NAT instances in two AZs and a private route table, and one
 * controller ({@link FleetComponents}) that reaches each account through a role. moto switches accounts by the
 * credentials: AssumeRole into {@code arn:aws:iam::<account>:role/x} returns keys whose requests land in that
 * account (the role need not exist). Each account's EC2 calls can go through its own {@link FaultProxy}, and are
 * counted by its own {@link ApiCallCounter}; STS calls can go through a proxy too.
 */
final class FleetWorld implements AutoCloseable {
    static final String ACCOUNT_A = "111111111111";
    static final String ACCOUNT_B = "222222222222";

    /** One VPC: route {@code route} in {@code rtb}, nat-a in zone 0 (preferred), nat-b in zone 1. */
    record Vpc(String account, String roleArn, TestNetwork net, String natA, String natB, String rtb, String route, Ec2Client ec2) {
        String vpcId() {
            return net.vpcId();
        }

        /** The instance the route's ENI belongs to, or null when the route is absent. */
        String routeInstance() {
            List<Route> routes = ec2.describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes();
            String eni = routes.stream().filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).map(Route::networkInterfaceId)
                    .findFirst().orElse(null);
            if (eni == null) {
                return null;
            }
            return ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(eni)).networkInterfaces().get(0).attachment().instanceId();
        }
    }

    /** A cheap VPC for scale runs: one route table, {@code routes} host routes to its internet gateway (always healthy). */
    record GatewayVpc(String account, String roleArn, String vpcId, String rtb, String igw, int routes, String namePrefix) {
    }

    final LocalAws aws;
    final String table;
    final List<GatewayVpc> gatewayVpcs = new ArrayList<>();
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final List<Vpc> vpcs = new ArrayList<>();
    // Concurrent: the fleet builds each VPC's clients on its own thread.
    final Map<String, ApiCallCounter> counters = new java.util.concurrent.ConcurrentHashMap<>();
    final Map<String, FaultProxy> ec2Proxies = new java.util.concurrent.ConcurrentHashMap<>();
    final ApiCallCounter stsCounter = new ApiCallCounter();
    private final StsClient setupSts;
    private final DynamoDbClient ddb;
    FaultProxy stsProxy;

    FleetWorld(LocalAws aws) {
        this.aws = aws;
        this.setupSts = aws.configure(StsClient.builder(), "STS").build();
        this.table = aws.uniqueName("fleet");
        this.ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        OwnershipTable.create(ddb, table);
    }

    static String role(String account) {
        return "arn:aws:iam::" + account + ":role/vrf-member";
    }

    /** Each account's role is assumed with its own external id, so a test can tell which one was sent. */
    static String externalId(String account) {
        return "vrf-test-external-id-" + account;
    }

    /** {@code count} VPCs in {@code account} (null: the controller's own account, no role). */
    List<Vpc> addVpcs(String account, int count) {
        Ec2Client ec2 = account == null ? aws.ec2() : aws.configure(Ec2Client.builder(), "EC2").credentialsProvider(assumed(account)).build();
        List<Vpc> added = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            TestNetwork net = TestNetwork.create(ec2, aws.region().id(), "10." + (vpcs.size() + 1) + ".0.0/16", 2);
            Vpc v = new Vpc(account, account == null ? null : role(account), net, net.instance(0, "role=nat"), net.instance(1, "role=nat"),
                    net.routeTable(0, "tier=private"), "egress-" + (vpcs.size() + 1), ec2);
            vpcs.add(v);
            added.add(v);
        }
        return added;
    }

    /** {@code count} {@link GatewayVpc}s in {@code account} (null: the controller's own), {@code routes} routes each. */
    void addGatewayVpcs(String account, int count, int routes) {
        Ec2Client ec2 = account == null ? aws.ec2() : aws.configure(Ec2Client.builder(), "EC2").credentialsProvider(assumed(account)).build();
        for (int i = 0; i < count; i++) {
            int n = gatewayVpcs.size() + 1;
            String vpc = ec2.createVpc(r -> r.cidrBlock("10." + (n % 250) + ".0.0/16")).vpc().vpcId();
            String igw = ec2.createInternetGateway(r -> { }).internetGateway().internetGatewayId();
            ec2.attachInternetGateway(r -> r.vpcId(vpc).internetGatewayId(igw));
            String rtb = ec2.createRouteTable(r -> r.vpcId(vpc)).routeTable().routeTableId();
            gatewayVpcs.add(new GatewayVpc(account, account == null ? null : role(account), vpc, rtb, igw, routes, "g" + n + "-"));
        }
    }

    private AwsCredentialsProvider assumed(String account) {
        Credentials c = setupSts.assumeRole(r -> r.roleArn(role(account)).roleSessionName("test-setup")).credentials();
        return StaticCredentialsProvider.create(AwsSessionCredentials.create(c.accessKeyId(), c.secretAccessKey(), c.sessionToken()));
    }

    /** The account's EC2 calls from the controller go through a fault proxy from now on (call before {@link #fleet}). */
    FaultProxy proxyEc2(String account) {
        FaultProxy p = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
        ec2Proxies.put(account, p);
        return p;
    }

    /** The controller's STS calls go through a fault proxy (call before {@link #fleet}). */
    FaultProxy proxySts() {
        stsProxy = FaultProxy.start(aws.endpoint("STS").orElseThrow(), FaultProxy.Dialect.AWS_QUERY);
        return stsProxy;
    }

    ApiCallCounter counter(String account) {
        return counters.computeIfAbsent(account == null ? "home" : account, k -> new ApiCallCounter());
    }

    String yaml() {
        StringBuilder b = new StringBuilder("""
                version: 1
                checks:
                  ec2: {type: ec2-status, statusChecks: false, rise: 1, fall: 1}
                vpcs:
                """);
        for (Vpc v : vpcs) {
            b.append("  - vpc: ").append(v.vpcId()).append('\n');
            if (v.roleArn() != null) {
                b.append("    roleArn: ").append(v.roleArn()).append('\n');
                b.append("    externalId: ").append(externalId(v.account())).append('\n');
            }
            b.append("""
                        targets:
                          nat-a: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                          nat-b: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                        routes:
                          - name: %s
                            destination: 0.0.0.0/0
                            routeTables: [{id: %s}]
                            targets: [nat-a, nat-b]
                            policy: {zoneAffinity: false, failBack: never}
                    """.formatted(v.natA(), v.natB(), v.route(), v.rtb()));
        }
        for (GatewayVpc g : gatewayVpcs) {
            b.append("  - vpc: ").append(g.vpcId()).append('\n');
            if (g.roleArn() != null) {
                b.append("    roleArn: ").append(g.roleArn()).append('\n');
            }
            b.append("    targets: {igw: {gateway: ").append(g.igw()).append("}}\n    routes:\n");
            for (int r = 0; r < g.routes(); r++) {
                b.append("      - {name: ").append(g.namePrefix()).append(r).append(", destination: 172.16.").append(r)
                        .append(".0/24, routeTables: [{id: ").append(g.rtb()).append("}], targets: [igw]}\n");
            }
        }
        return b.toString();
    }

    FleetComponents fleet(int parallelism) {
        FleetConfig config = FleetConfigLoader.parse(yaml(), "fleet.yaml");
        var home = new Components.Clients(
                AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2").overrideConfiguration(counted(null))).build(), ddb,
                aws.configure(CloudWatchClient.builder(), "CloudWatch").build(),
                aws.configure(EventBridgeClient.builder(), "EventBridge").build(),
                aws.configure(AutoScalingClient.builder(), "Auto Scaling").build());
        var settings = new Components.Settings(table, Path.of("fleet.yaml"), "VpcRouteFailover", "vrf-", null, null);
        var sts = aws.configure(StsClient.builder(), "STS");
        sts.overrideConfiguration(sts.overrideConfiguration().toBuilder().addExecutionInterceptor(stsCounter).build());
        if (stsProxy != null) {
            sts.endpointOverride(stsProxy.endpoint());
        }
        StsClient controllerSts = AwsClients.tune(sts, RetryMode.STANDARD).build();
        return new FleetComponents(config, home, settings, () -> controllerSts.getCallerIdentity().account(), aws.region(),
                () -> controllerSts, factory(), clock, io.github.vpcroutefailover.app.ReconcileListener.none(), parallelism);
    }

    private ClientOverrideConfiguration counted(String account) {
        return ClientOverrideConfiguration.builder().addExecutionInterceptor(aws.calls()).addExecutionInterceptor(counter(account)).build();
    }

    private FleetComponents.SiteClientFactory factory() {
        return new FleetComponents.SiteClientFactory() {
            @Override
            public Ec2Api ec2(VpcSite site, Region region, AwsCredentialsProvider credentials) {
                var b = aws.configure(Ec2Client.builder(), "EC2").region(region).overrideConfiguration(counted(site.account()));
                if (credentials != null) {
                    b.credentialsProvider(credentials);
                }
                FaultProxy p = site.account() == null ? null : ec2Proxies.get(site.account());
                if (p != null) {
                    b.endpointOverride(p.endpoint());
                }
                return Ec2Api.of(AwsClients.tuneEc2(b).build());
            }

            @Override
            public CloudWatchClient cloudWatch(VpcSite site, Region region, AwsCredentialsProvider credentials) {
                var b = aws.configure(CloudWatchClient.builder(), "CloudWatch").region(region);
                if (credentials != null) {
                    b.credentialsProvider(credentials);
                }
                return AwsClients.tune(b, RetryMode.STANDARD).build();
            }

            @Override
            public AutoScalingClient autoScaling(VpcSite site, Region region, AwsCredentialsProvider credentials) {
                var b = aws.configure(AutoScalingClient.builder(), "Auto Scaling").region(region);
                if (credentials != null) {
                    b.credentialsProvider(credentials);
                }
                return AwsClients.tune(b, RetryMode.STANDARD).build();
            }
        };
    }

    /** Every ownership record's partition key in the shared table. */
    List<String> routeKeys() {
        return ddb.scanPaginator(r -> r.tableName(table)).items().stream().map(i -> i.get(OwnershipTable.PK).s())
                .filter(pk -> pk.startsWith(OwnershipTable.ROUTE_PREFIX)).distinct().sorted().toList();
    }

    @Override
    public void close() {
        ec2Proxies.values().forEach(FaultProxy::close);
        if (stsProxy != null) {
            stsProxy.close();
        }
    }
}
