package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;

/**
 * A conditional write on a route's ownership record failed: another writer changed the route since we read it (or
 * settled the claim we meant to settle). The loser must re-read and re-plan, never retry the same write.
 */
public final class ClaimLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RouteKey key;
    private final long expectedVersion;
    private final transient Ownership current;

    public ClaimLostException(RouteKey key, long expectedVersion, String what) {
        this(key, expectedVersion, what, null);
    }

    public ClaimLostException(RouteKey key, long expectedVersion, String what, Ownership current) {
        super(what + " for route " + key.id() + " lost: its ownership is no longer at version " + expectedVersion
                + (current == null ? "" : " (now version " + current.version() + ", " + current.status() + " by " + current.updatedBy() + ")")
                + "; re-read and re-plan");
        this.key = key;
        this.expectedVersion = expectedVersion;
        this.current = current;
    }

    public RouteKey key() {
        return key;
    }

    public long expectedVersion() {
        return expectedVersion;
    }

    /** The record as the failed write found it (DynamoDB's ALL_OLD), or null when unknown or absent. */
    public Ownership current() {
        return current;
    }
}
