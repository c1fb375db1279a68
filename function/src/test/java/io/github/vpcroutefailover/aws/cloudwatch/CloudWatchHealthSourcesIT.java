package io.github.vpcroutefailover.aws.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.light.LightCloudWatchClient;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/** Agent metrics and alarm states read through the real CloudWatch API of the emulator. */
@ExtendWith(LocalAwsExtension.class)
class CloudWatchHealthSourcesIT {
    private static final Map<String, CheckSpec> CHECKS = Map.of(
            "nat-agent", new CheckSpec.Agent("nat-agent", "egress", Duration.ofSeconds(30), 2, 3),
            "nat-alarm", new CheckSpec.Alarm("nat-alarm", "vrf-nat-a-egress", 2, 3),
            "tcp", new CheckSpec.Tcp("tcp", 22, Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 2));

    private static Candidate candidate(String instanceId, String... checks) {
        return new Candidate("nat", RouteTarget.eni("eni-" + instanceId.substring(2), instanceId), "us-east-1a", List.of(checks), false);
    }

    private static void publish(CloudWatchClient cw, String instanceId, String check, String metric, double value, Instant at) {
        cw.putMetricData(r -> r.namespace("VpcRouteFailover").metricData(MetricDatum.builder().metricName(metric)
                .dimensions(Dimension.builder().name("InstanceId").value(instanceId).build(),
                        Dimension.builder().name("Check").value(check).build())
                .value(value).unit(StandardUnit.NONE).timestamp(at).storageResolution(1).build()));
    }

    private AgentMetricHealthSource agentSource(LocalAws aws) {
        return new AgentMetricHealthSource(aws.cloudWatch(), "VpcRouteFailover", CHECKS);
    }

    @Test
    void everyFreshDatapointBecomesOneObservation(LocalAws aws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "egress", "CheckResult", 1, now.minusSeconds(3));
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "egress", "CheckResult", 0, now.minusSeconds(2));
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "egress", "CheckResult", 0, now.minusSeconds(1));
        // Older than staleAfter: not evidence of anything now.
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "egress", "CheckResult", 1, now.minusSeconds(120));

        List<Observation> obs = agentSource(aws).observe(List.of(candidate("i-0aaaaaaaaaaaaaaaa", "nat-agent", "tcp")), now);

        assertThat(obs).extracting(Observation::check).containsOnly("nat-agent");
        assertThat(obs).extracting(Observation::passed).containsExactlyInAnyOrder(true, false, false);
        assertThat(obs).noneMatch(Observation::hard);
        assertThat(obs).extracting(Observation::at).containsExactlyInAnyOrder(now.minusSeconds(3), now.minusSeconds(2), now.minusSeconds(1));
    }

    @Test
    void silenceLongerThanTheWindowIsAHardFailure(LocalAws aws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "egress", "CheckResult", 1, now.minusSeconds(45));

        List<Observation> obs = agentSource(aws).observe(List.of(candidate("i-0aaaaaaaaaaaaaaaa", "nat-agent")), now);

        assertThat(obs).singleElement().satisfies(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.hard()).isTrue();
            assertThat(o.at()).isEqualTo(now);
            assertThat(o.detail()).contains("stale").contains("Check=egress").contains("30 s");
        });
    }

    @Test
    void drainingAgentFailsItsChecksAtOnce(LocalAws aws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "egress", "CheckResult", 1, now.minusSeconds(2));
        publish(aws.cloudWatch(), "i-0aaaaaaaaaaaaaaaa", "agent", "Draining", 1, now.minusSeconds(1));

        List<Observation> obs = agentSource(aws).observe(List.of(candidate("i-0aaaaaaaaaaaaaaaa", "nat-agent")), now);

        assertThat(obs).filteredOn(Observation::hard).singleElement()
                .satisfies(o -> assertThat(o.detail()).contains("draining"));
    }

    @Test
    void allTargetsAreReadInOneCallPer500Series(LocalAws aws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<Candidate> many = new ArrayList<>();
        IntStream.range(0, 40).forEach(i -> {
            String id = String.format("i-0%016x", i);
            many.add(candidate(id, "nat-agent"));
            publish(aws.cloudWatch(), id, "egress", "CheckResult", 1, now.minusSeconds(1));
        });
        aws.calls().reset();

        List<Observation> obs = agentSource(aws).observe(many, now);

        assertThat(obs).hasSize(40).allMatch(Observation::passed);
        // 40 targets x (check + draining) = 80 series: one request, however many targets there are.
        assertThat(aws.calls().snapshot()).containsExactly(Map.entry("CloudWatch.GetMetricData", 1L));
    }

    @Test
    void alarmStatesMapToHardFailurePassOrNothing(LocalAws aws) {
        CloudWatchClient cw = aws.cloudWatch();
        for (String name : List.of("vrf-nat-a-egress", "vrf-nat-b-egress")) {
            cw.putMetricAlarm(r -> r.alarmName(name).namespace("VpcRouteFailover").metricName("CheckResult")
                    .dimensions(Dimension.builder().name("InstanceId").value("i-x").build())
                    .statistic(Statistic.MINIMUM).period(10).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD).treatMissingData("breaching"));
        }
        cw.setAlarmState(r -> r.alarmName("vrf-nat-a-egress").stateValue(StateValue.ALARM).stateReason("threshold crossed"));
        Map<String, CheckSpec> checks = Map.of(
                "a", new CheckSpec.Alarm("a", "vrf-nat-a-egress", 2, 3),
                "b", new CheckSpec.Alarm("b", "vrf-nat-b-egress", 2, 3),
                "gone", new CheckSpec.Alarm("gone", "vrf-deleted", 2, 3));
        cw.setAlarmState(r -> r.alarmName("vrf-nat-b-egress").stateValue(StateValue.OK).stateReason("fine"));
        Instant now = Instant.now();

        List<Observation> obs = new AlarmHealthSource(cw, checks).observe(List.of(
                candidate("i-0aaaaaaaaaaaaaaaa", "a"), candidate("i-0bbbbbbbbbbbbbbbb", "b"), candidate("i-0cccccccccccccccc", "gone")), now);

        assertThat(obs).filteredOn(o -> o.check().equals("a")).singleElement()
                .satisfies(o -> assertThat(o.hard() && !o.passed()).isTrue());
        assertThat(obs).filteredOn(o -> o.check().equals("b")).singleElement()
                .satisfies(o -> assertThat(o.passed()).isTrue());
        assertThat(obs).filteredOn(o -> o.check().equals("gone")).singleElement()
                .satisfies(o -> assertThat(o.detail()).contains("does not exist"));
        assertThat(aws.calls().calls("CloudWatch.DescribeAlarms")).isEqualTo(1);
    }

    @Test
    void theLightClientsXmlReadingsObserveWhatTheSdkClientsModelsDo(LocalAws aws) {
        // The light client's answers are read as XML (CloudWatchReads), the SDK client's as models: on one moto world
        // both sources must observe the same (datapoints fresh, stale and draining; alarms in ALARM, OK, missing).
        CloudWatchClient light = LightClients.cloudWatch(aws.region(), aws.credentials(), aws.endpoint("CloudWatch").orElseThrow(), List.of());
        assertThat(light).isInstanceOf(LightCloudWatchClient.class);
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String a = "i-0" + aws.uniqueName("a").replaceAll("[^0-9a-f]", "").concat("aaaaaaaaaaaaaaaa").substring(0, 16);
        publish(aws.cloudWatch(), a, "egress", "CheckResult", 1, now.minusSeconds(3));
        publish(aws.cloudWatch(), a, "egress", "CheckResult", 0, now.minusSeconds(1));
        publish(aws.cloudWatch(), a, "egress", "CheckResult", 1, now.minusSeconds(120));
        List<Candidate> candidates = List.of(candidate(a, "nat-agent"), candidate("i-0ddddddddddddddd0", "nat-agent"));
        List<Observation> viaXml = new AgentMetricHealthSource(light, "VpcRouteFailover", CHECKS).observe(candidates, now);
        assertThat(viaXml).isNotEmpty().isEqualTo(new AgentMetricHealthSource(aws.cloudWatch(), "VpcRouteFailover", CHECKS).observe(candidates, now));
        assertThat(viaXml).extracting(Observation::passed).contains(true, false);

        String alarm = aws.uniqueName("vrf-light");
        aws.cloudWatch().putMetricAlarm(r -> r.alarmName(alarm).namespace("VpcRouteFailover").metricName("CheckResult")
                .statistic(Statistic.MINIMUM).period(10).evaluationPeriods(1).threshold(1.0).comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD));
        aws.cloudWatch().setAlarmState(r -> r.alarmName(alarm).stateValue(StateValue.ALARM).stateReason("threshold crossed"));
        Map<String, CheckSpec> checks = Map.of("x", new CheckSpec.Alarm("x", alarm, 2, 3), "gone", new CheckSpec.Alarm("gone", alarm + "-gone", 2, 3));
        List<Candidate> alarmed = List.of(candidate("i-0aaaaaaaaaaaaaaaa", "x"), candidate("i-0bbbbbbbbbbbbbbbb", "gone"));
        List<Observation> alarmsViaXml = new AlarmHealthSource(light, checks).observe(alarmed, now);
        assertThat(alarmsViaXml).hasSize(2).isEqualTo(new AlarmHealthSource(aws.cloudWatch(), checks).observe(alarmed, now));
        assertThat(alarmsViaXml).anySatisfy(o -> assertThat(o.detail()).contains("is ALARM: threshold crossed"));
    }
}
