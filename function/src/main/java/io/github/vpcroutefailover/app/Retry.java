package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.ports.CallDeadline;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Pauses between our own attempts of a write the store established it did not make (throttled, 5xx, transport):
 * exponential with jitter, and only when the deadline in force still leaves time for another attempt, so a retry
 * never pushes a claim or an invocation past its deadline.
 */
final class Retry {
    private static final long BASE_MS = 100;
    private static final long MAX_MS = 1_000;

    private Retry() {
    }

    /**
     * Pauses before attempt {@code attempt + 1}.
     *
     * @param needed time the next attempt and what must follow it need after the pause
     * @return false (without pausing) when the deadline leaves no time for that
     */
    static boolean pause(int attempt, Duration needed) {
        long cap = Math.min(MAX_MS, BASE_MS << Math.min(attempt - 1, 10));
        long pause = ThreadLocalRandom.current().nextLong(cap / 2, cap + 1);
        Optional<Duration> left = CallDeadline.remaining();
        if (left.isPresent() && left.get().minusMillis(pause).compareTo(needed) < 0) {
            return false;
        }
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}
