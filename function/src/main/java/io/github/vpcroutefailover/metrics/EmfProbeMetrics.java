package io.github.vpcroutefailover.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.ProbeSample;
import java.io.PrintStream;
import java.util.List;
import java.util.Objects;

/**
 * Writes probe results as CloudWatch Embedded Metric Format (EMF) lines to stdout, which Lambda ships to CloudWatch
 * Logs, where they become metrics without an API call. So publishing works even when the probe's own route is the
 * broken one, needs no CloudWatch VPC endpoint and no {@code cloudwatch:PutMetricData} permission, and cannot be
 * throttled or add latency to a round.
 *
 * <p>One line per probe: EMF dimension values live at the root of a document, so samples for different
 * (target, check) pairs cannot share one. Metrics, namespace {@value #DEFAULT_NAMESPACE}, dimensions
 * {@code Target, Check, ProbeAz}:
 * <ul>
 *   <li>{@code ProbeResult}: 1 pass, 0 fail (average = success ratio, minimum 0 = at least one failure)</li>
 *   <li>{@code ProbeLatency} (Milliseconds): only for passing probes; a failed probe's "latency" is its timeout or a
 *       refusal, which would only distort percentiles</li>
 * </ul>
 * {@code Address} and {@code Detail} ride along as plain properties for CloudWatch Logs Insights.
 */
public final class EmfProbeMetrics implements ProbeMetrics {
    public static final String DEFAULT_NAMESPACE = "VpcRouteFailover";
    public static final String RESULT_METRIC = "ProbeResult";
    public static final String LATENCY_METRIC = "ProbeLatency";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PrintStream out;
    private final String namespace;
    private final String probeAz;

    /**
     * @param out     stdout in Lambda; the stream is not wrapped by the logging framework (EMF lines must be bare JSON)
     * @param probeAz the AZ this probe runs in; null leaves the {@code ProbeAz} dimension out
     */
    public EmfProbeMetrics(PrintStream out, String namespace, String probeAz) {
        this.out = Objects.requireNonNull(out, "out");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.probeAz = probeAz;
    }

    public static EmfProbeMetrics toStdout(String probeAz) {
        return new EmfProbeMetrics(System.out, DEFAULT_NAMESPACE, probeAz);
    }

    @Override
    public void publish(List<ProbeSample> samples) {
        if (samples.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder(samples.size() * 400);
        for (ProbeSample sample : samples) {
            lines.append(line(sample)).append('\n');
        }
        // One write per round so the lines of concurrent writers cannot interleave mid-line.
        synchronized (out) {
            out.print(lines);
            out.flush();
        }
    }

    String line(ProbeSample sample) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", sample.at().toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        ArrayNode dimensions = directive.putArray("Dimensions").addArray();
        dimensions.add("Target").add("Check");
        if (probeAz != null) {
            dimensions.add("ProbeAz");
        }
        ArrayNode metrics = directive.putArray("Metrics");
        metrics.addObject().put("Name", RESULT_METRIC).put("Unit", "None");
        root.put("Target", sample.targetKey());
        root.put("Check", sample.check());
        if (probeAz != null) {
            root.put("ProbeAz", probeAz);
        }
        root.put(RESULT_METRIC, sample.result().passed() ? 1 : 0);
        if (sample.result().passed()) {
            metrics.addObject().put("Name", LATENCY_METRIC).put("Unit", "Milliseconds");
            root.put(LATENCY_METRIC, sample.result().latency().toNanos() / 1_000_000.0);
        }
        if (sample.address() != null) {
            root.put("Address", sample.address());
        }
        root.put("Detail", sample.result().detail());
        return root.toString();
    }
}
