package io.github.vpcroutefailover.aws.cloudwatch;

import io.github.vpcroutefailover.aws.cloudwatch.CloudWatchReads.MetricData;
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
import software.amazon.awssdk.services.cloudwatch.model.Metric;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
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

    /**
     * A series we read: one agent check on one instance, or the instance's draining flag. For a peer-reported check,
     * {@code instanceId} is the reporting peer and {@code subject} the target the result is about (else equal).
     */
    private record Series(String queryId, String instanceId, String checkName, String agentCheck, Duration staleAfter, String subject) {
        Series(String queryId, String instanceId, String checkName, String agentCheck, Duration staleAfter) {
            this(queryId, instanceId, checkName, agentCheck, staleAfter, instanceId);
        }

        boolean draining() {
            return checkName == null;
        }

        boolean peer() {
            return !subject.equals(instanceId);
        }
    }

    @Override
    public List<Observation> observe(Collection<Candidate> candidates, Instant now) {
        Map<String, Series> byQuery = new LinkedHashMap<>();
        Map<String, List<String>> agentChecksByInstance = new LinkedHashMap<>();
        List<String[]> peerChecks = new ArrayList<>(); // {subject instance, check name}
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
                    window = max(window, agent.staleAfter());
                    if (agent.reportedByPeers()) {
                        peerChecks.add(new String[] {instanceId, name});
                        continue;
                    }
                    String id = "q" + byQuery.size();
                    byQuery.put(id, new Series(id, instanceId, name, agent.agentCheck(), agent.staleAfter()));
                }
            }
            if (!names.isEmpty()) {
                agentChecksByInstance.put(instanceId, names);
                String id = "q" + byQuery.size();
                byQuery.put(id, new Series(id, instanceId, null, AGENT_CHECK, null));
            }
        }
        // The peers of a target are the other instances that list the same peer check: their agents probe it.
        Map<String, List<String>> reportersOf = new LinkedHashMap<>();
        for (String[] pc : peerChecks) {
            CheckSpec.Agent agent = (CheckSpec.Agent) checks.get(pc[1]);
            List<String> reporters = new ArrayList<>();
            agentChecksByInstance.forEach((other, names) -> {
                if (!other.equals(pc[0]) && names.contains(pc[1])) {
                    reporters.add(other);
                    String id = "q" + byQuery.size();
                    byQuery.put(id, new Series(id, other, pc[1], agent.agentCheck() + ":" + pc[0], agent.staleAfter(), pc[0]));
                }
            });
            reportersOf.put(pc[0] + "|" + pc[1], reporters);
        }
        if (byQuery.isEmpty()) {
            return List.of();
        }
        Instant start = now.minus(window).minusSeconds(1);
        Map<String, MetricData> results = fetch(new ArrayList<>(byQuery.values()), start, now.plusSeconds(1));

        List<Observation> out = new ArrayList<>();
        Map<String, Instant> drainingSince = new LinkedHashMap<>();
        for (Series s : byQuery.values()) {
            MetricData r = results.get(s.queryId());
            if (s.draining() && r != null && !r.values().isEmpty() && r.values().get(0) >= 1.0) {
                drainingSince.put(s.instanceId(), r.timestamps().get(0));
            }
        }
        out.addAll(peerObservations(byQuery.values(), results, reportersOf, drainingSince, now));
        for (Series s : byQuery.values()) {
            if (s.draining() || s.peer()) {
                continue;
            }
            MetricData r = results.get(s.queryId());
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

    /**
     * Peer-reported checks: per second, the target passes if any peer that reported that second reached it, and fails
     * only when every peer that reported failed to (one peer's own network trouble must not take a healthy target out
     * when another peer still reaches it). Silent peers (stopped, or no other candidate) give no evidence either way,
     * so the check passes with a note: a dead peer must not fail the target that outlived it.
     */
    private static List<Observation> peerObservations(java.util.Collection<Series> series, Map<String, MetricData> results,
            Map<String, List<String>> reportersOf, Map<String, Instant> drainingSince, Instant now) {
        List<Observation> out = new ArrayList<>();
        reportersOf.forEach((key, reporters) -> {
            String subject = key.substring(0, key.indexOf('|'));
            String check = key.substring(key.indexOf('|') + 1);
            java.util.TreeMap<Instant, List<String>> passedBy = new java.util.TreeMap<>();
            java.util.TreeMap<Instant, List<String>> failedBy = new java.util.TreeMap<>();
            String agentCheck = null;
            Duration stale = null;
            for (Series s : series) {
                if (!s.peer() || !s.subject().equals(subject) || !s.checkName().equals(check)) {
                    continue;
                }
                agentCheck = s.agentCheck();
                stale = s.staleAfter();
                MetricData r = results.get(s.queryId());
                for (int i = 0; r != null && i < r.timestamps().size(); i++) {
                    Instant at = r.timestamps().get(i);
                    if (!at.isBefore(now.minus(s.staleAfter()))) {
                        (r.values().get(i) >= 1.0 ? passedBy : failedBy).computeIfAbsent(at, k -> new ArrayList<>()).add(s.instanceId());
                    }
                }
            }
            java.util.TreeSet<Instant> seconds = new java.util.TreeSet<>(passedBy.keySet());
            seconds.addAll(failedBy.keySet());
            for (Instant at : seconds) {
                boolean passed = passedBy.containsKey(at);
                out.add(new Observation(subject, check, passed, false, at, "agent-metric", passed
                        ? "peer check " + agentCheck + " passed from " + passedBy.get(at)
                        : "peer check " + agentCheck + " failed from every peer that reported " + failedBy.get(at)));
            }
            if (seconds.isEmpty()) {
                out.add(new Observation(subject, check, true, false, now, "agent-metric", reporters.isEmpty()
                        ? "no peer lists this check, so no peer probes " + subject + "; not held against it"
                        : "no peer reported " + (agentCheck == null ? check : agentCheck) + " in the last "
                                + (stale == null ? "?" : stale.toSeconds()) + " s (peers " + reporters + " silent); not held against " + subject));
            }
            Instant draining = drainingSince.get(subject);
            if (draining != null) {
                out.add(new Observation(subject, check, false, true, draining, "agent-metric",
                        "agent reports draining (shutdown or maintenance switch)"));
            }
        });
        return out;
    }

    private Map<String, MetricData> fetch(List<Series> series, Instant start, Instant end) {
        Map<String, MetricData> results = new LinkedHashMap<>();
        for (int from = 0; from < series.size(); from += MAX_QUERIES) {
            List<MetricDataQuery> queries = series.subList(from, Math.min(series.size(), from + MAX_QUERIES)).stream()
                    .map(this::query).toList();
            GetMetricDataRequest request = GetMetricDataRequest.builder().metricDataQueries(queries)
                    .startTime(start).endTime(end).scanBy(ScanBy.TIMESTAMP_DESCENDING).build();
            // Every page (NextToken); partial results for one id are merged in page order.
            CloudWatchReads.metricData(cloudWatch, request, r -> results.merge(r.id(), r, MetricData::then));
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

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
