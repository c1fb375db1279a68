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
 * that succeeds for exactly one writer per version; only the winner touches the route table.
 */
public interface OwnershipStore {

    /** Every route ownership record. May be slightly stale (it is a listing); claims are what is exact. */
    Map<RouteKey, Ownership> loadAll();

    /** Strongly consistent read of the given routes (after a lost claim). Unknown keys are absent. */
    Map<RouteKey, Ownership> load(Collection<RouteKey> keys);

    /**
     * Conditionally moves the route from {@code expectedVersion} (0: no record yet) to {@code expectedVersion + 1},
     * status PENDING, target {@code to}. A pin on the record is kept.
     *
     * @throws ClaimLostException when the record is not at {@code expectedVersion}
     */
    Ownership claim(Claim claim);

    /**
     * Marks a claimed change as done in EC2, on condition that the record is still at {@code version} and PENDING.
     *
     * @throws ClaimLostException when someone took the route over meanwhile (our claim had outlived its lease)
     */
    Ownership markApplied(RouteKey key, long version, Instant at);

    /** Sets or clears ({@code pin == null}) an operator pin; bumps the version so that in-flight plans re-plan. */
    Ownership setPin(RouteKey key, String routeName, long expectedVersion, Ownership.Pin pin, String by, Instant at);

    void appendHistory(HistoryEntry entry);

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
     * @param to the target the change will set, or null for a withdraw
     */
    record Claim(RouteKey key, String routeName, RouteTarget to, long expectedVersion, Instant at, String by, String reason) {
    }
}
