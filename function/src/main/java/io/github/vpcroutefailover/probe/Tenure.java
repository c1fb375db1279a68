package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.health.CheckState;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Whether this loop may still probe: asked by {@link ProbeLoop} before every regular round. A probe invocation that
 * shares its targets with the next one (see {@link LeaseTenure}) stops when it has handed over or lost its lease,
 * and never starts a round that could end after its lease might be taken by someone else.
 */
@FunctionalInterface
public interface Tenure {
    /** No other prober: probe until the invocation's deadline. */
    Tenure UNBOUNDED = (now, states) -> new Decision.Until(Instant.MAX);

    /**
     * @param states the loop's current counters, by target key, then check name (computed only when asked for: a
     *               hand-over stores them so the next holder continues every streak)
     */
    Decision check(Instant now, Supplier<Map<String, Map<String, CheckState>>> states);

    sealed interface Decision {
        /** Probe on; every round (confirmations included) must end by {@code until}. */
        record Until(Instant until) implements Decision {
        }

        /** Stop now, without another round. */
        record Stop(ProbeRun.Stop why) implements Decision {
        }
    }
}
