package io.github.vpcroutefailover.handler;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * CloudWatch Embedded Metric Format lines for the dashboard (docs/events.md "Metrics"): {@code RouteChanges} by
 * {@code RouteName}, and {@code Failovers}, {@code ReconcileErrors}, {@code ReconcileDurationMs} with an explicitly
 * empty dimension set ({@code [[]]}), so nothing adds service or log-group dimensions the dashboard does not query.
 * Twenty lines of JSON: an EMF library would bring default dimensions we would have to switch off again.
 */
public final class EmfMetrics implements ReconcileListener {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String namespace;
    private final Consumer<String> out;
    private final Clock clock;

    public EmfMetrics(String namespace, Consumer<String> out, Clock clock) {
        this.namespace = namespace;
        this.out = out;
        this.clock = clock;
    }

    public static EmfMetrics stdout(String namespace) {
        PrintStream s = System.out;
        return new EmfMetrics(namespace, s::println, Clock.systemUTC());
    }

    @Override
    public void reconciled(ReconcileResult result, Duration took) {
        if (!result.dryRun()) {
            Map<String, Integer> byRoute = new TreeMap<>();
            int failovers = 0;
            // Every change recorded by this reconcile, its own and repaired ones: the same set the events announce.
            for (ActionOutcome o : result.announced()) {
                byRoute.merge(o.action().routeName(), 1, Integer::sum);
                if (o.action().from() != null) {
                    failovers++;
                }
            }
            byRoute.forEach((route, n) -> out.accept(line(List.of("RouteName"), Map.of("RouteName", route), "RouteChanges", n, "Count")));
            if (failovers > 0) {
                out.accept(line(List.of(), Map.of(), "Failovers", failovers, "Count"));
            }
            int errors = result.errors().size();
            out.accept(line(List.of(), Map.of(), "ReconcileErrors", errors, "Count"));
        }
        out.accept(line(List.of(), Map.of(), "ReconcileDurationMs", took.toMillis(), "Milliseconds"));
    }

    @Override
    public void failed(RuntimeException error, Duration took) {
        out.accept(line(List.of(), Map.of(), "ReconcileErrors", 1, "Count"));
        out.accept(line(List.of(), Map.of(), "ReconcileDurationMs", took.toMillis(), "Milliseconds"));
    }

    String line(List<String> dimensionKeys, Map<String, String> dimensions, String metric, long value, String unit) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode aws = root.putObject("_aws");
        aws.put("Timestamp", clock.millis());
        ObjectNode directive = aws.putArray("CloudWatchMetrics").addObject();
        directive.put("Namespace", namespace);
        ArrayNode dims = directive.putArray("Dimensions").addArray();
        dimensionKeys.forEach(dims::add);
        directive.putArray("Metrics").addObject().put("Name", metric).put("Unit", unit);
        dimensions.forEach(root::put);
        root.put(metric, value);
        return root.toString();
    }
}
