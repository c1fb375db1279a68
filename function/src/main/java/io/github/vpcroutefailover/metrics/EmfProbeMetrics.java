package io.github.vpcroutefailover.metrics;

import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.ProbeSample;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    private final EmfWriter writer;
    private final String probeAz;

    /**
     * @param out     stdout in Lambda; the stream is not wrapped by the logging framework (EMF lines must be bare JSON)
     * @param probeAz the AZ this probe runs in; null leaves the {@code ProbeAz} dimension out
     */
    public EmfProbeMetrics(PrintStream out, String namespace, String probeAz) {
        Objects.requireNonNull(out, "out");
        this.writer = new EmfWriter(namespace, text -> {
            // One write per round so the lines of concurrent writers cannot interleave mid-line.
            synchronized (out) {
                out.print(text);
                out.flush();
            }
        });
        this.probeAz = probeAz;
    }

    public static EmfProbeMetrics toStdout(String probeAz) {
        return new EmfProbeMetrics(System.out, DEFAULT_NAMESPACE, probeAz);
    }

    @Override
    public void publish(List<ProbeSample> samples) {
        List<String> lines = new ArrayList<>(samples.size());
        for (ProbeSample sample : samples) {
            lines.add(line(sample));
        }
        writer.write(lines);
    }

    String line(ProbeSample sample) {
        Map<String, String> dimensions = new LinkedHashMap<>();
        dimensions.put("Target", sample.targetKey());
        dimensions.put("Check", sample.check());
        if (probeAz != null) {
            dimensions.put("ProbeAz", probeAz);
        }
        List<EmfWriter.Metric> metrics = new ArrayList<>(2);
        metrics.add(new EmfWriter.Metric(RESULT_METRIC, sample.result().passed() ? 1 : 0, "None"));
        if (sample.result().passed()) {
            metrics.add(new EmfWriter.Metric(LATENCY_METRIC, sample.result().latency().toNanos() / 1_000_000.0, "Milliseconds"));
        }
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("Address", sample.address());
        properties.put("Detail", sample.result().detail());
        return writer.line(sample.at(), dimensions, metrics, properties);
    }
}
