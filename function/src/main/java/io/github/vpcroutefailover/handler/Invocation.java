package io.github.vpcroutefailover.handler;

import com.amazonaws.services.lambda.runtime.Context;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The Lambda invocation being handled, for the log lines ({@link InvocationJsonProvider} adds {@code requestId} and
 * {@code coldStart} to every line). A process-wide holder rather than the MDC: Lambda runs one invocation at a time
 * per execution environment, and the reconcile's worker threads log too, where a thread-local MDC would be empty.
 * Priming before a SnapStart snapshot does not go through {@link #begin}, so the first invocation after a restore
 * still counts as the cold start.
 */
public final class Invocation {
    private static final AtomicBoolean FIRST = new AtomicBoolean(true);
    private static volatile String requestId;
    private static volatile boolean coldStart;

    private Invocation() {
    }

    /** Marks the start of an invocation; pair with {@link #end()} in a finally. */
    static void begin(Context context) {
        requestId = context == null ? "local" : context.getAwsRequestId();
        coldStart = FIRST.getAndSet(false);
    }

    static void end() {
        requestId = null;
        coldStart = false;
    }

    /** Tests: as in a fresh execution environment. */
    static void reset() {
        FIRST.set(true);
        end();
    }

    /** The current invocation's request id, or null outside an invocation (init, priming). */
    public static String requestId() {
        return requestId;
    }

    /** True during the first invocation this execution environment (or restored snapshot) handles. */
    public static boolean coldStart() {
        return coldStart;
    }
}
