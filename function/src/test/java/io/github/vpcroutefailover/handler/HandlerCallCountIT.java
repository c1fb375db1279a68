package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.light.Ec2Api;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.app.MutableClock;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * API calls counted through the real handler (the path Lambda runs), not just the reconciler: these are the numbers
 * BENCHMARKS.md states ("Reconcile: API calls of a converged reconcile", "calls per trigger").
 */
@ExtendWith(LocalAwsExtension.class)
class HandlerCallCountIT {
    @TempDir
    Path dir;

    /**
     * The BENCHMARKS.md setup (EC2 status checks on, two NATs, a private table per AZ): 4 EC2 reads and 3 DynamoDB
     * Queries (registered routes, ownership, target states), 7 in all, no write.
     */
    @Test
    void aConvergedScheduledReconcileThroughTheHandlerMakesSevenReads(LocalAws aws) throws Exception {
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String natA = net.instance(0, "role=nat");
            String natB = net.instance(1, "role=nat");
            net.routeTable(0, "tier=private");
            net.routeTable(1, "tier=private");
            String table = aws.uniqueName("ownership");
            DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
            OwnershipTable.create(ddb, table);
            Path configFile = dir.resolve("config.yaml");
            Files.writeString(configFile, """
                    version: 1
                    vpc: %s
                    checks:
                      ec2: {type: ec2-status, statusChecks: true, rise: 1, fall: 1}
                    targets:
                      nat-a: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                      nat-b: {instance: %s, checks: [ec2], sourceDestCheck: ignore}
                    routes:
                      - name: default-egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a, nat-b]
                    """.formatted(net.vpcId(), natA, natB), StandardCharsets.UTF_8);
            FailoverConfig config = ConfigLoader.load(configFile);
            MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
            Ec2Client ec2 = AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build();
            // Built on first use: EventBridge when routes change, Auto Scaling never on a scheduled reconcile.
            java.util.List<String> built = new java.util.concurrent.CopyOnWriteArrayList<>();
            var clients = new Components.Clients(() -> Ec2Api.of(ec2), () -> ddb, () -> aws.configure(CloudWatchClient.builder(), "CloudWatch").build(),
                    () -> {
                        built.add("EventBridge");
                        return aws.configure(software.amazon.awssdk.services.eventbridge.EventBridgeClient.builder(), "EventBridge").build();
                    },
                    () -> {
                        built.add("AutoScaling");
                        return aws.configure(software.amazon.awssdk.services.autoscaling.AutoScalingClient.builder(), "Auto Scaling").build();
                    });
            var settings = new Components.Settings(table, configFile, "VpcRouteFailover", "vrf-", null, null);
            ControllerHandler handler = new ControllerHandler(new Components(clients, settings, () -> config, clock, ReconcileListener.none()), clock);
            byte[] scheduled = Files.readAllBytes(HandlerWorld.EVENTS.resolve("aws.events-scheduled.json"));

            JsonNode first = handler.handle(scheduled, null);
            assertThat(first.path("reconcile").path("changes").size()).as(first.toString()).isEqualTo(2);
            clock.advance(Duration.ofSeconds(10));
            aws.calls().reset();
            JsonNode converged = handler.handle(scheduled, null);
            assertThat(converged.path("reconcile").path("converged").asBoolean()).as(converged.toString()).isTrue();
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of(
                    "Ec2.DescribeRouteTables", 1L, "Ec2.DescribeSubnets", 1L, "Ec2.DescribeInstances", 1L,
                    "Ec2.DescribeInstanceStatus", 1L, "DynamoDb.Query", 3L));
            assertThat(aws.calls().total()).isEqualTo(7);
            assertThat(built).as("clients built lazily: EventBridge once, for the first run's route changes").containsExactly("EventBridge");
        }
    }

    /** An ASG terminate lifecycle action reads the world once: one pass over tables, instances, ownership and states. */
    @Test
    void theLifecyclePathObservesOnce(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        assertThat(w.invoke("aws.events-scheduled.json").path("ok").asBoolean()).isTrue();
        w.advance(Duration.ofSeconds(10));
        String ami = aws.ec2().describeInstances(x -> x.instanceIds(w.natA)).reservations().get(0).instances().get(0).imageId();
        aws.autoScaling().createLaunchConfiguration(x -> x.launchConfigurationName("nat-lc").imageId(ami).instanceType("t3.micro"));
        aws.autoScaling().createAutoScalingGroup(x -> x.autoScalingGroupName("nat-asg").launchConfigurationName("nat-lc")
                .minSize(0).maxSize(1).desiredCapacity(0).vpcZoneIdentifier(w.net.subnet(0)));
        aws.autoScaling().putLifecycleHook(x -> x.autoScalingGroupName("nat-asg").lifecycleHookName("VpcRouteFailover-drain-routes")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(180).defaultResult("CONTINUE"));
        aws.calls().reset();
        // moto answers CompleteLifecycleAction with HTTP 500 (see ControllerHandlerIT); the routes have moved by then.
        assertThatThrownBy(() -> w.invoke("aws.autoscaling-lifecycle-terminate.json"))
                .isInstanceOf(software.amazon.awssdk.services.autoscaling.model.AutoScalingException.class);
        Map<String, Long> calls = aws.calls().snapshot(); // before the checks below, which read EC2 through the same counter
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        assertThat(calls).as("one read of the world: tables, subnets, instances once; registry, ownership, states once each")
                .containsEntry("Ec2.DescribeRouteTables", 1L).containsEntry("Ec2.DescribeSubnets", 1L)
                .containsEntry("Ec2.DescribeInstances", 1L).containsEntry("DynamoDb.Query", 3L);
        assertThat(calls).containsEntry("AutoScaling.CompleteLifecycleAction", 1L);
    }
}
