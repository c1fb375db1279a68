package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.Observation;

/**
 * The rise/fall step for one check, identical in effect to the stored-state evaluator's
 * ({@code HealthEvaluator}): the probe's in-memory counters must reach the same verdict the reconciler will reach
 * when it applies the same observations, or the trigger would fire for a change the store never sees.
 */
final class Hysteresis {
    private static final int COUNTER_CAP = 1_000_000;

    private Hysteresis() {
    }

    static CheckState step(CheckState s, int rise, int fall, Observation o) {
        if (!o.at().isAfter(s.lastAt())) {
            return s;
        }
        if (o.passed()) {
            int passes = Math.min(s.passes() + 1, COUNTER_CAP);
            Health h = s.health() != Health.HEALTHY && passes >= rise ? Health.HEALTHY : s.health();
            return new CheckState(h, passes, 0, o.at(), h != s.health() ? o.at() : s.changedAt(), o.detail());
        }
        int failures = Math.min(s.failures() + 1, COUNTER_CAP);
        Health h = s.health() != Health.UNHEALTHY && (o.hard() || failures >= fall) ? Health.UNHEALTHY : s.health();
        return new CheckState(h, 0, failures, o.at(), h != s.health() ? o.at() : s.changedAt(), o.detail());
    }
}
