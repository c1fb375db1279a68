package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.ports.TargetStateUpdater;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * TEST-ONLY stand-in for the domain HealthEvaluator until it lands: the newest observation per check decides,
 * without rise/fall; older-than-stored observations are ignored (so the reconciler's duplicate handling is exercised).
 */
final class LatestObservationUpdater implements TargetStateUpdater {
    @Override
    public TargetState apply(TargetState prev, Map<String, CheckSpec> checks, List<Observation> observations, Instant now) {
        Map<String, CheckState> next = new HashMap<>(prev.checks());
        observations.stream().sorted(Comparator.comparing(Observation::at)).forEach(o -> {
            CheckState old = next.getOrDefault(o.check(), CheckState.unknown());
            if (o.at().isBefore(old.lastAt())) {
                return;
            }
            Health h = o.passed() ? Health.HEALTHY : Health.UNHEALTHY;
            next.put(o.check(), new CheckState(h, o.passed() ? old.passes() + 1 : 0, o.passed() ? 0 : old.failures() + 1,
                    o.at(), h == old.health() ? old.changedAt() : o.at(), o.detail()));
        });
        boolean healthy = !next.isEmpty() && next.values().stream().allMatch(c -> c.health() == Health.HEALTHY);
        Instant since = healthy ? (prev.healthySince() != null ? prev.healthySince() : now) : null;
        return new TargetState(prev.targetKey(), next, prev.drain(), since, prev.version());
    }
}
