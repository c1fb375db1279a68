package io.github.vpcroutefailover.ports;

import java.time.Duration;
import java.util.Objects;

/**
 * The raw outcome of one probe.
 *
 * @param passed  whether the check's pass condition held
 * @param latency time from starting the probe to its verdict (for a pass: connect, or connect + response)
 * @param detail  human-readable, e.g. "connection refused", "timed out after 1000 ms", "HTTP 503, expected 200"
 */
public record ProbeResult(boolean passed, Duration latency, String detail) {
    public ProbeResult {
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(detail, "detail");
    }

    public static ProbeResult pass(Duration latency, String detail) {
        return new ProbeResult(true, latency, detail);
    }

    public static ProbeResult fail(Duration latency, String detail) {
        return new ProbeResult(false, latency, detail);
    }

    public static ProbeResult since(long startNanos, boolean passed, String detail) {
        return new ProbeResult(passed, Duration.ofNanos(System.nanoTime() - startNanos), detail);
    }
}
