package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awscdk.Annotations;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpoint;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.ISubnet;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpoint;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.Subnet;
import software.amazon.awscdk.services.ec2.SubnetAttributes;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcAttributes;
import software.amazon.awscdk.services.events.Rule;
import software.amazon.awscdk.services.events.Schedule;
import software.amazon.awscdk.services.events.targets.LambdaFunction;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.destinations.SqsDestination;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * One in-VPC probe per configured subnet (one per AZ), its security group, its role, and the VPC endpoints it
 * needs to reach AWS while the NAT under test is down.
 */
public final class ProbeFunctions extends Construct {
    /**
     * Two: the next scheduled invocation starts while the previous one still probes, observes, and is handed the
     * probe lease (a DynamoDB item fenced by a generation) between two rounds, so probing never stops at a boundary
     * and only one of the two probes at a time (docs/probe.md, "Hand-over"). Never three: the timeout is shorter than
     * two schedule periods, so an invocation has ended before the one after next starts.
     */
    public static final int PROBE_RESERVED_CONCURRENCY = 2;
    /** The schedule: one invocation a minute. */
    public static final int PROBE_SCHEDULE_MINUTES = 1;
    /**
     * Covers one invocation's 80 s of probing (ProbeHandler.LEASED_MAX_RUN: 20 s past the next start, for that
     * invocation's cold start and observe), the 3 s deadline margin, the hand-over and a last reconcile; below two
     * schedule periods (120 s), which is what bounds the overlap to two invocations.
     */
    public static final int PROBE_TIMEOUT_SECONDS = 90;

    private final List<Function> probes = new ArrayList<>();
    private final List<LogGroup> logGroups = new ArrayList<>();

    ProbeFunctions(Construct scope, String id, String name, VpcRouteFailoverProps props, ConfigFacts facts, FunctionAssets assets,
                   ManagedPolicy corePolicy, Map<String, String> commonEnv) {
        super(scope, id);
        List<ProbeSubnet> probeSubnets = props.probeSubnets();
        Map<String, List<String>> byAz = probeSubnets.stream().collect(Collectors.groupingBy(ProbeSubnet::availabilityZone,
                LinkedHashMap::new, Collectors.mapping(ProbeSubnet::subnetId, Collectors.toList())));
        byAz.forEach((az, subnets) -> {
            if (subnets.size() > 1) {
                throw new IllegalArgumentException("probeSubnets: " + subnets + " are all in " + az
                        + "; give one subnet per availability zone (one probe per AZ)");
            }
        });
        if (props.vpcCidr() == null) {
            throw new IllegalArgumentException("vpcCidr is required with probeSubnets");
        }
        IVpc vpc = Vpc.fromVpcAttributes(this, "Vpc", VpcAttributes.builder().vpcId(facts.vpcId())
                .availabilityZones(new ArrayList<>(byAz.keySet())).vpcCidrBlock(props.vpcCidr()).build());
        List<ISubnet> subnets = new ArrayList<>();
        for (ProbeSubnet p : probeSubnets) {
            SubnetAttributes.Builder attrs = SubnetAttributes.builder().subnetId(p.subnetId()).availabilityZone(p.availabilityZone());
            if (p.routeTableId() != null) {
                attrs.routeTableId(p.routeTableId());
            }
            subnets.add(Subnet.fromSubnetAttributes(this, "Subnet-" + p.availabilityZone(), attrs.build()));
        }
        SubnetSelection selection = SubnetSelection.builder().subnets(subnets).build();

        SecurityGroup probeSg = SecurityGroup.Builder.create(this, "SecurityGroup").vpc(vpc)
                .description("VPC Route Failover probes: check ports inside the VPC and HTTPS to AWS APIs only")
                .allowAllOutbound(false).build();
        for (int port : facts.probePorts()) {
            probeSg.addEgressRule(Peer.ipv4(props.vpcCidr()), Port.tcp(port), "health check port " + port + " inside the VPC");
        }
        // Data-path checks request their endpoints through the managed route (the NAT), usually on the internet: only
        // those ports, to any address (the endpoints may be names whose addresses change).
        for (int port : facts.dataPathPorts()) {
            probeSg.addEgressRule(Peer.anyIpv4(), Port.tcp(port), "data-path check endpoint port " + port + " through the managed route");
        }
        if (props.vpcEndpoints()) {
            SecurityGroup endpointSg = SecurityGroup.Builder.create(this, "EndpointSecurityGroup").vpc(vpc)
                    .description("VPC Route Failover interface endpoints: HTTPS from the probes only")
                    .allowAllOutbound(false).build();
            endpointSg.addIngressRule(probeSg, Port.tcp(443), "HTTPS from the probes");
            probeSg.addEgressRule(endpointSg, Port.tcp(443), "HTTPS to the interface endpoints");
            // The probes call EC2 (observe, move routes), CloudWatch (metrics) and EventBridge (Route Failover events).
            // CloudWatch Logs needs no endpoint: Lambda ships function logs itself, outside the function's network.
            Map<String, InterfaceVpcEndpointAwsService> services = new LinkedHashMap<>();
            services.put("Ec2Endpoint", InterfaceVpcEndpointAwsService.EC2);
            services.put("MonitoringEndpoint", InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING);
            services.put("EventsEndpoint", InterfaceVpcEndpointAwsService.EVENTBRIDGE);
            services.forEach((endpointId, service) -> InterfaceVpcEndpoint.Builder.create(this, endpointId).vpc(vpc).service(service)
                    .subnets(selection).securityGroups(List.of(endpointSg)).privateDnsEnabled(true).open(false).build());
            GatewayVpcEndpoint.Builder.create(this, "DynamoDbEndpoint").vpc(vpc).service(GatewayVpcEndpointAwsService.DYNAMODB)
                    .subnets(List.of(selection)).build();
            if (props.dynamodbPrefixListId() != null) {
                probeSg.addEgressRule(Peer.prefixList(props.dynamodbPrefixListId()), Port.tcp(443), "HTTPS to DynamoDB via the gateway endpoint");
            } else {
                probeSg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to DynamoDB (gateway endpoint; public IP ranges)");
                Annotations.of(this).addWarningV2("vrf:dynamodb-prefix-list", "the probes may send HTTPS anywhere because DynamoDB's "
                        + "gateway endpoint is reached on public addresses; pass -c dynamodbPrefixListId=pl-... (aws ec2 "
                        + "describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.<region>.dynamodb) to narrow it");
            }
        } else {
            // Without endpoints AWS APIs are public addresses reached over the VPC's own (NAT-independent) path.
            probeSg.addEgressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS to AWS APIs (no VPC endpoints)");
        }

        Role probeRole = Role.Builder.create(this, "Role").assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("In-VPC probe functions of " + name).build();
        probeRole.addManagedPolicy(corePolicy);
        // What AWSLambdaVPCAccessExecutionRole grants, inline: Lambda manages the function's ENIs with the function's
        // role, and these EC2 calls have no resource-level permissions that Lambda's own validation accepts.
        probeRole.addToPolicy(PolicyStatement.Builder.create().sid("LambdaVpcNetworking").effect(Effect.ALLOW)
                .actions(List.of("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets",
                        "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses", "ec2:UnassignPrivateIpAddresses"))
                .resources(List.of("*")).build());
        NagRules.probeRole(probeRole);

        for (int i = 0; i < probeSubnets.size(); i++) {
            ProbeSubnet p = probeSubnets.get(i);
            LogGroup logs = ControllerFunctions.logGroup(this, "Logs-" + p.availabilityZone(), props.logRetentionDays());
            logs.grantWrite(probeRole);
            logGroups.add(logs);
            Map<String, String> env = new LinkedHashMap<>(commonEnv);
            env.put(Contract.ENV_PROBE_AZ, p.availabilityZone());
            Function.Builder b = Function.Builder.create(this, "Probe-" + p.availabilityZone())
                    .description("VPC Route Failover probe in " + p.availabilityZone() + " (" + p.subnetId() + ")")
                    .runtime(Runtime.JAVA_21)
                    .architecture(Architecture.ARM_64)
                    .handler(Contract.PROBE_HANDLER)
                    .code(assets.jar())
                    .layers(List.of(assets.configLayer()))
                    .memorySize(512)
                    .timeout(Duration.seconds(PROBE_TIMEOUT_SECONDS))
                    .role(probeRole)
                    .logGroup(logs)
                    .vpc(vpc)
                    .vpcSubnets(SubnetSelection.builder().subnets(List.of(subnets.get(i))).build())
                    .securityGroups(List.of(probeSg))
                    .environment(env)
                    // A missed minute is replaced by the next scheduled run; a retry would be a third overlapping invocation.
                    .retryAttempts(0)
                    .maxEventAge(Duration.minutes(1))
                    .onFailure(new SqsDestination(assets.deadLetterQueue()));
            if (props.reservedConcurrency()) {
                b.reservedConcurrentExecutions(PROBE_RESERVED_CONCURRENCY);
            }
            Function probe = b.build();
            NagRules.lambdaRuntime(probe);
            Rule.Builder.create(this, "Schedule-" + p.availabilityZone())
                    .description("Starts the probe loop in " + p.availabilityZone() + " every minute")
                    .schedule(Schedule.rate(Duration.minutes(PROBE_SCHEDULE_MINUTES)))
                    .targets(List.of(LambdaFunction.Builder.create(probe).deadLetterQueue(assets.deadLetterQueue()).retryAttempts(0).build()))
                    .build();
            probes.add(probe);
        }
    }

    /** The probe functions, in probeSubnets order; their construct id is {@code Probe-<az>}. */
    public List<Function> probes() {
        return List.copyOf(probes);
    }

    public List<LogGroup> logGroups() {
        return List.copyOf(logGroups);
    }

    static String az(Function probe) {
        return probe.getNode().getId().substring("Probe-".length());
    }
}
