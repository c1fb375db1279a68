package io.github.vpcroutefailover.aws.cloudwatch;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.ports.HealthSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/**
 * Reads what the on-instance agents published (metric contract: README "Health agent and metric contract") and
 * turns it into observations, for every candidate at once: one {@code GetMetricData} call per 500 series, not
 * one per target.
 *
 * <p>Every datapoint in the window becomes one observation, so the controller's rise/fall counts agent cycles;
 * the evaluator drops the ones it has already applied. A series with no datapoint within the check's
 * {@code staleAfter} is a hard failure: a silent agent is a dead agent or a hung instance. An agent reporting
 * {@code Draining=1} fails every agent check of its instance at once, so routes leave before the service stops.
 */
public final class AgentMetricHealthSource implements HealthSource {
    public static final String DEFAULT_NAMESPACE = "VpcRouteFailover";
    static final String CHECK_RESULT = "CheckResult";
    static final String DRAINING = "Draining";
    static final String AGENT_CHECK = "agent";
    /** GetMetricData accepts at most 500 queries per request. */
    static final int MAX_QUERIES = 500;

    private final CloudWatchClient cloudWatch;
    private final String namespace;
    private final Map<String, CheckSpec> checks;

    public AgentMetricHealthSource(CloudWatchClient cloudWatch, String namespace, Map<String, CheckSpec> checks) {
        this.cloudWatch = Objects.requireNonNull(cloudWatch, "cloudWatch");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.checks = Map.copyOf(checks);
    }

    /** A series we read: one agent check on one instance, or the instance's draining flag. */
    private record Series(String queryId, String instanceId, String checkName, String agentCheck, Duration staleAfter) {
        boolean draining() {
            return checkName == null;
        }
    }

    @Override
    public List<Observation> observe(Collection<Candidate> candidates, Instant now) {
        Map<String, Series> byQuery = new LinkedHashMap<>();
        Map<String, List<String>> agentChecksByInstance = new LinkedHashMap<>();
        Duration window = Duration.ZERO;
        for (Candidate c : candidates) {
            String instanceId = c.target().instanceId();
            if (instanceId == null || agentChecksByInstance.containsKey(instanceId)) {
                continue;
            }
            List<String> names = new ArrayList<>();
            for (String name : c.checks()) {
                if (checks.get(name) instanceof CheckSpec.Agent agent) {
                    names.add(name);
                    String id = "q" + byQuery.size();
                    byQuery.put(id, new Series(id, instanceId, name, agent.agentCheck(), agent.staleAfter()));
                    window = max(window, agent.staleAfter());
                }
            }
            if (!names.isEmpty()) {
                agentChecksByInstance.put(instanceId, names);
                String id = "q" + byQuery.size();
                byQuery.put(id, new Series(id, instanceId, null, AGENT_CHECK, null));
            }
        }
        if (byQuery.isEmpty()) {
            return List.of();
        }
        Instant start = now.minus(window).minusSeconds(1);
        Map<String, MetricDataResult> results = fetch(new ArrayList<>(byQuery.values()), start, now.plusSeconds(1));

        List<Observation> out = new ArrayList<>();
        Map<String, Instant> drainingSince = new LinkedHashMap<>();
        for (Series s : byQuery.values()) {
            MetricDataResult r = results.get(s.queryId());
            if (s.draining() && r != null && !r.values().isEmpty() && r.values().get(0) >= 1.0) {
                drainingSince.put(s.instanceId(), r.timestamps().get(0));
            }
        }
        for (Series s : byQuery.values()) {
            if (s.draining()) {
                continue;
            }
            MetricDataResult r = results.get(s.queryId());
            List<Instant> times = r == null ? List.of() : r.timestamps();
            List<Double> values = r == null ? List.of() : r.values();
            Instant newest = null;
            for (int i = 0; i < times.size(); i++) {
                Instant at = times.get(i);
                if (at.isBefore(now.minus(s.staleAfter()))) {
                    continue;
                }
                newest = newest == null || at.isAfter(newest) ? at : newest;
                boolean passed = values.get(i) >= 1.0;
                out.add(new Observation(s.instanceId(), s.checkName(), passed, false, at, "agent-metric",
                        passed ? "agent check " + s.agentCheck() + " passed" : "agent check " + s.agentCheck() + " failed"));
            }
            if (newest == null) {
                out.add(new Observation(s.instanceId(), s.checkName(), false, true, now, "agent-metric",
                        "stale: no " + CHECK_RESULT + " for Check=" + s.agentCheck() + " in the last " + s.staleAfter().toSeconds()
                                + " s (agent stopped, instance hung, or cannot reach CloudWatch)"));
            }
            Instant draining = drainingSince.get(s.instanceId());
            if (draining != null) {
                out.add(new Observation(s.instanceId(), s.checkName(), false, true, draining, "agent-metric",
                        "agent reports draining (shutdown or maintenance switch)"));
            }
        }
        return out;
    }

    private Map<String, MetricDataResult> fetch(List<Series> series, Instant start, Instant end) {
        Map<String, MetricDataResult> results = new LinkedHashMap<>();
        for (int from = 0; from < series.size(); from += MAX_QUERIES) {
            List<MetricDataQuery> queries = series.subList(from, Math.min(series.size(), from + MAX_QUERIES)).stream()
                    .map(this::query).toList();
            GetMetricDataRequest request = GetMetricDataRequest.builder().metricDataQueries(queries)
                    .startTime(start).endTime(end).scanBy(ScanBy.TIMESTAMP_DESCENDING).build();
            // The paginator follows NextToken; partial results for one id are merged in page order.
            for (GetMetricDataResponse page : cloudWatch.getMetricDataPaginator(request)) {
                for (MetricDataResult r : page.metricDataResults()) {
                    results.merge(r.id(), r, (a, b) -> a.toBuilder()
                            .timestamps(concat(a.timestamps(), b.timestamps()))
                            .values(concat(a.values(), b.values())).build());
                }
            }
        }
        return results;
    }

    private MetricDataQuery query(Series s) {
        Metric metric = Metric.builder().namespace(namespace).metricName(s.draining() ? DRAINING : CHECK_RESULT)
                .dimensions(Dimension.builder().name("InstanceId").value(s.instanceId()).build(),
                        Dimension.builder().name("Check").value(s.agentCheck()).build())
                .build();
        // Period 1 s needs the high-resolution datapoints the agent publishes; Minimum/Maximum keep one failure
        // (or one draining signal) within a second from being averaged away.
        return MetricDataQuery.builder().id(s.queryId()).returnData(true)
                .metricStat(MetricStat.builder().metric(metric).period(1).stat(s.draining() ? "Maximum" : "Minimum").build())
                .build();
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
