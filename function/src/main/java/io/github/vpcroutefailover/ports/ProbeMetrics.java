package io.github.vpcroutefailover.ports;

import java.util.List;

/** Publishes one round's probe results. Must not throw for transport problems; the loop logs and carries on if it does. */
@FunctionalInterface
public interface ProbeMetrics {
    ProbeMetrics NONE = samples -> { };

    void publish(List<ProbeSample> samples);
}
