// Over 400 lines on purpose: one story against one deployed stack (deploy, read back, run handlers and agents, fail over), each step on the previous one's state.
package io.github.vpcroutefailover.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.handler.Components;
import io.github.vpcroutefailover.handler.ControllerHandler;
import io.github.vpcroutefailover.handler.ProbeHandler;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.cxapi.CloudAssembly;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.Rule;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.model.FunctionConfiguration;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.event.ruler.Machine;

/**
 * The system as a user deploys it and runs it (issue 12): the CDK app synthesized for the sample route config,
 * created in the emulator's CloudFormation, everything then read back from the deployed stack (each function's
 * environment, the config inside the layer, the table, the event rules, the roles), the controller and probe
 * handlers run in this JVM with exactly that environment, two agents (the shaded jar, the sample unit's JVM flags,
 * the sample agent config), and the NAT failover story driven by the events EventBridge would deliver.
 *
 * <p>What is adapted, and why: ids (VPC, instances, NAT gateway, subnet) are the emulator's; the VPC is
 * {@code 127.77.0.0/16} so instances' private IPs are loopback addresses where the test opens the listeners the
 * probes and peer checks connect to; the probe's port 22 becomes a free port (binding 22 needs root); in the agent
 * config the internet (checkip.amazonaws.com) is a loopback HTTP server, {@code /proc/sys/net/ipv4/ip_forward} a
 * file the test controls, the ICMP peer probe a TCP peer probe (ICMP to a loopback address cannot be made to
 * fail), and the haproxy port a loopback listener. The layer's {@code /opt} is the extracted layer directory.
 */
@ExtendWith(LocalAwsExtension.class)
class DeployedStackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STACK = "VrfSystem";
    private static final String CIDR = "127.77.0.0/16";
    private static final int MAX_RECONCILES = 30;

    @TempDir
    Path tmp;

    private LocalAws aws;
    private TestNetwork net;
    private String natA;
    private String natB;
    private String natGw;
    private String rtbA;
    private String rtbB;
    private String rtbRegistrable;
    private final Map<String, CallRecorder> recorders = new LinkedHashMap<>();
    private final List<String> deliveries = new ArrayList<>();

    @Test
    void natFailoverStoryAsDeployed(LocalAws aws) throws Exception {
        this.aws = aws;
        Path repo = Path.of(System.getProperty("vrf.repoRoot", "..")).toAbsolutePath().normalize();
        buildWorld();
        String ipA = privateIp(natA);
        String ipB = privateIp(natB);

        // The internet behind the NATs, the forwarding switch, haproxy: what the agents check on their hosts.
        Path ipForward = tmp.resolve("ip_forward");
        Files.writeString(ipForward, "1\n");
        int peerPort = Listener.freePortOn(ipA, ipB);
        Listener internet = Listener.http("127.0.0.1");
        Listener haproxy = Listener.tcp("127.0.0.1", 0);
        Path agentA = writeAgentConfig(repo, "nat-a", natA, internet.port(), ipForward, haproxy.port(), ipA, ipB, peerPort);
        Path agentB = writeAgentConfig(repo, "nat-b", natB, internet.port(), ipForward, haproxy.port(), ipA, ipB, peerPort);

        // --- synth + deploy -------------------------------------------------------------------------------------
        int probePort = Listener.freePortOn(ipA, ipB);
        Path config = tmp.resolve("routes.yaml");
        Files.writeString(config, SampleAdapter.routeConfig(repo, net.vpcId(), natA, natB, natGw, net.subnet(0), probePort));
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("configPath", config.toString());
        context.put("stackName", STACK);
        context.put("vpcCidr", CIDR);
        context.put("probeSubnets", net.subnet(0) + ":" + net.zone(0) + ":" + rtbA + "," + net.subnet(1) + ":" + net.zone(1) + ":" + rtbB);
        context.put("notificationTopicArn", "create");
        // cdk synth checks the route config against the agent configs that run on the NATs (the sample's, adapted).
        context.put("agentConfigs", agentA + "," + agentB);
        CloudAssembly assembly = DeployedStack.synth(context, aws.region().id(), tmp.resolve("cdk.out"));
        DeployedStack stack = DeployedStack.deploy(aws, assembly, STACK);

        // Types moto skips are asserted from the template; the alarms are also created as CloudFormation would.
        assertThat(stack.skipped.values()).allSatisfy(r -> assertThat(DeployedStack.SKIPPED_TYPES).contains(r.get("Type").asText()));
        AlarmEmulator alarms = new AlarmEmulator(aws, stack);
        alarms.createFromTemplate();
        assertThat(alarms.agentAlarmFor(natA, "egress-https")).as("the agent alarm of nat-a's egress check").isNotNull();

        // --- discover from the deployed stack ---------------------------------------------------------------------
        LambdaClient lambda = aws.configure(LambdaClient.builder(), "Lambda").build();
        S3Client s3 = aws.configure(S3Client.builder().forcePathStyle(true), "S3").build();
        List<FunctionConfiguration> functions = DeployedStack.functions(lambda);
        FunctionConfiguration controllerFn = functions.stream().filter(f -> f.handler().startsWith(ControllerHandler.class.getName())).findFirst().orElseThrow();
        List<FunctionConfiguration> probeFns = functions.stream().filter(f -> f.handler().startsWith(ProbeHandler.class.getName())).toList();
        assertThat(probeFns).hasSize(2);
        String layerId = stack.logicalIds("AWS::Lambda::LayerVersion").get(0);
        Map<String, byte[]> layer = stack.layerFiles(s3, layerId);
        Path opt = tmp.resolve("opt");
        for (Map.Entry<String, byte[]> f : layer.entrySet()) {
            Path p = opt.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, f.getValue());
        }
        String tableName = controllerFn.environment().variables().get("VRF_TABLE_NAME");
        copyTableToDynamoDbLocal(stack, tableName);
        Map<String, Rule> rules = new LinkedHashMap<>();
        EventBridgeClient events = aws.eventBridge();
        events.listRules(r -> { }).rules().forEach(r -> rules.put(r.name(), r)); // one page: the stack has ~10 rules

        ControllerHandler controller = ControllerHandler.fromEnvironment(lambdaEnv(controllerFn, opt), clients("controller"));
        Map<String, ProbeHandler> probes = new LinkedHashMap<>();
        for (FunctionConfiguration f : probeFns) {
            String az = f.environment().variables().get("VRF_PROBE_AZ");
            probes.put(az, ProbeHandler.fromEnvironment(lambdaEnv(f, opt), clients("probe-" + az)));
        }
        EventBus bus = new EventBus(events, rules, functions, controller, probes);

        // --- the hosts: probe and peer listeners, agents -----------------------------------------------------------
        try (Listener probeA = Listener.tcp(ipA, probePort);
             Listener probeB = Listener.tcp(ipB, probePort);
             Listener peerB = Listener.tcp(ipB, peerPort)) {
            Listener peerA = Listener.tcp(ipA, peerPort);
            Map<String, String> agentEnv = new LinkedHashMap<>(aws.environment());
            try (AgentProcess a = AgentProcess.start(repo, agentA, tmp, agentEnv);
                 AgentProcess b = AgentProcess.start(repo, agentB, tmp, agentEnv)) {
                waitForSeries(a, natA, "egress-https", "ip-forward", "peer:" + natB);
                waitForSeries(b, natB, "egress-https", "ip-forward", "peer:" + natA);

                // 1. Placement: every check passes (probes reach the listeners, agents publish), zone affinity.
                bus.probeRounds(2);
                reconcileUntil(bus, () -> natOf(rtbA, "0.0.0.0/0").equals(natA) && natOf(rtbB, "0.0.0.0/0").equals(natB));

                // 2. A route registered at run time, in a table IAM lets the controller change (tag vrf-registrable).
                JsonNode reg = bus.invokeController(("{\"action\":\"register\",\"route\":{\"name\":\"partner\",\"destination\":\"10.200.0.0/16\","
                        + "\"routeTables\":[{\"tags\":{\"tier\":\"registered\",\"vrf-registrable\":\"true\"}}],\"targets\":[\"nat-a\",\"nat-b\"],"
                        + "\"fallback\":[\"nat-gw\"]}}").getBytes(StandardCharsets.UTF_8));
                assertThat(reg.get("ok").asBoolean()).as(reg.toString()).isTrue();
                reconcileUntil(bus, () -> !natOf(rtbRegistrable, "10.200.0.0/16").isEmpty());

                // 3. Peer-probe failure: nat-b's agent can no longer reach nat-a; credited to nat-a, its routes move.
                peerA.close();
                reconcileUntil(bus, () -> natOf(rtbA, "0.0.0.0/0").equals(natB));
                assertThat(natOf(rtbB, "0.0.0.0/0")).isEqualTo(natB);
                peerA = Listener.tcp(ipA, peerPort);
                reconcileUntil(bus, () -> healthy(bus, "nat-a"));

                // 4. SIGTERM on nat-b's agent: Draining=1, the Draining alarm fires, ONE controller run moves every route.
                assertThat(b.terminate()).as("agent exit code; log:\n%s", b.logText()).isZero();
                int before = bus.controllerRuns();
                List<JsonNode> fired = alarms.evaluateDraining(natB);
                assertThat(fired).as("a Draining alarm for nat-b went to ALARM").isNotEmpty();
                fired.forEach(bus::deliver);
                assertThat(bus.controllerRuns() - before).as("controller runs for the drain").isEqualTo(fired.size());
                assertThat(natOf(rtbA, "0.0.0.0/0")).isEqualTo(natA);
                assertThat(natOf(rtbB, "0.0.0.0/0")).as("table b leaves draining nat-b at once").isEqualTo(natA);

                // 5. nat-a's egress fails too: nothing healthy, default routes fall back to the NAT gateway.
                internet.close();
                reconcileUntil(bus, () -> natGw.equals(gatewayOf(rtbA, "0.0.0.0/0")) && natGw.equals(gatewayOf(rtbB, "0.0.0.0/0")));
                peerA.close();
            }
        } finally {
            internet.close();
            haproxy.close();
        }

        // --- IAM: every call each component made is allowed by its deployed role -------------------------------
        IamClient iam = aws.configure(IamClient.builder(), "IAM").build();
        List<String> refused = new ArrayList<>();
        for (FunctionConfiguration f : functions) {
            String component = f.handler().startsWith(ControllerHandler.class.getName()) ? "controller" : "probe-" + f.environment().variables().get("VRF_PROBE_AZ");
            CallRecorder rec = recorders.get(component);
            if (rec == null) {
                continue;
            }
            String role = f.role().substring(f.role().lastIndexOf('/') + 1);
            refused.addAll(IamCoverage.refused(IamCoverage.rolePolicies(iam, stack, role), rec.calls(), aws.ec2(), aws.region().id()));
        }
        // The agent makes one kind of call, PutMetricData in its config's namespace (its own client, not the SDK's, so
        // the recorder cannot see it); the policy the stack outputs for the agents' instance role must allow it.
        String agentPolicy = stack.stack.outputs().stream().filter(o -> o.outputKey().equals("AgentPolicyArn")).findFirst()
                .orElseThrow(() -> new AssertionError("the stack has no AgentPolicyArn output")).outputValue();
        refused.addAll(IamCoverage.refused(List.of(IamCoverage.managedPolicyByArn(iam, agentPolicy)),
                List.of(new CallRecorder.Call("agent", "cloudwatch:PutMetricData", "*", Map.of("cloudwatch:namespace", "VpcRouteFailover"), null, null)),
                aws.ec2(), aws.region().id()));
        assertThat(recorders.get("controller").calls()).extracting(CallRecorder.Call::action)
                .contains("ec2:CreateRoute", "ec2:ReplaceRoute", "dynamodb:UpdateItem", "events:PutEvents");
        assertThat(recorders.get("controller").calls()).anySatisfy(c -> assertThat(c.resource()).endsWith(rtbRegistrable));
        assertThat(refused).as("calls outside the component's IAM policy").isEmpty();
    }

    // --- world ----------------------------------------------------------------------------------------------------

    private void buildWorld() {
        net = TestNetwork.create(aws, CIDR, 2);
        natA = net.instance(0, "role=nat");
        natB = net.instance(1, "role=nat");
        natGw = net.natGateway(0);
        rtbA = net.routeTable(0, "tier=private");
        rtbB = net.routeTable(1, "tier=private");
        rtbRegistrable = net.detachedRouteTable("tier=registered", "vrf-registrable=true");
    }

    private String privateIp(String instanceId) {
        return aws.ec2().describeInstances(r -> r.instanceIds(instanceId)).reservations().get(0).instances().get(0).privateIpAddress();
    }

    private Path writeAgentConfig(Path repo, String name, String instanceId, int internetPort, Path ipForward, int haproxyPort,
            String ipA, String ipB, int peerPort) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve(name));
        String yaml = SampleAdapter.agentConfig(repo, instanceId, aws.region().id(), internetPort, ipForward, haproxyPort,
                Map.of("i-0aaaaaaaaaaaaaaaa", new String[] {natA, ipA}, "i-0bbbbbbbbbbbbbbbb", new String[] {natB, ipB}), peerPort,
                dir.resolve("maintenance"));
        Path file = dir.resolve(name + "-agent.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** The deployed function's environment, with the layer's /opt mapped to where the test extracted it. */
    private static Map<String, String> lambdaEnv(FunctionConfiguration f, Path opt) {
        Map<String, String> env = new LinkedHashMap<>(f.environment().variables());
        env.replaceAll((k, v) -> v.startsWith("/opt/") ? opt.resolve(v.substring("/opt/".length())).toString() : v);
        return env;
    }

    /** Production client settings (AwsClients), the emulator endpoints, and a recorder per component. */
    private Components.Clients clients(String component) {
        CallRecorder rec = recorders.computeIfAbsent(component, c -> new CallRecorder(c, aws.region().id()));
        return new Components.Clients(
                AwsClients.tuneEc2(recorded(aws.configure(Ec2Client.builder(), "EC2"), rec)).build(),
                AwsClients.tune(recorded(aws.configure(DynamoDbClient.builder(), "DynamoDB"), rec), RetryMode.STANDARD).build(),
                AwsClients.tune(recorded(aws.configure(CloudWatchClient.builder(), "CloudWatch"), rec), RetryMode.STANDARD).build(),
                AwsClients.tune(recorded(aws.configure(EventBridgeClient.builder(), "EventBridge"), rec), RetryMode.STANDARD).build(),
                AwsClients.tune(recorded(aws.configure(AutoScalingClient.builder(), "Auto Scaling"), rec), RetryMode.STANDARD).build());
    }

    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B recorded(B builder, CallRecorder rec) {
        ClientOverrideConfiguration existing = builder.overrideConfiguration();
        return builder.overrideConfiguration(existing.toBuilder().addExecutionInterceptor(rec).build());
    }

    /**
     * The deployed table recreated in DynamoDB Local, where the suite's conditional writes are exact: keys from the
     * deployed table (moto), indexes from the template (moto's CloudFormation drops GlobalSecondaryIndexes).
     */
    private void copyTableToDynamoDbLocal(DeployedStack stack, String tableName) {
        // The moto endpoint is the one every non-DynamoDB service uses.
        DynamoDbClient deployed = aws.configure(DynamoDbClient.builder(), "EC2").build();
        TableDescription t = deployed.describeTable(r -> r.tableName(tableName)).table();
        assertThat(t.keySchema()).extracting(k -> k.attributeName()).containsExactly("pk", "sk");
        String tableId = stack.logicalIds("AWS::DynamoDB::Table").get(0);
        JsonNode props = stack.resource(tableId).get("Properties");
        List<software.amazon.awssdk.services.dynamodb.model.AttributeDefinition> attributes = new ArrayList<>();
        props.get("AttributeDefinitions").forEach(a -> attributes.add(software.amazon.awssdk.services.dynamodb.model.AttributeDefinition.builder()
                .attributeName(a.get("AttributeName").asText()).attributeType(a.get("AttributeType").asText()).build()));
        List<GlobalSecondaryIndex> indexes = new ArrayList<>();
        props.path("GlobalSecondaryIndexes").forEach(g -> {
            List<software.amazon.awssdk.services.dynamodb.model.KeySchemaElement> keys = new ArrayList<>();
            g.get("KeySchema").forEach(k -> keys.add(software.amazon.awssdk.services.dynamodb.model.KeySchemaElement.builder()
                    .attributeName(k.get("AttributeName").asText()).keyType(k.get("KeyType").asText()).build()));
            indexes.add(GlobalSecondaryIndex.builder().indexName(g.get("IndexName").asText()).keySchema(keys)
                    .projection(p -> p.projectionType(g.get("Projection").get("ProjectionType").asText())).build());
        });
        assertThat(indexes).extracting(GlobalSecondaryIndex::indexName).contains("gsi1");
        aws.dynamoDb().createTable(r -> r.tableName(tableName).keySchema(t.keySchema()).attributeDefinitions(attributes)
                .billingMode(BillingMode.PAY_PER_REQUEST).globalSecondaryIndexes(indexes));
    }

    // --- observing ------------------------------------------------------------------------------------------------

    /** The instance a route points at (via its ENI), or "" when there is none / it points elsewhere. */
    private String natOf(String routeTableId, String destination) {
        Route r = route(routeTableId, destination);
        if (r == null || r.networkInterfaceId() == null) {
            return "";
        }
        return aws.ec2().describeNetworkInterfaces(x -> x.networkInterfaceIds(r.networkInterfaceId())).networkInterfaces().get(0)
                .attachment().instanceId();
    }

    private String gatewayOf(String routeTableId, String destination) {
        Route r = route(routeTableId, destination);
        return r == null || r.natGatewayId() == null ? "" : r.natGatewayId();
    }

    private Route route(String routeTableId, String destination) {
        return aws.ec2().describeRouteTables(r -> r.routeTableIds(routeTableId)).routeTables().get(0).routes().stream()
                .filter(r -> destination.equals(r.destinationCidrBlock())).findFirst().orElse(null);
    }

    private boolean healthy(EventBus bus, String target) {
        JsonNode status = bus.invokeController("{\"action\":\"status\"}".getBytes(StandardCharsets.UTF_8));
        for (JsonNode route : status.path("routes")) {
            for (JsonNode c : route.path("candidates")) {
                if (target.equals(c.path("target").asText()) && !"HEALTHY".equalsIgnoreCase(c.path("health").asText())) {
                    return false;
                }
            }
        }
        return true;
    }

    private void waitForSeries(AgentProcess agent, String instanceId, String... checks) {
        CloudWatchClient cw = aws.cloudWatch();
        for (int i = 0; i < 120; i++) {
            boolean all = true;
            for (String c : checks) {
                all &= !AlarmEmulator.values(cw, "CheckResult", instanceId, c, Statistic.MINIMUM, 30).isEmpty();
            }
            if (all) {
                return;
            }
            assertThat(agent.alive()).as("agent for %s is running; log:\n%s", instanceId, agent.logText()).isTrue();
            DeployedStack.sleep(250);
        }
        throw new AssertionError("agent for " + instanceId + " did not publish " + String.join(", ", checks) + "; log:\n" + agent.logText());
    }

    /** Scheduled reconciles (as the schedule rule delivers them), one a second, until the condition holds. */
    private void reconcileUntil(EventBus bus, BooleanSupplier condition) {
        for (int i = 0; i < MAX_RECONCILES; i++) {
            bus.deliverScheduled();
            if (condition.getAsBoolean()) {
                return;
            }
            DeployedStack.sleep(1000);
        }
        throw new AssertionError("not reached within " + MAX_RECONCILES + " scheduled reconciles; last status: "
                + bus.invokeController("{\"action\":\"status\"}".getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * EventBridge as the deployed rules define it: an event goes to the target of every rule whose pattern
     * matches it (event-ruler, the library EventBridge's matching is published as), schedules to their rule's target.
     */
    static final class EventBus {
        private final Map<String, Rule> rules;
        private final Map<String, String> handlerByFunctionArn = new LinkedHashMap<>();
        private final ControllerHandler controller;
        private final Map<String, ProbeHandler> probes;
        private final Map<String, List<String>> targetsByRule = new LinkedHashMap<>();
        private int controllerRuns;

        EventBus(EventBridgeClient events, Map<String, Rule> rules, List<FunctionConfiguration> functions, ControllerHandler controller,
                Map<String, ProbeHandler> probes) {
            this.rules = rules;
            rules.keySet().forEach(n -> targetsByRule.put(n, events.listTargetsByRule(r -> r.rule(n)).targets().stream()
                    .map(t -> t.arn()).toList()));
            this.controller = controller;
            this.probes = probes;
            for (FunctionConfiguration f : functions) {
                handlerByFunctionArn.put(f.functionArn(), f.handler().startsWith(ControllerHandler.class.getName())
                        ? "controller" : "probe:" + f.environment().variables().get("VRF_PROBE_AZ"));
            }
        }

        int controllerRuns() {
            return controllerRuns;
        }

        JsonNode invokeController(byte[] payload) {
            controllerRuns++;
            return controller.handle(payload, null);
        }

        /** The schedule rule's event, to the schedule rule's target. */
        void deliverScheduled() {
            ObjectNode event = envelope("aws.events", "Scheduled Event");
            event.putObject("detail");
            deliver(event);
        }

        /** Runs each probe function for one invocation long enough for {@code rounds} probe rounds. */
        void probeRounds(int rounds) {
            for (ProbeHandler p : probes.values()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try {
                    p.handleRequest(new ByteArrayInputStream(envelope("aws.events", "Scheduled Event").toString().getBytes(StandardCharsets.UTF_8)),
                            out, LambdaContext.withRemaining(3000 + rounds * 2500));
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }
        }

        void deliver(JsonNode event) {
            int matched = 0;
            for (Rule r : rules.values()) {
                boolean match = r.eventPattern() != null ? matches(r.eventPattern(), event)
                        : r.scheduleExpression() != null && "Scheduled Event".equals(event.path("detail-type").asText());
                if (!match) {
                    continue;
                }
                for (String target : targets(r)) {
                    String handler = handlerByFunctionArn.getOrDefault(target, "");
                    if (handler.equals("controller")) {
                        matched++;
                        JsonNode answer = invokeController(event.toString().getBytes(StandardCharsets.UTF_8));
                        assertThat(answer.path("ok").asBoolean(true)).as("controller answer to %s: %s", event.path("detail-type"), answer).isTrue();
                    }
                }
            }
            assertThat(matched).as("rules delivering %s to the controller", event).isGreaterThan(0);
        }

        private List<String> targets(Rule r) {
            return targetsByRule.getOrDefault(r.name(), List.of());
        }

        private static boolean matches(String pattern, JsonNode event) {
            try {
                Machine m = new Machine();
                m.addRule("r", pattern);
                return !m.rulesForJSONEvent(event.toString()).isEmpty();
            } catch (Exception e) {
                throw new AssertionError("cannot evaluate deployed pattern " + pattern, e);
            }
        }

        static ObjectNode envelope(String source, String detailType) {
            ObjectNode e = JSON.createObjectNode();
            e.put("version", "0").put("id", UUID.randomUUID().toString()).put("detail-type", detailType).put("source", source)
                    .put("account", DeployedStack.ACCOUNT).put("time", Instant.now().toString().substring(0, 19) + "Z").put("region", "us-east-1");
            e.putArray("resources");
            return e;
        }
    }
}
