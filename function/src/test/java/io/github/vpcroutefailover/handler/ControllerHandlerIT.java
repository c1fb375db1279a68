package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.handler.event.BadRequestException;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real handler against the emulators, driven by the files in events/. */
@ExtendWith(LocalAwsExtension.class)
class ControllerHandlerIT {
    @TempDir
    Path dir;

    private HandlerWorld established(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        JsonNode r = w.invoke("aws.events-scheduled.json");
        assertThat(r.path("ok").asBoolean()).as(r.toString()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniA());
        assertThat(w.hop(w.rtbB)).isEqualTo(w.eniB());
        return w;
    }

    private static long mutations(LocalAws aws) {
        return aws.calls().mutations().values().stream().mapToLong(Long::longValue).sum();
    }

    @Test
    void scheduledEventCreatesThenIsConvergedWithoutWrites(LocalAws aws) {
        HandlerWorld w = established(aws);
        assertThat(w.metrics).anyMatch(l -> l.contains("\"RouteChanges\":2") && l.contains("\"RouteName\":\"default-egress\""));
        aws.calls().reset();
        JsonNode r = w.invoke("aws.events-scheduled.json");
        assertThat(r.path("reconcile").path("converged").asBoolean()).isTrue();
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void everyGoingAwayStateFailsOverAtOnce(LocalAws aws) {
        for (String file : List.of("aws.ec2-instance-state-change-stopping.json", "aws.ec2-instance-state-change-stopped.json",
                "aws.ec2-instance-state-change-shutting-down.json", "aws.ec2-instance-state-change-terminated.json")) {
            aws.calls().reset();
            HandlerWorld w = established(aws);
            w.net.stopInstance(w.natA);
            JsonNode r = w.invoke(file);
            assertThat(r.path("managed").asBoolean()).as(file).isTrue();
            assertThat(w.hop(w.rtbA)).as(file).isEqualTo(w.eniB());
            assertThat(w.hop(w.rtbB)).as(file).isEqualTo(w.eniB());
        }
    }

    @Test
    void duplicateDeliveryTimesTenChangesTheRouteOnce(LocalAws aws) {
        HandlerWorld w = established(aws);
        w.net.stopInstance(w.natA);
        aws.calls().reset();
        for (int i = 0; i < 10; i++) {
            assertThat(w.invoke("aws.ec2-instance-state-change-stopped.json").path("ok").asBoolean()).isTrue();
        }
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(1);
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
    }

    @Test
    void anOldRunningEventAfterANewerStoppedCannotUndoTheFailover(LocalAws aws) {
        HandlerWorld w = established(aws);
        w.net.stopInstance(w.natA);
        w.invoke("aws.ec2-instance-state-change-stopped.json");
        aws.calls().reset();
        JsonNode r = w.invoke("aws.ec2-instance-state-change-running.json");
        assertThat(r.path("managed").asBoolean()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
    }

    @Test
    void runningAndPendingOfAHealthyManagedInstanceChangeNothing(LocalAws aws) {
        HandlerWorld w = established(aws);
        aws.calls().reset();
        for (String f : List.of("aws.ec2-instance-state-change-running.json", "aws.ec2-instance-state-change-pending.json")) {
            assertThat(w.invoke(f).path("reconcile").path("converged").asBoolean()).as(f).isTrue();
        }
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void eventsAboutThingsWeDoNotManageChangeNothing(LocalAws aws) {
        HandlerWorld w = established(aws);
        aws.calls().reset();
        for (String f : List.of("aws.ec2-instance-state-change-unmanaged.json", "aws.ec2-spot-interruption-warning-unmanaged.json",
                "aws.ec2-rebalance-recommendation-unmanaged.json", "aws.cloudwatch-alarm-unmanaged.json",
                "aws.autoscaling-lifecycle-unmanaged-group.json")) {
            JsonNode r = w.invoke(f);
            assertThat(r.path("ok").asBoolean()).as(f).isTrue();
            assertThat(r.path("managed").asBoolean()).as(f + " " + r).isFalse();
        }
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void malformedAndForeignEventsAreRefusedWithoutMutations(LocalAws aws) {
        HandlerWorld w = established(aws);
        aws.calls().reset();
        Map<String, String> fieldByFile = Map.of(
                "aws.ec2-instance-state-change-malformed-detail.json", "detail.state",
                "aws.ec2-spot-interruption-warning-malformed-detail.json", "detail.instance-id",
                "aws.cloudwatch-alarm-state-change-malformed-detail.json", "detail.alarmName",
                "aws.autoscaling-lifecycle-malformed-detail.json", "detail.AutoScalingGroupName",
                "aws.autoscaling-lifecycle-launch.json", "detail-type",
                "aws.cloudwatch-alarm-configuration-change.json", "detail-type",
                "vpc-route-failover-route-failover.json", "detail-type",
                "acme.network-route-failover.json", "detail-type");
        fieldByFile.forEach((file, field) -> assertThatThrownBy(() -> w.invoke(file)).as(file)
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.field()).isEqualTo(field)));
        assertThat(mutations(aws)).isZero();
    }

    @Test
    void spotAndRebalanceDrainTheInstanceAndMoveItsRoutes(LocalAws aws) {
        // The spot fixture is about nat-b (i-0bbbbbbbbbbbbbbbb), the rebalance fixture about nat-a.
        for (String[] c : List.of(new String[] {"aws.ec2-spot-interruption-warning.json", "spot interruption", "b"},
                new String[] {"aws.ec2-rebalance-recommendation.json", "rebalance", "a"})) {
            HandlerWorld w = established(aws);
            w.advance(Duration.ofSeconds(10));
            JsonNode r = w.invoke(c[0]);
            assertThat(r.path("managed").asBoolean()).isTrue();
            if (c[2].equals("a")) {
                assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
            } else {
                assertThat(w.hop(w.rtbB)).isEqualTo(w.eniA());
            }
            JsonNode status = w.invokeJson("{\"action\":\"status\"}");
            assertThat(status.toString()).contains("\"drained\":true").contains(c[1]);
            aws.calls().reset();
            w.invoke(c[0]);
            assertThat(aws.calls().mutations()).as("a repeated warning changes nothing").isEmpty();
        }
    }

    @Test
    void lifecycleTerminateMovesRoutesThenCompletesTheAction(LocalAws aws) {
        HandlerWorld w = established(aws);
        w.advance(Duration.ofSeconds(10));
        String ami = aws.ec2().describeInstances(x -> x.instanceIds(w.natA)).reservations().get(0).instances().get(0).imageId();
        aws.autoScaling().createLaunchConfiguration(x -> x.launchConfigurationName("nat-lc").imageId(ami).instanceType("t3.micro"));
        aws.autoScaling().createAutoScalingGroup(x -> x.autoScalingGroupName("nat-asg").launchConfigurationName("nat-lc")
                .minSize(0).maxSize(1).desiredCapacity(0).vpcZoneIdentifier(w.net.subnet(0)));
        aws.autoScaling().putLifecycleHook(x -> x.autoScalingGroupName("nat-asg").lifecycleHookName("VpcRouteFailover-drain-routes")
                .lifecycleTransition("autoscaling:EC2_INSTANCE_TERMINATING").heartbeatTimeout(180).defaultResult("CONTINUE"));
        aws.calls().reset();
        // moto answers CompleteLifecycleAction with HTTP 500 (a moto gap, reported); the invocation fails, as it
        // should when the completion fails, but only after the routes moved.
        assertThatThrownBy(() -> w.invoke("aws.autoscaling-lifecycle-terminate.json"))
                .isInstanceOf(software.amazon.awssdk.services.autoscaling.model.AutoScalingException.class);
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        assertThat(aws.calls().calls("AutoScaling.CompleteLifecycleAction")).isEqualTo(1);
    }

    @Test
    void anotherTeamsLifecycleHookIsNeverCompletedOrActedOn(LocalAws aws) {
        HandlerWorld w = established(aws);
        w.advance(Duration.ofSeconds(10));
        aws.calls().reset();
        // Same group, same managed instance, but a hook that is not ours: their drain must not be cut short,
        // and our routes stay where they are.
        String foreign = new String(w.event("aws.autoscaling-lifecycle-terminate.json"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("VpcRouteFailover-drain-routes", "web-drain");
        JsonNode r = w.invokeJson(foreign);
        assertThat(r.toString()).contains("not ours");
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniA());
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void aConfiguredAlarmInAlarmFailsOverAtOnceAndOkDoesNotFlipBack(LocalAws aws) {
        HandlerWorld w = established(aws);
        w.advance(Duration.ofSeconds(10));
        aws.cloudWatch().setAlarmState(r -> r.alarmName("team-nat-packet-loss").stateValue("ALARM").stateReason("loss"));
        JsonNode r = w.invoke("aws.cloudwatch-alarm-state-change-config-alarm.json");
        assertThat(r.path("managed").asBoolean()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        aws.cloudWatch().setAlarmState(x -> x.alarmName("team-nat-packet-loss").stateValue("OK").stateReason("fine"));
        w.advance(Duration.ofSeconds(30));
        aws.calls().reset();
        w.invoke("aws.cloudwatch-alarm-state-change-ok.json");
        assertThat(w.hop(w.rtbA)).as("OK feeds fail-back; the hold time has not passed").isEqualTo(w.eniB());
        w.advance(Duration.ofMinutes(6));
        w.invoke("aws.events-scheduled.json");
        assertThat(w.hop(w.rtbA)).as("fail-back after the hold").isEqualTo(w.eniA());
    }

    @Test
    void anAgentAlarmWithoutAMatchingCheckOnlyReobserves(LocalAws aws) {
        HandlerWorld w = established(aws);
        aws.calls().reset();
        JsonNode r = w.invoke("aws.cloudwatch-alarm-state-change-alarm.json");
        assertThat(r.path("managed").asBoolean()).as("InstanceId dimension names nat-a").isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniA());
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void theStacksDrainingAndHeartbeatAlarmsReachTheControllerAsManagedAlarms(LocalAws aws) {
        // The stack names them <prefix><target>--draining / --heartbeat on metrics Draining / Heartbeat with
        // Check=agent (infra-cdk AgentAlarms). The controller must take them as alarms about nat-a (InstanceId
        // dimension), never ignore them, and never read "-draining" as a check name; it then reconciles on the
        // metrics it reads itself (AgentMetricHealthSource fails every agent check of a draining instance).
        HandlerWorld w = established(aws);
        aws.calls().reset();
        for (String[] kind : List.of(new String[] {"--draining", "Draining"}, new String[] {"--heartbeat", "Heartbeat"})) {
            String event = new String(w.event("aws.cloudwatch-alarm-state-change-alarm.json"), StandardCharsets.UTF_8)
                    .replace("vrf-nat-a-nat-agent", "vrf-nat-a" + kind[0])
                    .replace("\"name\": \"CheckResult\"", "\"name\": \"" + kind[1] + "\"")
                    .replace("\"Check\": \"egress\"", "\"Check\": \"agent\"");
            JsonNode r = w.invokeJson(event);
            assertThat(r.path("managed").asBoolean()).as(kind[0] + ": " + r).isTrue();
        }
        // Nothing is draining here (no Draining datum): the re-observation changes nothing.
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniA());
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void badPayloadTableThroughTheRealHandlerMakesNoMutation(LocalAws aws) throws Exception {
        HandlerWorld w = established(aws);
        aws.calls().reset();
        int n = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                getClass().getResourceAsStream("/bad-payloads.jsonl")), StandardCharsets.UTF_8))) {
            for (String line : r.lines().filter(l -> !l.isBlank()).toList()) {
                JsonNode row = HandlerWorld.JSON.readTree(line);
                byte[] payload = HandlerWorld.JSON.writeValueAsBytes(row.get("payload"));
                String field = row.get("field").asText();
                try {
                    JsonNode out = w.handler.handle(payload, null);
                    assertThat(out.path("ok").asBoolean()).as(line).isFalse();
                    assertThat(out.path("error").path("field").asText()).as(line).isEqualTo(field);
                    assertThat(out.path("error").path("message").asText()).as(line).isNotBlank();
                } catch (BadRequestException e) {
                    assertThat(e.field()).as(line).isEqualTo(field);
                }
                n++;
            }
        }
        assertThat(n).isGreaterThanOrEqualTo(30);
        assertThat(w.handler.handle("{not json".getBytes(StandardCharsets.UTF_8), null).path("error").path("field").asText()).isEqualTo("$");
        for (String[] c : List.of(
                new String[] {"{\"action\":\"drain\",\"target\":\"nat-zz\"}", "target"},
                new String[] {"{\"action\":\"failover\",\"route\":\"no-such-route\"}", "route"},
                new String[] {"{\"action\":\"failover\",\"route\":\"default-egress\",\"to\":\"nat-zz\"}", "to"},
                new String[] {"{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-zz\",\"for\":\"1h\"}", "target"},
                new String[] {"{\"action\":\"status\",\"route\":\"nope\"}", "route"},
                new String[] {"{\"action\":\"deregister\",\"route\":\"nope\"}", "route"},
                new String[] {"{\"action\":\"deregister\",\"route\":\"default-egress\"}", "route"},
                new String[] {"{\"action\":\"register\",\"route\":{\"name\":\"x\",\"destination\":\"10.0.0.300/32\",\"routeTables\":[{\"tags\":{\"tier\":\"private\"}}],\"targets\":[\"nat-a\"]}}", "route.destination"})) {
            JsonNode out = w.invokeJson(c[0]);
            assertThat(out.path("ok").asBoolean()).as(c[0]).isFalse();
            assertThat(out.path("error").path("field").asText()).as(c[0] + " " + out).isEqualTo(c[1]);
        }
        for (String f : List.of("manual-unknown-action.json", "manual-failover-missing-route.json")) {
            assertThat(w.invoke(f).path("ok").asBoolean()).as(f).isFalse();
        }
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void manualStatusPlanFailoverPinUnpin(LocalAws aws) {
        HandlerWorld w = established(aws);
        JsonNode status = w.invoke("manual-status.json");
        assertThat(status.path("ok").asBoolean()).as(status.toString()).isTrue();
        assertThat(status.path("routes")).hasSize(2);
        JsonNode first = status.path("routes").get(0);
        assertThat(first.path("current").path("target").asText()).isIn("nat-a", "nat-b");
        assertThat(first.path("ownerVersion").asLong()).isEqualTo(1);
        assertThat(first.path("candidates").toString()).contains("HEALTHY");
        assertThat(first.path("lastChange").path("by").asText()).startsWith("event:Scheduled");
        assertThat(w.invoke("manual-plan.json").path("converged").asBoolean()).isTrue();

        JsonNode failover = w.invoke("manual-failover.json");
        assertThat(failover.path("ok").asBoolean()).as(failover.toString()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        assertThat(w.hop(w.rtbB)).isEqualTo(w.eniB());
        JsonNode after = w.invokeJson("{\"action\":\"status\",\"route\":\"default-egress\"}");
        assertThat(after.toString()).contains("requestedBy=alice (self-declared)").contains("manual failover");
        // The short pin holds against the next scheduled reconcile.
        w.advance(Duration.ofMinutes(1));
        w.invoke("aws.events-scheduled.json");
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());

        assertThat(w.invoke("manual-unpin.json").path("ok").asBoolean()).isTrue();
        JsonNode pin = w.invokeJson("{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"for\":\"2h\",\"requestedBy\":\"bob\"}");
        assertThat(pin.path("ok").asBoolean()).as(pin.toString()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        assertThat(w.invoke("manual-pin.json").path("ok").asBoolean()).isTrue();
        assertThat(w.invoke("manual-unpin.json").path("ok").asBoolean()).isTrue();
        w.advance(Duration.ofMinutes(10));
        w.invoke("aws.events-scheduled.json");
        assertThat(w.hop(w.rtbA)).as("unpinned: fail-back to the zone's own NAT").isEqualTo(w.eniA());
    }

    @Test
    void drainThenUndrainWithFailBackAfterTheHold(LocalAws aws) {
        HandlerWorld w = established(aws);
        JsonNode drain = w.invoke("manual-drain.json");
        assertThat(drain.path("ok").asBoolean()).as(drain.toString()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        w.advance(Duration.ofMinutes(10));
        w.invoke("aws.events-scheduled.json");
        assertThat(w.hop(w.rtbA)).as("drained: kept away").isEqualTo(w.eniB());
        JsonNode undrain = w.invoke("manual-undrain.json");
        assertThat(undrain.path("ok").asBoolean()).as(undrain.toString()).isTrue();
        w.advance(Duration.ofMinutes(6));
        w.invoke("aws.events-scheduled.json");
        assertThat(w.hop(w.rtbA)).as("undrained and healthy past the hold: fail-back").isEqualTo(w.eniA());
    }

    @Test
    void registerAndDeregisterARouteAtRuntime(LocalAws aws) {
        HandlerWorld w = established(aws);
        JsonNode reg = w.invoke("manual-register.json");
        assertThat(reg.path("ok").asBoolean()).as(reg.toString()).isTrue();
        assertThat(w.hop(w.rtbA, "10.255.0.54/32")).isEqualTo(w.eniA());
        assertThat(w.hop(w.rtbB, "10.255.0.54/32")).isEqualTo(w.eniB());
        var item = aws.dynamoDb().getItem(r -> r.tableName(w.table).key(Map.of(
                "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("REGISTERED#dns-anycast-extra"),
                "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("STATE"))));
        assertThat(item.hasItem()).isTrue();
        JsonNode status = w.invoke("manual-status.json");
        assertThat(status.path("routes")).hasSize(4);
        assertThat(status.toString()).contains("\"source\":\"registered\"");
        JsonNode dereg = w.invoke("manual-deregister.json");
        assertThat(dereg.path("ok").asBoolean()).as(dereg.toString()).isTrue();
        assertThat(w.invoke("manual-status.json").path("routes")).hasSize(2);
    }

    @Test
    void routeChangesArePublishedAsRouteFailoverEvents(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        aws.calls().reset();
        w.invoke("aws.events-scheduled.json");
        assertThat(aws.calls().calls("EventBridge.PutEvents")).isEqualTo(1);
        aws.calls().reset();
        w.invoke("aws.events-scheduled.json");
        assertThat(aws.calls().calls("EventBridge.PutEvents")).as("no change, no event").isZero();
    }

    @Test
    void primingForSnapStartMakesNoAwsCall(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        aws.calls().reset();
        w.handler.prime();
        assertThat(aws.calls().snapshot()).isEmpty();
    }
}
