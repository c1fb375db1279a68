package io.github.vpcroutefailover.app;

import java.io.PrintStream;

/**
 * A test hook for the crash tests: with {@code VRF_TEST_BLOCK_AT=<point>} in the environment, the process prints
 * {@code VRF-BLOCKED-AT <point>} to stderr when it reaches that point of the apply path and blocks there, so the test
 * can SIGKILL it at exactly that step. Unset (always, outside those tests) it costs one field read.
 */
final class CrashPoints {
    static final String ENV = "VRF_TEST_BLOCK_AT";
    private static final String POINT = System.getenv(ENV);

    private CrashPoints() {
    }

    static void reached(String point) {
        if (POINT == null || !POINT.equals(point)) {
            return;
        }
        PrintStream err = System.err;
        err.println("VRF-BLOCKED-AT " + point);
        err.flush();
        try {
            // Bounded: the test kills us long before this ends; if it does not, carrying on is the safe default.
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
