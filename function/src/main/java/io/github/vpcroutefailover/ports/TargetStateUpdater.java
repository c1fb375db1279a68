package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Applies raw observations to a stored target state; in production {@link HealthEvaluator#apply}. */
@FunctionalInterface
public interface TargetStateUpdater {
    TargetState apply(TargetState previous, Map<String, CheckSpec> checks, List<Observation> observations, Instant now);

    static TargetStateUpdater domain() {
        HealthEvaluator evaluator = new HealthEvaluator();
        return evaluator::apply;
    }
}
