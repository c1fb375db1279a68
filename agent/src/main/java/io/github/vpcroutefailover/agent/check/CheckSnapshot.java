package io.github.vpcroutefailover.agent.check;

/**
 * The latest completed run of a check, as published every cycle until a newer one completes.
 *
 * @param passed        the raw result (CheckResult)
 * @param latencyMillis how long the run took (CheckLatency)
 * @param up            the state after rise/fall (CheckState)
 * @param runs          completed runs so far, so tests and logs can tell a fresh result from a republished one
 */
public record CheckSnapshot(String name, boolean passed, double latencyMillis, boolean up, String detail, long runs) {
}
