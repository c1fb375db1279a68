package io.github.vpcroutefailover.domain.model;

import java.time.Instant;

/**
 * The DynamoDB record that says who changed a managed route last and to what. Every change is a conditional
 * write on {@code version} (the fencing token) before the route table is touched.
 *
 * @param target    the next hop we last set, or null after a withdraw
 * @param status    PENDING between a successful claim and the EC2 change; APPLIED after. A PENDING claim older
 *                  than the claim lease is considered abandoned (its writer died) and may be taken over
 * @param pin       an operator pin, or null
 */
public record Ownership(RouteKey key, String routeName, RouteTarget target, long version, ClaimStatus status,
                        Instant updatedAt, String updatedBy, String reason, Pin pin) {

    public enum ClaimStatus {
        PENDING,
        APPLIED
    }

    /**
     * An operator's pin of a route to one target until {@code expiresAt}. With {@code force} the pin holds even
     * when the target is unhealthy (recorded as forced in the audit history).
     */
    public record Pin(String targetKey, Instant expiresAt, boolean force, String by, String reason) {
        public boolean activeAt(Instant now) {
            return expiresAt.isAfter(now);
        }
    }
}
