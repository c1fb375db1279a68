package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Instant;

/**
 * One audit record of a route change (or of a claim that did not change the route).
 *
 * @param version    the ownership version (fencing token) the change was claimed under
 * @param by         who claimed it
 * @param from       next hop before, or null when the route was absent
 * @param to         next hop after, or null for a withdraw
 * @param forced     made under a forced pin (the target may have been unhealthy)
 * @param outcome    APPLIED: EC2 holds the change; FAILED: its writer saw it did not reach EC2; ABANDONED: its writer
 *                   vanished and a repairer found EC2 without it; DRY_RUN reserved
 * @param error      why it failed, or null
 * @param recordedBy who wrote this entry when not the claimer: the reconcile that repaired an abandoned claim
 */
public record HistoryEntry(RouteKey key, String routeName, long version, Instant at, String by, RouteTarget from,
                           RouteTarget to, String reason, boolean forced, Outcome outcome, String error, String recordedBy) {

    public HistoryEntry(RouteKey key, String routeName, long version, Instant at, String by, RouteTarget from,
                        RouteTarget to, String reason, boolean forced, Outcome outcome, String error) {
        this(key, routeName, version, at, by, from, to, reason, forced, outcome, error, null);
    }

    public enum Outcome {
        APPLIED,
        FAILED,
        ABANDONED,
        DRY_RUN
    }
}
