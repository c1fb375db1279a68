package io.github.vpcroutefailover.probe;

import java.time.Duration;

/**
 * How the probe loop runs.
 *
 * @param interval       time between rounds; null: the shortest interval of the checks probed (their default is 2 s).
 *                       A check whose own interval is longer is probed every {@code round(checkInterval / interval)}
 *                       rounds.
 * @param maxConcurrency probes in flight at once (a bounded pool: one hanging target costs one thread, not a round)
 * @param maxRun         longest a single invocation loops; the schedule starts one invocation a minute
 * @param deadlineMargin kept free at the end of the invocation for the final hand-over (persisting observations)
 * @param straggleGrace  how long past its own timeout a probe may take before the round gives up on it
 * @param confirmSpacing fast confirmation: a check whose last probe failed, still short of {@code fall}, is probed
 *                       again this long after that failed probe STARTED (at once if it took longer, as a timeout does)
 *                       instead of at its next interval, so a dead target crosses {@code fall} about
 *                       {@code (fall - 1) x max(confirmSpacing, its probe time)} after its first failed probe; null: no
 *                       fast confirmation
 */
public record ProbeSettings(Duration interval, int maxConcurrency, Duration maxRun, Duration deadlineMargin, Duration straggleGrace,
                            Duration confirmSpacing) {
    /** One round a second: half of the detection time is waiting for the first failing probe, U(0, interval). */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(1);
    /** Re-probe spacing after a failure: long enough for a refused target to still be refusing, short enough to flip fast. */
    public static final Duration DEFAULT_CONFIRM_SPACING = Duration.ofMillis(100);

    /** Without fast confirmation (the earlier five-argument form). */
    public ProbeSettings(Duration interval, int maxConcurrency, Duration maxRun, Duration deadlineMargin, Duration straggleGrace) {
        this(interval, maxConcurrency, maxRun, deadlineMargin, straggleGrace, null);
    }

    public ProbeSettings {
        if (interval != null && (interval.isZero() || interval.isNegative())) {
            throw new IllegalArgumentException("probe interval must be positive, but was " + interval);
        }
        if (maxConcurrency < 1) {
            throw new IllegalArgumentException("probe maxConcurrency must be at least 1, but was " + maxConcurrency);
        }
        if (maxRun == null || maxRun.isNegative() || deadlineMargin == null || deadlineMargin.isNegative()
                || straggleGrace == null || straggleGrace.isNegative()) {
            throw new IllegalArgumentException("probe maxRun, deadlineMargin and straggleGrace must be zero or positive");
        }
        if (confirmSpacing != null && (confirmSpacing.isZero() || confirmSpacing.isNegative())) {
            throw new IllegalArgumentException("probe confirmSpacing must be positive (or null for no fast confirmation), but was "
                    + confirmSpacing);
        }
    }

    public static ProbeSettings defaults() {
        return new ProbeSettings(null, 16, Duration.ofSeconds(60), Duration.ofSeconds(3), Duration.ofSeconds(1), DEFAULT_CONFIRM_SPACING);
    }

    public ProbeSettings withInterval(Duration value) {
        return new ProbeSettings(value, maxConcurrency, maxRun, deadlineMargin, straggleGrace, confirmSpacing);
    }

    public ProbeSettings withMaxConcurrency(int value) {
        return new ProbeSettings(interval, value, maxRun, deadlineMargin, straggleGrace, confirmSpacing);
    }

    public ProbeSettings withMaxRun(Duration value) {
        return new ProbeSettings(interval, maxConcurrency, value, deadlineMargin, straggleGrace, confirmSpacing);
    }

    public ProbeSettings withConfirmSpacing(Duration value) {
        return new ProbeSettings(interval, maxConcurrency, maxRun, deadlineMargin, straggleGrace, value);
    }

    public ProbeSettings withDeadlineMargin(Duration value) {
        return new ProbeSettings(interval, maxConcurrency, maxRun, value, straggleGrace, confirmSpacing);
    }

    /**
     * When this invocation must stop starting rounds: {@code now + min(maxRun, remaining) - deadlineMargin}.
     *
     * @param remaining what the Lambda context says is left ({@code Context.getRemainingTimeInMillis()})
     */
    public java.time.Instant deadline(java.time.Instant now, Duration remaining) {
        Duration budget = remaining.compareTo(maxRun) < 0 ? remaining : maxRun;
        return now.plus(budget).minus(deadlineMargin);
    }
}
