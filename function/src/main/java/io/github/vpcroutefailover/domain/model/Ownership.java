package io.github.vpcroutefailover.domain.model;

import java.time.Instant;

/**
 * The DynamoDB record that says who changed a managed route last and to what. Every change is a conditional
 * write on {@code version} (the fencing token) before the route table is touched. Its life is the state machine in
 * {@code domain.ownership.RecordMachine} (docs/ownership-table.md).
 *
 * @param target    PENDING: the next hop the claim sets (null: a withdraw); otherwise what EC2 held when the record
 *                  was last settled (null: no route)
 * @param version   the fencing token: +1 on every claim and every pin change
 * @param status    NONE (only a pin so far), PENDING (claimed, writer working), APPLIED, FAILED (its writer released
 *                  it), SUPERSEDED (a repairer released it after its writer's deadline)
 * @param pin       an operator pin, or null
 * @param claim     the last claim made on this record, or null when none was
 * @param correlatedSince when the route's correlated data-path failure alert was opened (its event sent), null when
 *                  none is open (docs/events.md "alert"); written apart from the fence, so it never moves the version
 */
public record Ownership(RouteKey key, String routeName, RouteTarget target, long version, ClaimStatus status,
                        Instant updatedAt, String updatedBy, String reason, Pin pin, Claim claim, Instant correlatedSince) {

    /** A record with no correlated data-path failure alert open. */
    public Ownership(RouteKey key, String routeName, RouteTarget target, long version, ClaimStatus status,
                     Instant updatedAt, String updatedBy, String reason, Pin pin, Claim claim) {
        this(key, routeName, target, version, status, updatedAt, updatedBy, reason, pin, claim, null);
    }

    /** A record without claim details (tests, records written before claims carried them). */
    public Ownership(RouteKey key, String routeName, RouteTarget target, long version, ClaimStatus status,
                     Instant updatedAt, String updatedBy, String reason, Pin pin) {
        this(key, routeName, target, version, status, updatedAt, updatedBy, reason, pin, null);
    }

    public enum ClaimStatus {
        NONE,
        PENDING,
        APPLIED,
        FAILED,
        SUPERSEDED
    }

    /**
     * @param version   the record version the claim wrote (a later pin raises {@link Ownership#version()} but not this)
     * @param id        unique per claim attempt: recognises our own write after a lost response
     * @param deadline  after this instant the claim's writer starts no EC2 call; a PENDING record past it is abandoned
     * @param from      the hop the writer saw before its change (null: no route)
     * @param settledBy who moved the record out of PENDING (the writer, or a repairer), null while PENDING
     * @param settleId  unique per settle attempt: recognises our own settle after a lost response
     */
    public record Claim(long version, String id, Instant deadline, RouteTarget from, String settledBy, String settleId) {
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
