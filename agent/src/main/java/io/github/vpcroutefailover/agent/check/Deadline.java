package io.github.vpcroutefailover.agent.check;

import java.net.SocketTimeoutException;
import java.time.Duration;

/** A monotonic deadline; each blocking step of a check gets only what is left of the check's timeout. */
final class Deadline {
    private final long endNanos;

    Deadline(Duration timeout) {
        this.endNanos = System.nanoTime() + timeout.toNanos();
    }

    /** Milliseconds left, at least 1 (0 means "infinite" to java.net); throws once the deadline has passed. */
    int remainingMillis() throws SocketTimeoutException {
        long left = endNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000));
    }
}
