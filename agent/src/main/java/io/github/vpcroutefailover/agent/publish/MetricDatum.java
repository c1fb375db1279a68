package io.github.vpcroutefailover.agent.publish;

import java.time.Instant;
import java.util.List;

/**
 * One CloudWatch datum, in the shape of PutMetricData's {@code MetricDatum}.
 *
 * @param storageResolution 1 for high-resolution (per-second) storage, 60 for standard
 */
public record MetricDatum(String metricName, List<Dimension> dimensions, double value, MetricUnit unit, Instant timestamp, int storageResolution) {
    public MetricDatum {
        dimensions = List.copyOf(dimensions);
    }

    public record Dimension(String name, String value) {
    }
}
