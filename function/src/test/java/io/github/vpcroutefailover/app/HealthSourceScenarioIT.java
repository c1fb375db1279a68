package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.cloudwatch.AgentMetricHealthSource;
import io.github.vpcroutefailover.aws.cloudwatch.AlarmHealthSource;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.ComparisonOperator;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Health beyond EC2 status, end to end: agent metrics published to CloudWatch with the metric contract (namespace
 * VpcRouteFailover, metric CheckResult, dimensions InstanceId + Check) and CloudWatch alarms, read by the
 * reconciler through {@link HealthSources}, moving real routes.
 */
@ExtendWith(LocalAwsExtension.class)
class HealthSourceScenarioIT {
    private static final String DEFAULT = "0.0.0.0/0";

    private static void publish(CloudWatchClient cw, String instanceId, double value, Instant at) {
        cw.putMetricData(r -> r.namespace("VpcRouteFailover").metricData(MetricDatum.builder().metricName("CheckResult")
                .dimensions(Dimension.builder().name("InstanceId").value(instanceId).build(),
                        Dimension.builder().name("Check").value("egress").build())
                .value(value).unit(StandardUnit.NONE).timestamp(at).storageResolution(1).build()));
    }

    private static CloudWatchClient cloudWatch(LocalAws aws) {
        return AwsClients.tune(aws.configure(CloudWatchClient.builder(), "CloudWatch"),
                software.amazon.awssdk.core.retry.RetryMode.STANDARD).build();
    }

    @Test
    void agentMetricsKeepATargetHealthyAndASilentAgentFailsItOverOnceStale(LocalAws aws) {
        // The clock starts at real time: agents stamp datapoints with it.
        Scenario s = new Scenario(aws, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        CloudWatchClient cw = aws.cloudWatch();
        FailoverConfig config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  egress: {type: agent, agentCheck: egress, staleAfter: 30s, rise: 1, fall: 2}
                targets:
                  nat-a: {instance: %s, checks: [egress], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [egress], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    policy: {failBack: never}
                """.formatted(s.net.vpcId(), s.natA, s.natB), "agent.yaml");
        Reconciler r = s.reconciler(new AgentMetricHealthSource(cloudWatch(aws), "VpcRouteFailover", config.checks()));

        publish(cw, s.natA, 1, s.clock.instant().minusSeconds(1));
        publish(cw, s.natB, 1, s.clock.instant().minusSeconds(1));
        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:agents-healthy"));
        assertThat(aws.calls().calls("CloudWatch.GetMetricData")).as("one batched read for every target").isEqualTo(1);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));

        // 20 s later only nat-b's agent publishes: nat-a's last datapoint is still within staleAfter (30 s).
        s.clock.advance(Duration.ofSeconds(20));
        publish(cw, s.natB, 1, s.clock.instant().minusSeconds(1));
        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:a-quiet"));
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));

        // 15 s more: nat-a silent for 36 s > staleAfter -> stale is a hard failure -> table a flips to nat-b.
        s.clock.advance(Duration.ofSeconds(15));
        publish(cw, s.natB, 1, s.clock.instant().minusSeconds(1));
        aws.calls().reset();
        ReconcileResult stale = r.reconcile(config, ReconcileOptions.apply("it:a-stale"));
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(1);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(stale.plan().routes()).filteredOn(st -> st.key().routeTableId().equals(s.rtbA)).singleElement()
                .satisfies(st -> assertThat(st.candidates()).anySatisfy(c -> assertThat(c.detail()).contains("stale")));

        // nat-b's agent reports failures: one is not enough (fall 2), the second moves... nowhere (nat-a unhealthy):
        // whenNoneHealthy keep leaves the route. Count reconciles, not time.
        s.clock.advance(Duration.ofSeconds(5));
        publish(cw, s.natB, 0, s.clock.instant().minusSeconds(1));
        r.reconcile(config, ReconcileOptions.apply("it:b-fail-1"));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
        // nat-a's agent is back: healthy at once (rise 1).
        s.clock.advance(Duration.ofSeconds(5));
        publish(cw, s.natA, 1, s.clock.instant().minusSeconds(1));
        publish(cw, s.natB, 0, s.clock.instant().minusSeconds(1));
        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:b-fail-2"));
        // nat-b fell (2 failures): both tables move to nat-a.
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(2);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natA));
        s.unmanaged.assertUnchanged(DEFAULT);
    }

    @Test
    void anAlarmInAlarmFailsOverAtOnce(LocalAws aws) {
        Scenario s = new Scenario(aws, Instant.now().truncatedTo(ChronoUnit.SECONDS));
        CloudWatchClient cw = aws.cloudWatch();
        for (String name : new String[] {"vrf-nat-a", "vrf-nat-b"}) {
            cw.putMetricAlarm(r -> r.alarmName(name).namespace("VpcRouteFailover").metricName("CheckResult")
                    .dimensions(Dimension.builder().name("Check").value("egress").build())
                    .statistic(Statistic.MINIMUM).period(10).evaluationPeriods(1).threshold(1.0)
                    .comparisonOperator(ComparisonOperator.LESS_THAN_THRESHOLD));
            cw.setAlarmState(r -> r.alarmName(name).stateValue(StateValue.OK).stateReason("fine"));
        }
        FailoverConfig config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  ec2: {type: ec2-status, rise: 1, fall: 1}
                  alarm-a: {type: alarm, alarmName: vrf-nat-a, rise: 1, fall: 3}
                  alarm-b: {type: alarm, alarmName: vrf-nat-b, rise: 1, fall: 3}
                targets:
                  nat-a: {instance: %s, checks: [ec2, alarm-a], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [ec2, alarm-b], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                """.formatted(s.net.vpcId(), s.natA, s.natB), "alarm.yaml");
        Reconciler r = s.reconciler(new AlarmHealthSource(cloudWatch(aws), config.checks()));
        aws.calls().reset();
        r.reconcile(config, ReconcileOptions.apply("it:alarms-ok"));
        assertThat(aws.calls().calls("CloudWatch.DescribeAlarms")).as("one batched read for every alarm").isEqualTo(1);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));

        // ALARM is a hard failure: the very next reconcile fails over, fall (3) does not apply.
        cw.setAlarmState(r2 -> r2.alarmName("vrf-nat-a").stateValue(StateValue.ALARM).stateReason("egress probe failing"));
        s.clock.advance(Duration.ofSeconds(10));
        aws.calls().reset();
        ReconcileResult result = r.reconcile(config, ReconcileOptions.apply("it:alarm"));
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(1);
        assertThat(result.applied()).singleElement().satisfies(a -> assertThat(a.action().reason()).isNotBlank());
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
        s.unmanaged.assertUnchanged(DEFAULT);
    }
}
