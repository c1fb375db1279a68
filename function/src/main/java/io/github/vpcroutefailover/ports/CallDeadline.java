package io.github.vpcroutefailover.ports;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Supplier;

/**
 * The point in time by which the calls the current thread makes must have ended: the end of a claim's budget, or of
 * the invocation. The reconciler sets it around the calls of one claim; the AWS adapters' clients read it and size
 * each call's timeout to it (and refuse to send a call that could only end after it), so no port needs a timeout
 * parameter and no call can outlive the claim that protects it.
 *
 * <p>Monotonic ({@link System#nanoTime()}), so clock steps cannot stretch it. Threads of a pool do not inherit it:
 * wrap work handed to them with {@link #propagate}.
 */
public final class CallDeadline {
    private static final ThreadLocal<Long> DEADLINE = new ThreadLocal<>();

    private CallDeadline() {
    }

    /** Runs {@code body} with calls bounded by {@code deadlineNanos} (or the tighter deadline already in force). */
    public static <T> T within(long deadlineNanos, Supplier<T> body) {
        Long outer = DEADLINE.get();
        DEADLINE.set(outer == null ? deadlineNanos : earlier(outer, deadlineNanos));
        try {
            return body.get();
        } finally {
            if (outer == null) {
                DEADLINE.remove();
            } else {
                DEADLINE.set(outer);
            }
        }
    }

    /**
     * The deadline for an invocation with {@code remaining} time left (Lambda's {@code getRemainingTimeInMillis}):
     * a safety margin before it (10%, at least 1.5 s, at most half of it) is kept for writing the response and logs.
     */
    public static long forInvocation(Duration remaining) {
        Duration margin = remaining.dividedBy(10);
        if (margin.compareTo(Duration.ofMillis(1500)) < 0) {
            margin = Duration.ofMillis(1500);
        }
        if (margin.compareTo(remaining.dividedBy(2)) > 0) {
            margin = remaining.dividedBy(2);
        }
        return System.nanoTime() + remaining.minus(margin).toNanos();
    }

    /** Time left for calls on this thread, or empty when no deadline is in force. */
    public static Optional<Duration> remaining() {
        Long d = DEADLINE.get();
        return d == null ? Optional.empty() : Optional.of(Duration.ofNanos(d - System.nanoTime()));
    }

    /** The deadline in force on this thread (nanoTime), if any. */
    public static Optional<Long> current() {
        return Optional.ofNullable(DEADLINE.get());
    }

    /** Work for another thread that keeps this thread's deadline. */
    public static <T> Callable<T> propagate(Callable<T> work) {
        Long d = DEADLINE.get();
        if (d == null) {
            return work;
        }
        return () -> within(d, () -> {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }
}
