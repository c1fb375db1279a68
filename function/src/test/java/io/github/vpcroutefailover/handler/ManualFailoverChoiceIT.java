package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * A manual {@code failover} without {@code to} goes where the planner would send the route if its current target
 * failed: the healthy instance in the other zone, never the NAT-gateway fallback while an instance is healthy.
 */
@ExtendWith(LocalAwsExtension.class)
class ManualFailoverChoiceIT {

    @Test
    void failoverWithoutToPicksTheHealthyInstanceNotTheFallbackGateway(LocalAws aws, @TempDir Path dir) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 2);
        String natA = net.instance(0, "role=nat");
        String natB = net.instance(1, "role=nat");
        String natGw = net.natGateway(0);
        String rtbA = net.routeTable(0, "tier=private");
        net.routeTable(1, "tier=private");
        Path file = dir.resolve("config.yaml");
        // The gateway is listed first among the route's candidates' fallbacks; it has no zone.
        Files.writeString(file, """
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, statusChecks: false, rise: 1, fall: 1}
                targets:
                  nat-a: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                  nat-b: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                  nat-gw: {natGateway: %s}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    fallback: [nat-gw]
                    policy: {zoneAffinity: true, whenNoneHealthy: fallback}
                """.formatted(net.vpcId(), natA, natB, natGw));
        String table = aws.uniqueName("ownership");
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        OwnershipTable.create(ddb, table);
        var clients = new Components.Clients(AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build(), ddb,
                aws.configure(CloudWatchClient.builder(), "CloudWatch").build(), aws.configure(EventBridgeClient.builder(), "EventBridge").build(),
                aws.configure(AutoScalingClient.builder(), "Auto Scaling").build());
        var config = ConfigLoader.load(file);
        ControllerHandler h = new ControllerHandler(new Components(clients, new Components.Settings(table, file, "VpcRouteFailover", "vrf-", null),
                () -> config, Clock.systemUTC(), ReconcileListener.none()), Clock.systemUTC());
        JsonNode placed = h.handle(("{\"version\":\"0\",\"id\":\"1\",\"detail-type\":\"Scheduled Event\",\"source\":\"aws.events\",\"account\":\"1\","
                + "\"time\":\"2030-01-01T00:00:00Z\",\"region\":\"us-east-1\",\"resources\":[],\"detail\":{}}").getBytes(StandardCharsets.UTF_8), null);
        assertThat(eniOwner(aws, rtbA)).as("placed: %s", placed).isEqualTo(natA);

        JsonNode answer = h.handle(("{\"action\":\"failover\",\"route\":\"default-egress\",\"routeTableIds\":[\"" + rtbA + "\"]}")
                .getBytes(StandardCharsets.UTF_8), null);

        assertThat(answer.get("ok").asBoolean()).as(answer.toString()).isTrue();
        assertThat(answer.get("moves").get(0).get("to").asText()).isEqualTo("nat-b");
        assertThat(eniOwner(aws, rtbA)).isEqualTo(natB);
    }

    private static String eniOwner(LocalAws aws, String rtb) {
        Route r = aws.ec2().describeRouteTables(x -> x.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                .filter(x -> "0.0.0.0/0".equals(x.destinationCidrBlock())).findFirst().orElse(null);
        if (r == null || r.networkInterfaceId() == null) {
            return r == null ? "" : String.valueOf(r.natGatewayId());
        }
        return aws.ec2().describeNetworkInterfaces(x -> x.networkInterfaceIds(r.networkInterfaceId())).networkInterfaces().get(0)
                .attachment().instanceId();
    }
}
