package io.github.vpcroutefailover.agent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/** Reads back what the agent published, through the real CloudWatch API of the emulator. */
final class CloudWatchReads {
    private CloudWatchReads() {
    }

    /** All values of one metric series (InstanceId, Check) in the last ten minutes, with the given statistic. */
    static List<Double> values(CloudWatchClient cw, String metric, String instanceId, String check, String stat) {
        Instant now = Instant.now();
        MetricDataResult r = cw.getMetricData(req -> req
                .startTime(now.minus(10, ChronoUnit.MINUTES))
                .endTime(now.plus(1, ChronoUnit.MINUTES))
                .metricDataQueries(q -> q.id("m").metricStat(ms -> ms
                        .metric(m -> m.namespace("VpcRouteFailover").metricName(metric)
                                .dimensions(Dimension.builder().name("InstanceId").value(instanceId).build(),
                                        Dimension.builder().name("Check").value(check).build()))
                        .period(1)
                        .stat(stat))))
                .metricDataResults().get(0);
        return r.values();
    }
}
