package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.health.Observation;
import java.util.List;
import java.util.function.Consumer;

/**
 * Where the probe hands its observations when health changes. Wire it to the reconciler: apply the observations to
 * the stored target states and reconcile through the DynamoDB ownership fencing, exactly as a scheduled reconcile
 * does, so a probe-triggered failover can never fight a concurrent reconcile.
 *
 * <p>Each call carries every observation the loop has made since the previous successful call, for all targets, in
 * the order they were made, so the stored rise/fall counters see the same history as the probe's in-memory ones.
 * Re-delivered observations are harmless ({@code at <= lastAt} is ignored). A call that throws is retried with the
 * same observations (plus newer ones) after the next round.
 */
public interface FailoverTrigger {
    /** Called at once, mid-round, when a check crossed its fall threshold (HEALTHY or UNKNOWN to UNHEALTHY). */
    void targetsFailed(List<Observation> observations);

    /** Called at most once per round, after it, when a check crossed its rise threshold (so fail-back can be considered). */
    void targetsRecovered(List<Observation> observations);

    /** Both events go to the same reconcile; the reconciler's policy (hold times, preempt) decides what to do. */
    static FailoverTrigger reconcileWith(Consumer<List<Observation>> reconcile) {
        return new FailoverTrigger() {
            @Override
            public void targetsFailed(List<Observation> observations) {
                reconcile.accept(observations);
            }

            @Override
            public void targetsRecovered(List<Observation> observations) {
                reconcile.accept(observations);
            }
        };
    }

    FailoverTrigger NONE = reconcileWith(observations -> { });
}
