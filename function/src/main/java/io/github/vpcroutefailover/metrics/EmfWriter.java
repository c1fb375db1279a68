package io.github.vpcroutefailover.metrics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.json.JsonTrees;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The function's one CloudWatch Embedded Metric Format writer (controller and probe). Lambda ships stdout to CloudWatch
 * Logs, where these lines become metrics without an API call: no PutMetricData permission, no VPC endpoint, no
 * throttling, no latency, and it works when the route to CloudWatch is the broken one.
 *
 * <p>In-house rather than aws-embedded-metrics or Powertools metrics: those add service/log-group default dimensions
 * the dashboard does not query (and would have to be switched off again), and more classes to load on a cold start,
 * for what is one small JSON object per metric set. The dimension set is written exactly as given, an empty one as
 * {@code [[]]}.
 */
public final class EmfWriter {

    private final String namespace;
    private final Consumer<String> out;

    /** One metric of a line. */
    public record Metric(String name, Number value, String unit) {
        public Metric {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(unit, "unit");
        }
    }

    /**
     * @param out receives whole batches of lines ({@code \n}-terminated), one call per {@link #write}; in Lambda, bare
     *            stdout (not the logging framework: EMF lines must be bare JSON)
     */
    public EmfWriter(String namespace, Consumer<String> out) {
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.out = Objects.requireNonNull(out, "out");
    }

    /** A writer to {@link System#out}, one synchronized print per batch so concurrent batches never interleave mid-line. */
    public static EmfWriter stdout(String namespace) {
        return new EmfWriter(namespace, text -> {
            synchronized (System.out) {
                System.out.print(text);
                System.out.flush();
            }
        });
    }

    public String namespace() {
        return namespace;
    }

    /**
     * One EMF document.
     *
     * @param dimensions dimension name to value, in the order CloudWatch should list them (an empty map: the
     *                   explicitly empty dimension set)
     * @param properties extra root fields for Logs Insights (not metrics); null values are left out
     */
    public String line(Instant at, Map<String, String> dimensions, List<Metric> metrics, Map<String, ?> properties) {
        ObjectNode root = JsonTrees.object();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", at.toEpochMilli());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        ArrayNode dims = directive.putArray("Dimensions").addArray();
        dimensions.keySet().forEach(dims::add);
        ArrayNode declared = directive.putArray("Metrics");
        for (Metric m : metrics) {
            declared.addObject().put("Name", m.name()).put("Unit", m.unit());
        }
        dimensions.forEach(root::put);
        for (Metric m : metrics) {
            root.set(m.name(), JsonTrees.of(m.value()));
        }
        properties.forEach((k, v) -> {
            if (v != null) {
                root.set(k, JsonTrees.of(v));
            }
        });
        return JsonTrees.toText(root);
    }

    /** Writes the lines in one call. */
    public void write(List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(lines.size() * 300);
        for (String line : lines) {
            text.append(line).append('\n');
        }
        out.accept(text.toString());
    }
}
