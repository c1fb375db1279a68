package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;

/**
 * A change to one managed route, with the reason a human reads in logs, status and the audit trail.
 * {@code expectedVersion} is the ownership version the plan was made on (0 = no record yet); the claim is a
 * conditional write on it, so a plan made on stale state loses and is re-made.
 */
public sealed interface RouteAction permits RouteAction.Create, RouteAction.Replace, RouteAction.Delete {
    RouteKey key();

    String routeName();

    String reason();

    long expectedVersion();

    /** The next hop the route has now, or null when absent. */
    RouteTarget from();

    /** The candidate the route will point at, or null for a delete. */
    Candidate to();

    /**
     * The move carries out a forced pin (an operator's {@code force}): recorded as forced in the history and in the
     * Route Failover event. A field of the plan, never read back from the reason text (which quotes the operator's).
     */
    boolean forced();

    record Create(RouteKey key, String routeName, Candidate to, String reason, long expectedVersion, boolean forced)
            implements RouteAction {
        @Override
        public RouteTarget from() {
            return null;
        }
    }

    record Replace(RouteKey key, String routeName, RouteTarget from, Candidate to, String reason, long expectedVersion,
                   boolean forced) implements RouteAction {
    }

    record Delete(RouteKey key, String routeName, RouteTarget from, String reason, long expectedVersion) implements RouteAction {
        @Override
        public Candidate to() {
            return null;
        }

        /** A pin always names a target to move to: a withdrawal is never forced. */
        @Override
        public boolean forced() {
            return false;
        }
    }
}
