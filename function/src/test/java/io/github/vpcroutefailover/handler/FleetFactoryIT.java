package io.github.vpcroutefailover.handler;

import static io.github.vpcroutefailover.handler.FleetWorld.ACCOUNT_A;
import static io.github.vpcroutefailover.handler.FleetWorld.ACCOUNT_B;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The multi-account controller exactly as Lambda builds it: an environment map, {@link Deployment#fromEnvironment}
 * with {@link Components.Clients#fromEnvironment} (light clients, default credential and region chains, endpoints
 * from the standard {@code aws.endpointUrl*} settings), and the handler on top. {@link FleetIT} runs the fleet with
 * hand-wired SDK clients; this one proves what only the production factory decides: which client classes serve a
 * VPC, whose credentials sign its calls, and how often roles are assumed. EC2, STS and DynamoDB calls go through
 * recording proxies on 127.0.0.1 in front of moto and DynamoDB Local, which see the SigV4 access key of every
 * request.
 */
@ExtendWith(LocalAwsExtension.class)
class FleetFactoryIT {
    private static final Set<String> EC2_WRITES = Set.of("CreateRoute", "ReplaceRoute", "DeleteRoute",
            "ModifyNetworkInterfaceAttribute");
    private static final Set<String> DYNAMODB_WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems",
            "BatchWriteItem");
    private static final String LIGHT_CLIENTS = "io.github.vpcroutefailover.aws.light";
    private static final Pattern ACCESS_KEY = Pattern.compile("<AccessKeyId>([^<]+)</AccessKeyId>");

    @TempDir
    Path dir;

    @Test
    void eachAccountsCallsAreSignedWithItsOwnRoleThroughLightClientsAndRolesAreAssumedOncePerRole(LocalAws aws) throws Exception {
        try (FleetWorld w = threeVpcs(aws); Lambda lambda = new Lambda(aws, w, dir)) {
            JsonNode first = lambda.scheduled();
            assertThat(first.path("failedVpcs").asInt()).as(first.toString()).isZero();
            assertThat(first.path("vpcs")).hasSize(3).allSatisfy(v -> assertThat(v.path("ok").asBoolean()).as(v.toString()).isTrue());
            assertThat(w.vpcs).allSatisfy(v -> assertThat(v.routeInstance()).as(v.vpcId()).isEqualTo(v.natA()));

            // The factory gave every VPC the light clients (a silent fall-back to the generated SDK clients fails here).
            for (VpcSite site : lambda.deployment.fleet().fleet().sites()) {
                Components.Clients c = lambda.deployment.fleet().site(site).clients();
                assertThat(Stream.of(c.ec2(), c.cloudWatch(), c.dynamoDb())).as(site.vpcId())
                        .allSatisfy(client -> assertThat(client.getClass().getPackageName()).isEqualTo(LIGHT_CLIENTS));
            }

            // One AssumeRole per role, each with its own external id and the controller's session name.
            assertThat(lambda.sts.seen("AssumeRole")).isEqualTo(2);
            for (String account : List.of(ACCOUNT_A, ACCOUNT_B)) {
                assertThat(lambda.sts.forwardedBodies("AssumeRole")).filteredOn(b -> b.contains(account)).singleElement()
                        .satisfies(b -> assertThat(b).contains("ExternalId=" + FleetWorld.externalId(account))
                                .contains("RoleSessionName=vrf-controller"));
            }
            Map<String, String> keys = lambda.keysByAccount();
            assertThat(Set.copyOf(keys.values())).hasSize(3);
            lambda.assertEachVpcSignedBy(keys);
            assertThat(w.vpcs).allSatisfy(v -> assertThat(lambda.ec2.seen()).as("CreateRoute in " + v.vpcId())
                    .anySatisfy(s -> {
                        assertThat(s.operation()).isEqualTo("CreateRoute");
                        assertThat(s.body()).contains(v.rtb());
                        assertThat(s.accessKeyId()).isEqualTo(keys.get(String.valueOf(v.account())));
                    }));

            // Converged: the second invocation reads only, and reuses the roles' credentials.
            lambda.resetCounts();
            JsonNode second = lambda.scheduled();
            assertThat(second.path("failedVpcs").asInt()).as(second.toString()).isZero();
            assertThat(lambda.sts.seen()).isEmpty();
            assertThat(lambda.ec2.seen()).isNotEmpty().noneSatisfy(s -> assertThat(EC2_WRITES).contains(s.operation()));
            assertThat(lambda.dynamoDb.seen()).isNotEmpty().noneSatisfy(s -> assertThat(DYNAMODB_WRITES).contains(s.operation()));
            lambda.assertEachVpcSignedBy(keys);
        }
    }

    static Stream<FaultProxy.Fault> assumeRoleFailures() {
        return Stream.of(new FaultProxy.Fault.Error(403, "AccessDenied", "User is not authorized to perform: sts:AssumeRole"),
                new FaultProxy.Fault.Throttle("Throttling"));
    }

    @ParameterizedTest
    @MethodSource("assumeRoleFailures")
    void aRoleThatCannotBeAssumedFailsOnlyItsVpcAndNoOtherCredentialsReachIt(FaultProxy.Fault fault, LocalAws aws) throws Exception {
        try (FleetWorld w = threeVpcs(aws); Lambda lambda = new Lambda(aws, w, dir)) {
            lambda.sts.inject("AssumeRole", ACCOUNT_A, fault, 1000);
            FleetWorld.Vpc inA = w.vpcs.stream().filter(v -> ACCOUNT_A.equals(v.account())).findFirst().orElseThrow();

            JsonNode answer = lambda.scheduled();
            assertThat(answer.path("ok").asBoolean()).isTrue();
            assertThat(answer.path("failedVpcs").asInt()).as(answer.toString()).isEqualTo(1);
            boolean denied = fault instanceof FaultProxy.Fault.Error;
            String message = denied ? "User is not authorized to perform: sts:AssumeRole" : "Rate exceeded";
            for (JsonNode v : answer.path("vpcs")) {
                boolean failed = inA.vpcId().equals(v.path("vpc").asText());
                assertThat(v.path("ok").asBoolean()).as(v.toString()).isEqualTo(!failed);
                if (failed) {
                    assertThat(v.path("account").asText()).isEqualTo(ACCOUNT_A);
                    assertThat(v.path("error").asText()).startsWith("StsException: " + message);
                }
            }
            assertThat(inA.routeInstance()).isNull();
            assertThat(w.vpcs).filteredOn(v -> v != inA).allSatisfy(v -> assertThat(v.routeInstance()).as(v.vpcId()).isEqualTo(v.natA()));
            // A failed role is not remembered: each call A's reconcile starts asks STS again (it starts two when
            // refused). Throttled: the STS client's own 3 attempts per call, and the EC2 call is not retried on top (the
            // light client resolves credentials once per call, as the SDK client does; inside its retry loop it made
            // 3 x 3 per call). B's role was assumed once either way.
            assertThat(lambda.sts.seen()).filteredOn(s -> s.body().contains(ACCOUNT_A))
                    .hasSizeBetween(denied ? 1 : 3, denied ? 2 : 2 * 3).allSatisfy(s -> assertThat(s.forwarded()).isFalse());
            assertThat(lambda.sts.forwardedBodies("AssumeRole")).singleElement().satisfies(b -> assertThat(b).contains(ACCOUNT_B));
            // No EC2 call touched A's VPC: not with the controller's own credentials, not with B's.
            assertThat(lambda.ec2.seen()).isNotEmpty().noneSatisfy(s -> assertThat(mentions(s, inA)).isTrue());
            Map<String, String> keys = lambda.keysByAccount();
            assertThat(lambda.ec2.seen()).allSatisfy(s -> assertThat(s.accessKeyId()).isIn(keys.get("null"), keys.get(ACCOUNT_B)));

            // Once STS answers again, the next invocation assumes A's role and reconciles A with A's keys.
            lambda.sts.clear();
            lambda.resetCounts();
            JsonNode next = lambda.scheduled();
            assertThat(next.path("failedVpcs").asInt()).as(next.toString()).isZero();
            assertThat(inA.routeInstance()).isEqualTo(inA.natA());
            assertThat(lambda.sts.forwardedBodies("AssumeRole")).singleElement().satisfies(b -> assertThat(b).contains(ACCOUNT_A));
            lambda.assertEachVpcSignedBy(lambda.keysByAccount());
        }
    }

    /** The home VPC (the controller's own account, no role) and one VPC in each of two member accounts. */
    private static FleetWorld threeVpcs(LocalAws aws) {
        FleetWorld w = new FleetWorld(aws);
        w.addVpcs(null, 1);
        w.addVpcs(ACCOUNT_A, 1);
        w.addVpcs(ACCOUNT_B, 1);
        return w;
    }

    private static boolean mentions(FaultProxy.Seen s, FleetWorld.Vpc v) {
        return Stream.of(v.vpcId(), v.rtb(), v.natA(), v.natB()).anyMatch(s.body()::contains);
    }

    /**
     * The controller Lambda builds from its environment. The SDK reads endpoints, region and the controller's own
     * credentials from JVM-wide settings: they are set here (the {@code aws.*} system properties, which the SDK and the
     * light clients read before the {@code AWS_*} environment variables) and put back on close.
     */
    private static final class Lambda implements AutoCloseable {
        final FleetWorld world;
        final FaultProxy ec2;
        final FaultProxy sts;
        final FaultProxy dynamoDb;
        final Deployment deployment;
        final ControllerHandler handler;
        final String homeKey;
        private final Map<String, String> saved = new LinkedHashMap<>();
        private final Map<String, String> assumedKeys = new LinkedHashMap<>();

        Lambda(LocalAws aws, FleetWorld world, Path dir) throws Exception {
            this.world = world;
            this.ec2 = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY);
            this.sts = FaultProxy.start(aws.endpoint("STS").orElseThrow(), FaultProxy.Dialect.AWS_QUERY);
            this.dynamoDb = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON);
            var home = aws.credentials().resolveCredentials();
            this.homeKey = home.accessKeyId();
            try {
                set("aws.endpointUrlEc2", ec2.endpoint().toString());
                set("aws.endpointUrlSts", sts.endpoint().toString());
                set("aws.endpointUrlDynamoDb", dynamoDb.endpoint().toString());
                set("aws.endpointUrlCloudWatch", aws.endpoint("CloudWatch").orElseThrow().toString());
                set("aws.endpointUrlEventBridge", aws.endpoint("EventBridge").orElseThrow().toString());
                set("aws.endpointUrlAutoScaling", aws.endpoint("Auto Scaling").orElseThrow().toString());
                set("aws.region", aws.region().id());
                set("aws.accessKeyId", home.accessKeyId());
                set("aws.secretAccessKey", home.secretAccessKey());
                Path config = dir.resolve("fleet.yaml");
                Files.writeString(config, world.yaml(), StandardCharsets.UTF_8);
                String account;
                try (StsClient setup = aws.configure(StsClient.builder(), "STS").build()) {
                    account = setup.getCallerIdentity().account();
                }
                // What the stack sets (infra-cdk): the table, the config file in the bundle, the controller's account.
                Map<String, String> env = Map.of("AWS_REGION", aws.region().id(), "VRF_TABLE_NAME", world.table,
                        "VRF_CONFIG_PATH", config.toString(), "VRF_ACCOUNT_ID", account);
                this.deployment = Deployment.fromEnvironment(env, Components.Clients.fromEnvironment());
                this.handler = new ControllerHandler(deployment, Clock.systemUTC());
            } catch (Exception | Error e) {
                close();
                throw e;
            }
        }

        private void set(String property, String value) {
            saved.putIfAbsent(property, System.getProperty(property));
            System.setProperty(property, value);
        }

        JsonNode scheduled() throws Exception {
            JsonNode answer = handler.handle(Files.readAllBytes(HandlerWorld.EVENTS.resolve("aws.events-scheduled.json")), null);
            assertThat(answer.path("ok").asBoolean()).as(answer.toString()).isTrue();
            return answer;
        }

        void resetCounts() {
            ec2.resetCounts();
            sts.resetCounts();
            dynamoDb.resetCounts();
        }

        /**
         * The access key each account's calls must be signed with ("null": home): moto's answer to that account's
         * AssumeRole, remembered across {@link #resetCounts} (a cached role is not assumed again).
         */
        Map<String, String> keysByAccount() {
            assumedKeys.put("null", homeKey);
            for (String account : List.of(ACCOUNT_A, ACCOUNT_B)) {
                try {
                    Matcher m = ACCESS_KEY.matcher(new String(sts.lastResponse("AssumeRole", account), StandardCharsets.UTF_8));
                    if (m.find()) {
                        assumedKeys.put(account, m.group(1));
                    }
                } catch (IllegalStateException notAssumed) {
                    // not assumed since the last reset
                }
            }
            return Map.copyOf(assumedKeys);
        }

        /** Every EC2 call naming a VPC's resources was signed with that VPC's key, and each VPC had some. */
        void assertEachVpcSignedBy(Map<String, String> keys) {
            for (FleetWorld.Vpc v : world.vpcs) {
                String key = keys.get(String.valueOf(v.account()));
                List<FaultProxy.Seen> calls = ec2.seen().stream().filter(s -> mentions(s, v)).toList();
                assertThat(calls).as("EC2 calls for " + v.vpcId() + " (account " + v.account() + ")").isNotEmpty()
                        .allSatisfy(s -> assertThat(s.accessKeyId()).as(s.operation()).isEqualTo(key));
            }
            assertThat(ec2.seen().stream().map(FaultProxy.Seen::accessKeyId).collect(Collectors.toSet()))
                    .isSubsetOf(keys.values());
        }

        @Override
        public void close() {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
            Stream.of(ec2, sts, dynamoDb).filter(java.util.Objects::nonNull).forEach(FaultProxy::close);
        }
    }
}
