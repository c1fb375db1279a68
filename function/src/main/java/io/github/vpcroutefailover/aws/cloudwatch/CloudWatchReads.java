package io.github.vpcroutefailover.aws.cloudwatch;

import static io.github.vpcroutefailover.aws.light.XmlAnswers.child;
import static io.github.vpcroutefailover.aws.light.XmlAnswers.eachPage;
import static io.github.vpcroutefailover.aws.light.XmlAnswers.items;
import static io.github.vpcroutefailover.aws.light.XmlAnswers.text;

import io.github.vpcroutefailover.aws.light.LightCloudWatchClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.protocols.query.unmarshall.XmlElement;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.utils.DateUtils;

/**
 * The health sources' two CloudWatch reads, each down to a record of exactly the members its source interprets. The
 * light client's answers are read as XML ({@link LightCloudWatchClient#describeAlarmsXml},
 * {@link LightCloudWatchClient#getMetricDataXml}), because loading the response models costs a cold controller's first
 * invocation ~50 ms (issue #17); any other client's through the SDK's paginators and models. Each source interprets the
 * records once, whichever way they were read; {@code CloudWatchXmlTest} reads the same bytes both ways and requires
 * equal records, so a wrong wire name fails there rather than reading as "no alarm" or "no datapoint".
 */
final class CloudWatchReads {
    private CloudWatchReads() {
    }

    /**
     * A metric alarm as {@link AlarmHealthSource} reads it. The state is the wire string, as {@code StateValue}'s
     * {@code fromValue} matches it (exactly), so a state newer than the SDK is neither ALARM nor OK on either path.
     */
    record Alarm(String name, String state, String stateReason) {
    }

    /**
     * One query's datapoints, {@code timestamps.get(i)} paired with {@code values.get(i)}. CloudWatch sends them as
     * two parallel lists; lists that do not pair up would pair the wrong value with a time (or fail the index later),
     * so they are a client error here, on both paths.
     */
    record MetricData(String id, List<Instant> timestamps, List<Double> values) {
        MetricData {
            if (timestamps.size() != values.size()) {
                throw SdkClientException.create("CloudWatch.GetMetricData answered query " + id + " with " + timestamps.size() + " timestamps and "
                        + values.size() + " values, which must pair up; the answer cannot be read (retry; if it persists, the endpoint is not"
                        + " CloudWatch or a proxy rewrites its answers)");
            }
            timestamps = Collections.unmodifiableList(new ArrayList<>(timestamps));
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }

        /** This query's datapoints followed by those of a later page: CloudWatch continues a series on the next page. */
        MetricData then(MetricData next) {
            List<Instant> t = new ArrayList<>(timestamps);
            t.addAll(next.timestamps());
            List<Double> v = new ArrayList<>(values);
            v.addAll(next.values());
            return new MetricData(id, t, v);
        }
    }

    /** Every metric alarm of every page, in answer order. Composite alarms are not read: the request asks for none. */
    static void alarms(CloudWatchClient cloudWatch, DescribeAlarmsRequest request, Consumer<Alarm> each) {
        if (!(cloudWatch instanceof LightCloudWatchClient light)) {
            cloudWatch.describeAlarmsPaginator(request).metricAlarms()
                    .forEach(a -> each.accept(new Alarm(a.alarmName(), a.stateValueAsString(), a.stateReason())));
            return;
        }
        eachPage("CloudWatch.DescribeAlarms", page -> text(child(page, "DescribeAlarmsResult"), "NextToken"),
                token -> light.describeAlarmsXml(token == null ? request : request.toBuilder().nextToken(token).build()), page -> {
                    for (XmlElement a : items(child(page, "DescribeAlarmsResult"), "MetricAlarms")) {
                        each.accept(new Alarm(text(a, "AlarmName"), text(a, "StateValue"), text(a, "StateReason")));
                    }
                });
    }

    /** Every result of every page, in answer order (one query's results can continue on later pages). */
    static void metricData(CloudWatchClient cloudWatch, GetMetricDataRequest request, Consumer<MetricData> each) {
        if (!(cloudWatch instanceof LightCloudWatchClient light)) {
            for (GetMetricDataResponse page : cloudWatch.getMetricDataPaginator(request)) {
                for (MetricDataResult r : page.metricDataResults()) {
                    each.accept(new MetricData(r.id(), r.timestamps(), r.values()));
                }
            }
            return;
        }
        eachPage("CloudWatch.GetMetricData", page -> text(child(page, "GetMetricDataResult"), "NextToken"),
                token -> light.getMetricDataXml(token == null ? request : request.toBuilder().nextToken(token).build()), page -> {
                    for (XmlElement r : items(child(page, "GetMetricDataResult"), "MetricDataResults")) {
                        List<Instant> timestamps = new ArrayList<>();
                        for (XmlElement t : items(r, "Timestamps")) {
                            timestamps.add(DateUtils.parseIso8601Date(t.textContent()));
                        }
                        List<Double> values = new ArrayList<>();
                        for (XmlElement v : items(r, "Values")) {
                            // The SDK's reading of a Query double: Double.parseDouble, so "NaN" and " 1.0 " read, "" does not.
                            values.add(Double.parseDouble(v.textContent()));
                        }
                        each.accept(new MetricData(text(r, "Id"), timestamps, values));
                    }
                });
    }
}
