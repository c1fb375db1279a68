package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import java.time.Duration;

/**
 * Runs one check against one address. Implementations must return within the check's timeout (plus a little
 * scheduling slack) and must not throw: every problem is a failed {@link ProbeResult} with a detail.
 */
@FunctionalInterface
public interface Prober {
    ProbeResult probe(String address, CheckSpec check);

    /** True for the checks the in-VPC probe runs itself (TCP connect, HTTP(S), and data-path requests through a route). */
    static boolean isProbeCheck(CheckSpec check) {
        return check instanceof CheckSpec.Tcp || check instanceof CheckSpec.Http || check instanceof CheckSpec.DataPath;
    }

    /** A probe's timeout when its check sets none (or a non-positive one). */
    Duration DEFAULT_TIMEOUT = Duration.ofMillis(300);

    /** The timeout a prober applies for a configured one (null, zero or negative: {@link #DEFAULT_TIMEOUT}). */
    static Duration timeoutOf(Duration configured) {
        return configured == null || configured.isZero() || configured.isNegative() ? DEFAULT_TIMEOUT : configured;
    }
}
