package io.github.vpcroutefailover.domain.health;

import java.time.Instant;
import java.util.Map;

/**
 * Everything remembered about one target between invocations: check states (for rise/fall), drain state
 * (manual maintenance or the agent's draining signal), and since when it has been healthy (for fail-back hold).
 *
 * @param healthySince when the target last became HEALTHY, or null when it is not healthy
 * @param version      optimistic-lock version of the stored item; 0 when never stored
 */
public record TargetState(String targetKey, Map<String, CheckState> checks, Drain drain, Instant healthySince, long version) {
    public TargetState {
        checks = Map.copyOf(checks);
    }

    public static TargetState initial(String targetKey) {
        return new TargetState(targetKey, Map.of(), null, null, 0);
    }

    public boolean drained() {
        return drain != null;
    }

    /** Why a target is kept free of routes: who asked, when, why. */
    public record Drain(String by, Instant at, String reason) {
    }
}
