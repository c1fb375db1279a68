package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Who owns each managed route, fenced by a version number. Every route change is preceded by a {@link #claim}
 * that succeeds for exactly one writer per version; only the winner touches the route table, and the claim is then
 * {@link #settle settled} together with its history entry. The transitions are those of
 * {@code domain.ownership.RecordMachine}; docs/ownership-table.md describes them.
 *
 * <p>Ambiguous outcomes (a lost response, a timeout) are resolved inside the store by reading the record back:
 * every claim and settle carries a unique id, so a write the store cannot confirm is recognised as ours when it is
 * there. A call that still cannot tell throws {@link OutcomeUnknownException}.
 */
public interface OwnershipStore {

    /** Every route ownership record. May be slightly stale (it is a listing); claims are what is exact. */
    Map<RouteKey, Ownership> loadAll();

    /**
     * Every route ownership record and every change still waiting to be announced (the outbox), from the same
     * listing, so finding overdue announcements costs no extra call. Stores without an outbox list none.
     */
    default Listing list() {
        return new Listing(loadAll(), List.of());
    }

    /**
     * Moves an unannounced event's due time from {@code expectedDue} to {@code due}: a re-sender leases it this way
     * (only one of several concurrent reconciles wins), and a writer whose publish failed makes it due at once.
     *
     * @return false when the entry is gone (announced) or someone else moved it first
     */
    default boolean reschedule(Unannounced entry, Instant expectedDue, Instant due) {
        return true;
    }

    /** The event was published: removes it from the outbox (conditional on its presence; idempotent). */
    default void markAnnounced(Unannounced entry) {
    }

    /**
     * Several published events: removes them all, in as few writes as the store allows (the DynamoDB store: one
     * transaction for up to 100 records). Idempotent like {@link #markAnnounced(Unannounced)}; when it throws, none,
     * some or all may be removed (a later removal of each is harmless).
     */
    default void markAnnounced(List<Unannounced> entries) {
        entries.forEach(this::markAnnounced);
    }

    /**
     * Opens ({@code since} not null) or closes the route's correlated data-path failure alert and puts its event in
     * the outbox, in one conditional write on the record (docs/events.md "alert"): opening only while none is open,
     * closing only the one opened at {@code expectedSince}. The fence is not moved (a record created by an alert
     * starts at version 1, as one created by a pin). Stores without an outbox return false: no alert events.
     *
     * @param event its outbox entry: {@link Unannounced#version()} is the entry's slot, negative for alerts
     * @return false when the record was not in the expected state (another reconcile did it: its event is queued)
     */
    default boolean alert(RouteKey key, String routeName, Instant since, Instant expectedSince, Unannounced event) {
        return false;
    }

    /** Strongly consistent read of the given routes. Unknown keys are absent. */
    Map<RouteKey, Ownership> load(Collection<RouteKey> keys);

    /**
     * CLAIM: moves the record from {@code expectedVersion} (0: no record yet), not PENDING, to
     * {@code expectedVersion + 1}, PENDING, target {@code to}. A pin on the record is kept.
     *
     * @throws ClaimLostException      the record is not at {@code expectedVersion} or is PENDING (carries the record)
     * @throws OutcomeUnknownException neither the write nor a read-back could be confirmed
     */
    Ownership claim(Claim claim);

    /**
     * CONFIRM / RELEASE / REPAIR_*: moves a PENDING record whose claim is {@code claimVersion} to {@code status}, and
     * writes {@code history} (and {@code announce}, the outbox entry of its event) in the same transaction, so a record
     * is never settled without its history entry nor a history entry written for a record that was not settled, and
     * every change recorded as APPLIED has an event that is published or still in the outbox.
     *
     * @throws ClaimLostException      the claim is no longer PENDING (someone settled it), or, for a repair, its
     *                                 deadline has not passed (carries the record)
     * @throws OutcomeUnknownException neither the write nor a read-back could be confirmed
     */
    Ownership settle(Settlement settlement);

    /**
     * {@link #settle} for a writer that does not need the settled record back (the reconciler's own settles): a store
     * may spare the read it makes to return it, so a route change costs claim, EC2 call and this one write. Same
     * conditions, same exceptions.
     */
    default void settleWithoutReadBack(Settlement settlement) {
        settle(settlement);
    }

    /**
     * Sets or clears ({@code pin == null}) an operator pin; bumps the version so that in-flight plans re-plan. Never
     * touches the status or the claim: a pin neither keeps nor refreshes a PENDING claim.
     */
    Ownership setPin(RouteKey key, String routeName, long expectedVersion, Ownership.Pin pin, String by, Instant at);

    /** Newest first. */
    List<HistoryEntry> history(RouteKey key, int limit);

    /**
     * Newest first, only entries at or after {@code since}. The default filters {@link #history(RouteKey, int)}, which
     * is correct because both are newest first; stores override it to let the database do the filtering.
     */
    default List<HistoryEntry> history(RouteKey key, Instant since, int limit) {
        return history(key, limit).stream().filter(h -> !h.at().isBefore(since)).toList();
    }

    default Optional<Ownership> load(RouteKey key) {
        return Optional.ofNullable(load(List.of(key)).get(key));
    }

    /**
     * @param to       the target the change will set, or null for a withdraw
     * @param from     the hop the writer observed before the change, or null when the route was absent
     * @param deadline after this instant the writer starts no EC2 call for this claim
     * @param claimId  unique per attempt
     */
    record Claim(RouteKey key, String routeName, RouteTarget to, RouteTarget from, long expectedVersion, Instant at, String by,
                 String reason, Instant deadline, String claimId) {
    }

    /** What {@link #list()} returns. */
    record Listing(Map<RouteKey, Ownership> records, List<Unannounced> unannounced) {
        public Listing {
            records = Map.copyOf(records);
            unannounced = List.copyOf(unannounced);
        }
    }

    /**
     * A Route Failover event written in the same transaction as the settle of its change, and not yet known to be
     * published (the outbox). After the commit the settling reconcile publishes it and removes it; if that does not
     * happen (publish failed, process killed), a reconcile after {@code due} re-sends it. One per claim version.
     *
     * @param due after this instant any reconcile may (re-)send it: the writer is gone or gave up
     */
    record Unannounced(RouteKey key, long version, RouteChangeNotifier.RouteChange change, Instant due) {
    }

    /**
     * @param claimVersion    the claim being settled
     * @param status          APPLIED, FAILED or SUPERSEDED
     * @param holds           what EC2 holds for the route now (recorded as the record's target); null: no route
     * @param abandonedBefore for a repair: the record's deadline must not be after this instant; null for the writer
     * @param settleId        unique per attempt
     * @param history         the entry written with it
     * @param announce        for a change that reached EC2 (APPLIED): its Route Failover event, put in the outbox in
     *                        the same transaction; null for none
     */
    record Settlement(RouteKey key, long claimVersion, Ownership.ClaimStatus status, RouteTarget holds, Instant at, String by,
                      Instant abandonedBefore, String settleId, HistoryEntry history, Unannounced announce) {

        /** A settle that announces nothing (FAILED, SUPERSEDED). */
        public Settlement(RouteKey key, long claimVersion, Ownership.ClaimStatus status, RouteTarget holds, Instant at, String by,
                          Instant abandonedBefore, String settleId, HistoryEntry history) {
            this(key, claimVersion, status, holds, at, by, abandonedBefore, settleId, history, null);
        }
    }
}
