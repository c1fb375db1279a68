package io.github.vpcroutefailover.agent.check;

import java.time.Duration;

/** One probe. Implementations bound their own I/O by {@code timeout}; the runner enforces it again as a backstop. */
public interface Check {
    /** The {@code Check} dimension value. */
    String name();

    /** Runs once. Failures are outcomes, not exceptions; an exception is also recorded as a failure. */
    CheckOutcome run(Duration timeout) throws Exception;
}
