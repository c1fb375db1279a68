package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.RouteKey;

/**
 * A conditional write on a route's ownership version failed: another writer changed the route since we read it.
 * The loser must re-read and re-plan, never retry the same write.
 */
public final class ClaimLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient RouteKey key;
    private final long expectedVersion;

    public ClaimLostException(RouteKey key, long expectedVersion, String what) {
        super(what + " for route " + key.id() + " lost: its ownership is no longer at version " + expectedVersion
                + " (another invocation changed it); re-read and re-plan");
        this.key = key;
        this.expectedVersion = expectedVersion;
    }

    public RouteKey key() {
        return key;
    }

    public long expectedVersion() {
        return expectedVersion;
    }
}
