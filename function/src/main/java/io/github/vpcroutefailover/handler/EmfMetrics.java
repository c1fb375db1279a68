package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.metrics.EmfWriter;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * CloudWatch Embedded Metric Format lines for the dashboard (docs/events.md "Metrics"): {@code RouteChanges} by
 * {@code RouteName}, {@code DataPathCorrelatedFailure} by {@code RouteName}, and {@code Failovers}, {@code ReconcileErrors}, {@code ReconcileDurationMs} with an explicitly
 * empty dimension set ({@code [[]]}), so nothing adds service or log-group dimensions the dashboard does not query.
 * Written by the function's one EMF writer ({@link EmfWriter}), one line at a time.
 */
public final class EmfMetrics implements ReconcileListener {
    private final EmfWriter writer;
    private final Consumer<String> out;
    private final Clock clock;

    public EmfMetrics(String namespace, Consumer<String> out, Clock clock) {
        this.writer = new EmfWriter(namespace, text -> {
        });
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
            // A data path failing through every candidate moves nothing (the destination is likely down): count it per
            // route, so it can be alarmed on although no route changed.
            new java.util.TreeSet<>(result.notes().stream()
                    .filter(n -> n.routeName() != null && n.message().startsWith(io.github.vpcroutefailover.domain.plan.DataPaths.CORRELATED_NOTE))
                    .map(io.github.vpcroutefailover.domain.plan.PlanNote::routeName).toList())
                    .forEach(route -> out.accept(line(List.of("RouteName"), Map.of("RouteName", route), "DataPathCorrelatedFailure", 1, "Count")));
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

    /** {@code DrillPassed} or {@code DrillFailed} by {@code RouteName}: 1 per drill, so an alarm can watch failures. */
    @Override
    public void drilled(String route, boolean passed) {
        out.accept(line(List.of("RouteName"), Map.of("RouteName", route), passed ? "DrillPassed" : "DrillFailed", 1, "Count"));
    }

    String line(List<String> dimensionKeys, Map<String, String> dimensions, String metric, long value, String unit) {
        Map<String, String> ordered = new LinkedHashMap<>();
        dimensionKeys.forEach(k -> ordered.put(k, dimensions.get(k)));
        return writer.line(clock.instant(), ordered, List.of(new EmfWriter.Metric(metric, value, unit)), Map.of());
    }
}
