package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.ports.Prober;
import java.time.Duration;

/** One (target, check) pair of a probe loop with its counters. Confined to the loop thread. */
final class ProbeSlot {
    final ProbeTarget target;
    final CheckSpec check;
    final Duration timeout;
    final long every;
    long lastSlot = Long.MIN_VALUE;
    CheckState state;
    int probes;
    /** Its last probe failed and it is still short of fall: re-probed after confirmSpacing, not at its next slot. */
    boolean confirming;
    /** When the round of its last failed probe started: the confirmation spacing counts from there. */
    java.time.Instant failedAt;
    /** When its last failure streak was handed over (a data path hands a streak over again while it may be unsettled). */
    java.time.Instant fellAt;
    /** A probe of it is running (a confirmation reaching past the regular round): not probed again until it is in. */
    boolean inFlight;

    ProbeSlot(ProbeTarget target, CheckSpec check, long every, CheckState state) {
        this.target = target;
        this.check = check;
        this.timeout = Prober.timeoutOf(ProbeLoop.timeoutOf(check));
        this.every = every;
        this.state = state;
    }

    boolean due(long slotIndex) {
        return lastSlot == Long.MIN_VALUE || slotIndex - lastSlot >= every;
    }
}
