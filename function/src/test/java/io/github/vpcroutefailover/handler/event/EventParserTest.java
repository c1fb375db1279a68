package io.github.vpcroutefailover.handler.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode envelope(String source, String detailType, String detail) throws Exception {
        return JSON.readTree("{\"version\":\"0\",\"id\":\"7bf73129-1428-4cd3-a780-95db273d1602\",\"detail-type\":\"" + detailType
                + "\",\"source\":\"" + source + "\",\"account\":\"123456789012\",\"time\":\"2026-11-21T16:30:00Z\","
                + "\"region\":\"us-east-1\",\"resources\":[],\"detail\":" + detail + "}");
    }

    @Test
    void instanceStateChange() throws Exception {
        Trigger t = EventParser.parse(envelope("aws.ec2", "EC2 Instance State-change Notification",
                "{\"instance-id\":\"i-0aaaaaaaaaaaaaaaa\",\"state\":\"stopping\"}"));
        assertThat(t).isEqualTo(new Trigger.InstanceStateChange("7bf73129-1428-4cd3-a780-95db273d1602",
                Instant.parse("2026-11-21T16:30:00Z"), "i-0aaaaaaaaaaaaaaaa", "stopping"));
        assertThat(((Trigger.InstanceStateChange) t).goingAway()).isTrue();
    }

    @Test
    void alarmCarriesItsMetricDimensions() throws Exception {
        Trigger t = EventParser.parse(envelope("aws.cloudwatch", "CloudWatch Alarm State Change", """
                {"alarmName":"vrf-nat-a-egress","state":{"value":"ALARM","reason":"Threshold Crossed"},
                 "previousState":{"value":"OK"},
                 "configuration":{"metrics":[{"id":"m1","metricStat":{"metric":{"namespace":"VpcRouteFailover",
                   "name":"CheckResult","dimensions":{"InstanceId":"i-0aaaaaaaaaaaaaaaa","Check":"egress"}},"period":10,"stat":"Minimum"},
                   "returnData":true}]}}"""));
        assertThat(t).isInstanceOfSatisfying(Trigger.AlarmStateChange.class, a -> {
            assertThat(a.state()).isEqualTo("ALARM");
            assertThat(a.previousState()).isEqualTo("OK");
            assertThat(a.dimensions()).isEqualTo(Map.of("InstanceId", "i-0aaaaaaaaaaaaaaaa", "Check", "egress"));
        });
    }

    @Test
    void lifecycleTerminate() throws Exception {
        Trigger t = EventParser.parse(envelope("aws.autoscaling", "EC2 Instance-terminate Lifecycle Action", """
                {"LifecycleActionToken":"87654321-4321-4321-4321-210987654321","AutoScalingGroupName":"nat-asg",
                 "LifecycleHookName":"vrf-drain","EC2InstanceId":"i-0aaaaaaaaaaaaaaaa","LifecycleTransition":"autoscaling:EC2_INSTANCE_TERMINATING"}"""));
        assertThat(t).isInstanceOfSatisfying(Trigger.LifecycleTerminate.class, l -> {
            assertThat(l.autoScalingGroupName()).isEqualTo("nat-asg");
            assertThat(l.instanceId()).isEqualTo("i-0aaaaaaaaaaaaaaaa");
        });
    }

    @Test
    void manualInvokeIsNotAnEnvelope() throws Exception {
        assertThat(EventParser.isEventBridgeEnvelope(JSON.readTree("{\"action\":\"status\"}"))).isFalse();
    }
}
