package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.app.WorldMismatchException;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
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
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * A config for a VPC that does not exist (a typo, the wrong account or region), or whose selectors match no route
 * table at all, must be a hard error naming the VPC: the status answer is not "ok, no routes", and a scheduled
 * reconcile fails (so the stack's error alarms fire) instead of converging on nothing.
 */
@ExtendWith(LocalAwsExtension.class)
class MissingVpcIT {
    private static final String CONFIG = """
            version: 1
            vpc: %s
            checks:
              ec2: {type: ec2-status, statusChecks: false, rise: 1, fall: 1}
            targets:
              nat-a: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
            routes:
              - name: default-egress
                destination: 0.0.0.0/0
                routeTables: [{tags: {tier: %s}}]
                targets: [nat-a]
            """;

    private static ControllerHandler handler(LocalAws aws, Path dir, String yaml) throws Exception {
        Path file = dir.resolve("config.yaml");
        Files.writeString(file, yaml);
        String table = aws.uniqueName("ownership");
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        OwnershipTable.create(ddb, table);
        var clients = new Components.Clients(AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build(), ddb,
                aws.configure(CloudWatchClient.builder(), "CloudWatch").build(), aws.configure(EventBridgeClient.builder(), "EventBridge").build(),
                aws.configure(AutoScalingClient.builder(), "Auto Scaling").build());
        var config = io.github.vpcroutefailover.config.ConfigLoader.load(file);
        return new ControllerHandler(new Components(clients, new Components.Settings(table, file, "VpcRouteFailover", "vrf-", null),
                () -> config, Clock.systemUTC(), ReconcileListener.none()), Clock.systemUTC());
    }

    private static JsonNode manual(ControllerHandler h, String json) {
        return h.handle(json.getBytes(StandardCharsets.UTF_8), null);
    }

    private static final String SCHEDULED = """
            {"version": "0", "id": "53dc4d37-cffa-4f76-80c9-8b7d4a4d2eaa", "detail-type": "Scheduled Event", "source": "aws.events",
             "account": "111111111111", "time": "2030-01-01T00:00:00Z", "region": "us-east-1", "resources": [], "detail": {}}
            """;

    @Test
    void aVpcThatDoesNotExistIsANamedErrorInStatusPlanAndEveryReconcile(LocalAws aws, @TempDir Path dir) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 1);
        String nat = net.instance(0, "role=nat");
        net.routeTable(0, "tier=private");
        ControllerHandler h = handler(aws, dir, CONFIG.formatted("vpc-0123456789abcdef0", nat, "private"));

        for (String action : new String[] {"status", "plan"}) {
            JsonNode answer = manual(h, "{\"action\": \"" + action + "\"}");
            assertThat(answer.get("ok").asBoolean()).as(action + ": " + answer).isFalse();
            assertThat(answer.get("error").get("field").asText()).isEqualTo("vpc");
            assertThat(answer.get("error").get("message").asText()).contains("vpc-0123456789abcdef0").contains("no route tables");
        }
        assertThatThrownBy(() -> manual(h, SCHEDULED)).isInstanceOf(WorldMismatchException.class)
                .hasMessageContaining("vpc-0123456789abcdef0");
        assertThat(aws.calls().mutations()).as("nothing written").doesNotContainKeys("DynamoDb.UpdateItem", "Ec2.CreateRoute");
    }

    @Test
    void aConfigWhoseSelectorsMatchNoRouteTableIsANamedError(LocalAws aws, @TempDir Path dir) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 1);
        String nat = net.instance(0, "role=nat");
        net.routeTable(0, "tier=private");
        ControllerHandler h = handler(aws, dir, CONFIG.formatted(net.vpcId(), nat, "no-such-tier"));

        JsonNode status = manual(h, "{\"action\": \"status\"}");
        assertThat(status.get("ok").asBoolean()).as(status.toString()).isFalse();
        assertThat(status.get("error").get("field").asText()).isEqualTo("routes");
        assertThat(status.get("error").get("message").asText()).contains("matched no route table").contains(net.vpcId())
                .contains("tier=no-such-tier");
        assertThatThrownBy(() -> manual(h, SCHEDULED)).isInstanceOf(WorldMismatchException.class);
    }
}
