package io.github.vpcroutefailover.domain.health;

import io.github.vpcroutefailover.config.CheckSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Applies observations to stored check states with rise/fall hysteresis. Pure. */
public final class HealthEvaluator {
    /** The new state of one target after applying {@code observations} (any order, duplicates allowed). */
    public TargetState apply(TargetState previous, Map<String, CheckSpec> checks, List<Observation> observations, Instant now) {
        throw new UnsupportedOperationException("HealthEvaluator.apply: being implemented");
    }

    /** HEALTHY only when every listed check is HEALTHY; UNHEALTHY when any is; else UNKNOWN. */
    public Health health(TargetState state, List<String> checkNames) {
        throw new UnsupportedOperationException("HealthEvaluator.health: being implemented");
    }
}
