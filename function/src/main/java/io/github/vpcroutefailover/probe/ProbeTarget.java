package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.Prober;
import java.util.List;
import java.util.Objects;

/**
 * One thing to probe.
 *
 * @param key     the candidate key health is tracked under (instance id, or ENI id)
 * @param address the private IP to probe; null when it could not be resolved, in which case every check fails with
 *                a detail saying so (silence must count towards {@code fall}, not freeze the counters)
 * @param checks  the TCP and HTTP checks that apply to it
 */
public record ProbeTarget(String key, String address, List<CheckSpec> checks) {
    public ProbeTarget {
        Objects.requireNonNull(key, "key");
        checks = List.copyOf(checks);
        for (CheckSpec c : checks) {
            if (!Prober.isProbeCheck(c)) {
                throw new IllegalArgumentException("target " + key + ": check '" + c.name() + "' is not a tcp or http check;"
                        + " the probe only runs those, pass the others to their own health source");
            }
        }
    }
}
