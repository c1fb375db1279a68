package io.github.vpcroutefailover.probe;

import java.time.Duration;

/**
 * Timing of the probe lease (see {@link LeaseTenure}).
 *
 * @param ttl             a lease not renewed for this long may be taken over (a holder that died is replaced after it)
 * @param renewEvery      how often a holder renews while no successor is expected (a renewal is one conditional write)
 * @param successorAfter  from the start of the invocation, when the next scheduled invocation may be ready: from then
 *                        on the holder renews before every round, so it sees a waiting successor within one round
 * @param poll            how often a waiting successor reads the lease; bounds the gap at a hand-over from above
 * @param maxSkew         the largest clock difference assumed between two invocations: a lease counts as expired only
 *                        {@code maxSkew} after its {@code expiresAt}, and its holder stops probing at {@code expiresAt}
 */
public record LeaseSettings(Duration ttl, Duration renewEvery, Duration successorAfter, Duration poll, Duration maxSkew) {
    public LeaseSettings {
        for (Duration d : new Duration[] {ttl, renewEvery, successorAfter, poll, maxSkew}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("probe lease durations must be zero or positive, but got " + d);
            }
        }
        if (renewEvery.multipliedBy(2).compareTo(ttl) > 0) {
            throw new IllegalArgumentException("probe lease renewEvery (" + renewEvery + ") must be at most half the ttl (" + ttl
                    + "), or one slow renewal would let the lease lapse");
        }
        if (poll.isZero()) {
            throw new IllegalArgumentException("probe lease poll must be positive");
        }
    }

    /**
     * Production: one invocation a minute. Renewal every 2 s costs about 30 writes a minute per AZ; a holder that dies
     * is replaced within ttl + skew = 7 s; a waiting successor reads every 50 ms, the bound on a hand-over's gap.
     */
    public static LeaseSettings defaults() {
        return new LeaseSettings(Duration.ofSeconds(6), Duration.ofSeconds(2), Duration.ofSeconds(55), Duration.ofMillis(50),
                Duration.ofSeconds(1));
    }

    public LeaseSettings withSuccessorAfter(Duration value) {
        return new LeaseSettings(ttl, renewEvery, value, poll, maxSkew);
    }

    public LeaseSettings withMaxSkew(Duration value) {
        return new LeaseSettings(ttl, renewEvery, successorAfter, poll, value);
    }
}
