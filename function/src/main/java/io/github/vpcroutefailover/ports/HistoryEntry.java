package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Instant;

/**
 * One audit record of a route change (or a failed attempt at one).
 *
 * @param version  the ownership version (fencing token) the change was made under
 * @param from     next hop before, or null when the route was absent
 * @param to       next hop after, or null for a withdraw
 * @param forced   made under a forced pin (the target may have been unhealthy)
 * @param outcome  APPLIED, FAILED or DRY_RUN
 * @param error    why it failed, or null
 */
public record HistoryEntry(RouteKey key, String routeName, long version, Instant at, String by, RouteTarget from,
                           RouteTarget to, String reason, boolean forced, Outcome outcome, String error) {
    public enum Outcome {
        APPLIED,
        FAILED,
        DRY_RUN
    }
}
