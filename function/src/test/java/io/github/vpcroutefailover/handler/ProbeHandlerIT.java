package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.app.ProbeCycle;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbTargetStateStore;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/** The probe Lambda handler with real collaborators against the emulators and a real listener on 127.0.0.1. */
@ExtendWith(LocalAwsExtension.class)
class ProbeHandlerIT {

    @Test
    void anInvocationProbesUntilTheContextDeadlineAndStoresThroughAReconcile(LocalAws aws) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 1);
        String nat = net.instance(0, "role=nat");
        String rtb = net.routeTable(0, "tier=private");
        Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        String table = aws.uniqueName("ownership");
        OwnershipTable.create(ddb, table);
        DynamoDbTargetStateStore states = new DynamoDbTargetStateStore(ddb, table);
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             CheckProber prober = new CheckProber()) {
            Thread.ofPlatform().daemon().start(() -> {
                while (!listener.isClosed()) {
                    try (Socket ignored = listener.accept()) {
                        // accept and close: the check passes
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            FailoverConfig config = ConfigLoader.parse("""
                    version: 1
                    vpc: %s
                    checks:
                      tcp: {type: tcp, port: %d, timeout: 500ms, interval: 1s, rise: 1, fall: 2}
                    targets:
                      nat-a: {instance: %s, checks: [tcp], sourceDestCheck: fix}
                    routes:
                      - name: default-egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a]
                    """.formatted(net.vpcId(), listener.getLocalPort(), nat), "probe.yaml");
            // The production wiring: the controller's components, so probe-made changes are fenced, measured and announced.
            Components components = new Components(new Components.Clients(ec2, ddb,
                    aws.configure(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder(), "CloudWatch").build(),
                    aws.configure(software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder(), "EventBridge").build(),
                    aws.configure(software.amazon.awssdk.services.autoscaling.AutoScalingClient.builder(), "Auto Scaling").build()),
                    new Components.Settings(table, java.nio.file.Path.of("probe.yaml"), "VpcRouteFailover", "vrf-", null),
                    () -> config, Clock.systemUTC(), io.github.vpcroutefailover.app.ReconcileListener.none());
            ProbeSettings settings = ProbeSettings.defaults().withInterval(Duration.ofSeconds(1));
            ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(settings).metrics(ProbeMetrics.NONE).probeAz(net.zone(0));
            try (ProbeCycle cycle = new ProbeCycle(components.controller().probeBackend(), loop,
                    t -> new ProbeTarget(t.key(), "127.0.0.1", t.checks()))) {
                ProbeHandler handler = new ProbeHandler(components.controller()::effectiveConfig, cycle, prober, settings,
                        Clock.systemUTC(), net.zone(0));

                // CRaC priming: warms the prober up, makes no AWS call at all.
                aws.calls().reset();
                handler.beforeCheckpoint(null);
                assertThat(aws.calls().total()).isZero();

                // 5.5 s left: deadline = now + 2.5 s (3 s margin), observing the world comes out of that: one or two rounds.
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream("{\"source\":\"aws.events\"}".getBytes(StandardCharsets.UTF_8)), out,
                        context(5500));
                JsonNode summary = new ObjectMapper().readTree(out.toByteArray());
                assertThat(summary.get("targets").asInt()).isEqualTo(1);
                assertThat(summary.get("rounds").asInt()).isBetween(1, 2);
                assertThat(summary.get("recoveredTriggers").asInt()).as("rise 1: healthy at once").isEqualTo(1);
                assertThat(summary.get("routeChanges").asInt()).isEqualTo(1);
                assertThat(summary.get("stop").asText()).isEqualTo("DEADLINE");
                assertThat(aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes())
                        .anySatisfy(r -> assertThat(r.networkInterfaceId()).isEqualTo(net.primaryEni(nat)));
                assertThat(states.load(List.of(nat)).get(nat).checks()).containsKey("tcp@" + net.zone(0));
                // The probe's route change is announced like any other: one Route Failover event.
                assertThat(aws.calls().calls("EventBridge.PutEvents")).isEqualTo(1);
            }
        }
    }

    @Test
    void theLambdaWiringTakesTheProbeLeaseAndReleasesItToTheNextInvocation(LocalAws aws) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 1);
        String nat = net.instance(0, "role=nat");
        net.routeTable(0, "tier=private");
        Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        String table = aws.uniqueName("ownership");
        OwnershipTable.create(ddb, table);
        // No tcp/http check: nothing to probe on the network (the production addressing would use the instance's
        // private IP), the invocation only goes through the lease.
        java.nio.file.Path config = java.nio.file.Files.createTempFile("probe-lease", ".yaml");
        java.nio.file.Files.writeString(config, """
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status}
                targets:
                  nat-a: {instance: %s, checks: [ec2], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a]
                """.formatted(net.vpcId(), nat));
        try {
            ProbeHandler handler = ProbeHandler.fromEnvironment(java.util.Map.of("VRF_CONFIG_PATH", config.toString(),
                    "VRF_TABLE_NAME", table, "VRF_PROBE_AZ", net.zone(0)), new Components.Clients(ec2, ddb,
                    aws.configure(software.amazon.awssdk.services.cloudwatch.CloudWatchClient.builder(), "CloudWatch").build(),
                    aws.configure(software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder(), "EventBridge").build(),
                    aws.configure(software.amazon.awssdk.services.autoscaling.AutoScalingClient.builder(), "Auto Scaling").build()));
            for (int generation = 1; generation <= 2; generation++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                handler.handleRequest(new ByteArrayInputStream("{}".getBytes(StandardCharsets.UTF_8)), out, context(5000));
                JsonNode summary = new ObjectMapper().readTree(out.toByteArray());
                assertThat(summary.get("lease").asText()).as("released by the one before: free").isEqualTo("FREE");
                assertThat(summary.get("leaseGeneration").asLong()).isEqualTo(generation);
            }
            var item = ddb.getItem(r -> r.tableName(table).key(java.util.Map.of(
                    "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("PROBE_LEASE#" + net.zone(0)),
                    "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("LEASE")))).item();
            assertThat(item).as("the lease item of this AZ, released").containsKey("generation").doesNotContainKey("holder");
        } finally {
            java.nio.file.Files.deleteIfExists(config);
        }
    }

    @Test
    void theLambdaConstructorNamesTheMissingEnvironment() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("VRF_CONFIG_PATH") == null);
        assertThatThrownBy(ProbeHandler::new).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("VRF_CONFIG_PATH").hasMessageContaining("VRF_TABLE_NAME").hasMessageContaining("VRF_PROBE_AZ");
    }

    private static Context context(int remainingMillis) {
        return new Context() {
            public String getAwsRequestId() {
                return "req-1";
            }

            public String getLogGroupName() {
                return "g";
            }

            public String getLogStreamName() {
                return "s";
            }

            public String getFunctionName() {
                return "vrf-probe";
            }

            public String getFunctionVersion() {
                return "$LATEST";
            }

            public String getInvokedFunctionArn() {
                return "arn:aws:lambda:us-east-1:123456789012:function:vrf-probe";
            }

            public CognitoIdentity getIdentity() {
                return null;
            }

            public ClientContext getClientContext() {
                return null;
            }

            public int getRemainingTimeInMillis() {
                return remainingMillis;
            }

            public int getMemoryLimitInMB() {
                return 512;
            }

            public LambdaLogger getLogger() {
                return null;
            }
        };
    }
}
