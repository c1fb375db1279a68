package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.health.CheckState;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Who may probe one AZ's targets right now: one lease item per probe scope (the probe's AZ), so consecutive probe
 * invocations hand over instead of leaving a gap or probing twice.
 *
 * @param scope          what the lease covers (the probe's AZ)
 * @param generation     fencing token: +1 on every change of holder; every holder write is conditional on it
 * @param holder         the invocation that probes; null when released
 * @param expiresAt      after this instant (plus the clock-skew bound) anyone may take the lease; the holder renews
 *                       it and stops probing before it
 * @param successor      an invocation that is ready and waiting for a hand-over, or null
 * @param successorSince when the successor asked (a successor that asked long ago and never took over is stale)
 * @param states         the holder's rise/fall counters at the last hand-over or release, by target key, then check
 *                       name, so the next holder continues a streak instead of starting it again; empty otherwise
 * @param statesAt       when {@code states} were written (null: none)
 */
public record ProbeLease(String scope, long generation, String holder, Instant expiresAt, String successor, Instant successorSince,
                         Map<String, Map<String, CheckState>> states, Instant statesAt) {
    public ProbeLease {
        Map<String, Map<String, CheckState>> copy = new LinkedHashMap<>();
        (states == null ? Map.<String, Map<String, CheckState>>of() : states).forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        states = Map.copyOf(copy);
    }

    public boolean heldBy(String invocation) {
        return invocation != null && invocation.equals(holder);
    }
}
