package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.config.CheckSpec;

/**
 * Runs one check against one address. Implementations must return within the check's timeout (plus a little
 * scheduling slack) and must not throw: every problem is a failed {@link ProbeResult} with a detail.
 */
@FunctionalInterface
public interface Prober {
    ProbeResult probe(String address, CheckSpec check);

    /** True for the checks the in-VPC probe runs itself (TCP connect and HTTP(S)). */
    static boolean isProbeCheck(CheckSpec check) {
        return check instanceof CheckSpec.Tcp || check instanceof CheckSpec.Http;
    }
}
