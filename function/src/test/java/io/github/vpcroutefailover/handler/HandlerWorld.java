package io.github.vpcroutefailover.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.app.MutableClock;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * A world in the emulators that matches the ids the files in {@code events/} use: two NAT instances in two AZs, a
 * private route table per AZ, the ownership table, and a config like samples/config/nat-two-az.yaml (EC2 status and
 * a user alarm as checks; agent checks left out because nothing publishes agent metrics here).
 *
 * <p>moto makes up its own ids, so the event files are read as they are and their documented placeholder ids
 * (events/README.md) are replaced with the ids created here: {@code i-0aaaaaaaaaaaaaaaa} -> nat A, and so on.
 */
final class HandlerWorld {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path EVENTS = findEvents();

    final LocalAws aws;
    final TestNetwork net;
    final String natA;
    final String natB;
    final String rtbA;
    final String rtbB;
    final String table;
    final Path configFile;
    final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    final List<String> metrics = new ArrayList<>();
    final ControllerHandler handler;
    final Map<String, String> ids = new LinkedHashMap<>();

    HandlerWorld(LocalAws aws, Path dir) {
        this.aws = aws;
        this.net = TestNetwork.create(aws, 2);
        this.natA = net.instance(0, "role=nat");
        this.natB = net.instance(1, "role=nat");
        // Tagged vrf-registrable=true: the tables IAM lets the controller change for routes registered at run time.
        this.rtbA = net.routeTable(0, "tier=private", "vrf-registrable=true");
        this.rtbB = net.routeTable(1, "tier=private", "vrf-registrable=true");
        this.table = aws.uniqueName("ownership");
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        OwnershipTable.create(ddb, table);
        aws.cloudWatch().putMetricAlarm(r -> r.alarmName("team-nat-packet-loss").namespace("Team/Network").metricName("PacketLoss")
                .dimensions(d -> d.name("InstanceId").value(natA)).statistic("Average").period(60).evaluationPeriods(1)
                .threshold(1.0).comparisonOperator("GreaterThanThreshold"));
        aws.cloudWatch().setAlarmState(r -> r.alarmName("team-nat-packet-loss").stateValue("OK").stateReason("test"));
        ids.put("i-0aaaaaaaaaaaaaaaa", natA);
        ids.put("i-0bbbbbbbbbbbbbbbb", natB);
        ids.put("rtb-0aaaaaaaaaaaaaaaa", rtbA);
        ids.put("rtb-0bbbbbbbbbbbbbbbb", rtbB);
        ids.put("vpc-0123456789abcdef0", net.vpcId());
        this.configFile = dir.resolve("config.yaml");
        write(configFile, """
                version: 1
                vpc: %s
                checks:
                  ec2:
                    type: ec2-status
                    statusChecks: false
                    rise: 1
                    fall: 1
                  packet-loss:
                    type: alarm
                    alarmName: team-nat-packet-loss
                    rise: 1
                    fall: 1
                targets:
                  nat-a:
                    instance: %s
                    checks: [ec2, packet-loss]
                    sourceDestCheck: ignore
                  nat-b:
                    instance: %s
                    checks: [ec2]
                    sourceDestCheck: ignore
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables:
                      - tags: {tier: private}
                    targets: [nat-a, nat-b]
                    policy:
                      zoneAffinity: true
                      failBack: {after: 5m}
                """.formatted(net.vpcId(), natA, natB));
        this.handler = new ControllerHandler(components(), clock);
    }

    Components components() {
        // EC2, DynamoDB and CloudWatch as in production: the light clients (aws/light), counted like the SDK's.
        List<ExecutionInterceptor> counted = List.of(aws.calls());
        var clients = new Components.Clients(
                LightClients.ec2(aws.region(), aws.credentials(), aws.endpoint("EC2").orElseThrow(), counted),
                LightClients.dynamoDb(aws.region(), aws.credentials(), aws.endpoint("DynamoDB").orElseThrow(), counted),
                LightClients.cloudWatch(aws.region(), aws.credentials(), aws.endpoint("CloudWatch").orElseThrow(), counted),
                aws.configure(EventBridgeClient.builder(), "EventBridge").build(),
                aws.configure(AutoScalingClient.builder(), "Auto Scaling").build());
        // As deployed by a stack named VpcRouteFailover with an ASG configured (events/ use that hook name).
        var settings = new Components.Settings(table, configFile, "VpcRouteFailover", "vrf-", null, "VpcRouteFailover-drain-routes");
        FailoverConfig config = ConfigLoader.load(configFile);
        return new Components(clients, settings, () -> config, clock, new EmfMetrics("VpcRouteFailover", metrics::add, Clock.fixed(Instant.EPOCH, ZoneOffset.UTC)));
    }

    /** An events/ file with placeholder ids replaced by this world's ids. */
    byte[] event(String file) {
        try {
            String text = Files.readString(EVENTS.resolve(file), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> e : ids.entrySet()) {
                text = text.replace(e.getKey(), e.getValue());
            }
            return text.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    JsonNode invoke(String file) {
        return handler.handle(event(file), null);
    }

    JsonNode invokeJson(String json) {
        return handler.handle(json.getBytes(StandardCharsets.UTF_8), null);
    }

    String eniA() {
        return net.primaryEni(natA);
    }

    String eniB() {
        return net.primaryEni(natB);
    }

    String hop(String rtb) {
        return aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock())).findFirst()
                .map(r -> r.networkInterfaceId() != null ? r.networkInterfaceId() : r.instanceId()).orElse(null);
    }

    String hop(String rtb, String cidr) {
        return aws.ec2().describeRouteTables(r -> r.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(r -> cidr.equals(r.destinationCidrBlock())).findFirst()
                .map(r -> r.networkInterfaceId() != null ? r.networkInterfaceId() : r.instanceId()).orElse(null);
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ../events from the function module; also works when run from the repository root. */
    static Path findEvents() {
        for (Path p : List.of(Path.of("../events"), Path.of("events"))) {
            if (Files.isRegularFile(p.resolve("README.md"))) {
                return p.toAbsolutePath().normalize();
            }
        }
        throw new IllegalStateException("events/ not found from " + Path.of("").toAbsolutePath());
    }
}
