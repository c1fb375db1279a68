package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.OwnershipStore.Unannounced;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Route Failover event of a correlated data-path failure (issue #14, docs/events.md "alert"): every candidate of
 * a route fails its data path at once, so nothing moves, and operators must still hear of it. One event when a
 * table's route enters the state and one when it leaves it, not one per reconcile: the state is kept on the route's
 * ownership record ({@link Ownership#correlatedSince()}), and the event goes into the record's outbox in the same
 * conditional write that opens or closes it, so of several concurrent reconciles one announces, and a failed
 * publish is re-sent by a later reconcile with the same idempotency key, like a route change's.
 *
 * <p>Cost: nothing while nothing changes (the state comes with the listing every reconcile already reads); one
 * UpdateItem per table on entering and on leaving. A failed write is logged and tried again by the next reconcile
 * (the state it reads is unchanged).
 */
final class CorrelatedAlerts {
    private static final Logger LOG = LoggerFactory.getLogger(CorrelatedAlerts.class);

    /** How old an open alert must be before the existence of its unobserved table is checked. */
    static final Duration DELETED_TABLE_GRACE = Duration.ofMinutes(5);

    private CorrelatedAlerts() {
    }

    /**
     * The alert events this reconcile queued (each already in its record's outbox), to publish with its changes.
     *
     * @param observedTables this VPC's tables this reconcile observed: where an open alert of a slot the config no
     *                       longer selects is closed
     */
    static List<Unannounced> update(OwnershipStore store, Plan plan, Map<RouteKey, Ownership> owners, Set<String> observedTables, String caller,
                                    Instant now, Duration claimBudget) {
        List<Unannounced> out = new ArrayList<>();
        for (RouteStatus s : plan.routes()) {
            Optional<PlanNote> note = plan.notes().stream().filter(n -> s.routeName().equals(n.routeName())
                    && n.message().startsWith(DataPaths.CORRELATED_NOTE)).findFirst();
            Ownership o = owners.get(s.key());
            Instant since = o == null ? null : o.correlatedSince();
            if (note.isPresent() == (since != null)) {
                continue;
            }
            boolean opening = note.isPresent();
            String name = s.candidates().stream().map(RouteStatus.CandidateHealth::candidate).filter(c -> c.target().sameHopAs(s.current()))
                    .map(Candidate::targetName).filter(Objects::nonNull).findFirst().orElse(null);
            String reason = opening ? note.get().message()
                    : "data path of route '" + s.routeName() + "' no longer failing through every candidate (alert opened " + since + ")";
            long version = o == null ? 1 : o.version();
            write(store, s.key(), s.routeName(), s.current(), name, reason, version, opening, since, caller, now, claimBudget, out);
        }
        // An open alert whose slot the config no longer selects would otherwise stay open for ever: the loop above
        // only sees planned slots. Only records of tables this reconcile observed (another VPC's records may share
        // the listing), and only slots no selector picks (a slot selected but not planned, e.g. claimed by two
        // routes, is still the config's).
        for (Ownership o : owners.values()) {
            if (o.correlatedSince() != null && observedTables.contains(o.key().routeTableId()) && !plan.selected().contains(o.key())) {
                String reason = "route '" + o.routeName() + "' no longer manages " + o.key().destination() + " in "
                        + o.key().routeTableId() + " (taken out of the config, or its destination or table selection changed), so its"
                        + " data-path alert (opened " + o.correlatedSince() + ") is closed";
                write(store, o.key(), o.routeName(), o.target(), null, reason, o.version(), false, o.correlatedSince(), caller, now,
                        claimBudget, out);
            }
        }
        return out;
    }

    /**
     * An open alert on a table that no longer exists (deleted with the alert open) would stay open for ever: no
     * reconcile observes the table again. The listing is this account's and region's (KeyScope), so a table EC2 does
     * not know here is gone for every VPC that could have planned it. Asked only about alerts older than
     * {@link #DELETED_TABLE_GRACE} on tables this reconcile did not observe (so no call at all while there are none,
     * and a table another VPC has just created, not yet visible to an eventually consistent read, is not judged);
     * a failed read leaves the alerts for the next reconcile.
     *
     * @param observedTables every table this reconcile observed, transit gateway tables too: they exist
     * @param existing       of the given table ids, those that still exist ({@code RouteTables.existingTables})
     */
    static List<Unannounced> closeOnDeletedTables(OwnershipStore store, Map<RouteKey, Ownership> owners, Set<String> observedTables,
                                                  Function<Collection<String>, Set<String>> existing, String caller, Instant now,
                                                  Duration claimBudget) {
        List<Unannounced> out = new ArrayList<>();
        List<Ownership> candidates = owners.values().stream().filter(o -> o.correlatedSince() != null
                && !observedTables.contains(o.key().routeTableId()) && o.correlatedSince().isBefore(now.minus(DELETED_TABLE_GRACE))).toList();
        if (candidates.isEmpty()) {
            return out;
        }
        Set<String> asked = new java.util.TreeSet<>();
        candidates.forEach(o -> asked.add(o.key().routeTableId()));
        Set<String> found;
        try {
            found = existing.apply(asked);
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("event", "alert-table-check-failed").addKeyValue("tables", asked).setCause(e)
                    .log("could not check whether the tables of open data-path alerts still exist (the next reconcile tries again): "
                            + e.getMessage());
            return out;
        }
        for (Ownership o : candidates) {
            if (!found.contains(o.key().routeTableId())) {
                String reason = "route table " + o.key().routeTableId() + " of route '" + o.routeName() + "' no longer exists, so its"
                        + " data-path alert for " + o.key().destination() + " (opened " + o.correlatedSince() + ") is closed";
                write(store, o.key(), o.routeName(), o.target(), null, reason, o.version(), false, o.correlatedSince(), caller, now,
                        claimBudget, out);
            }
        }
        return out;
    }

    private static void write(OwnershipStore store, RouteKey key, String routeName, RouteTarget hop, String hopName, String reason,
                              long version, boolean opening, Instant since, String caller, Instant now, Duration claimBudget,
                              List<Unannounced> out) {
        String alert = opening ? RouteChange.CORRELATED_FAILURE : RouteChange.CORRELATED_CLEARED;
        RouteChange change = new RouteChange(key.routeTableId(), key.destination().toString(), routeName, hop, hopName,
                hop, hopName, reason, version, false, false, caller, now, alert);
        // The slot: negative, so it never meets a route change's version; the instant makes it one per episode side,
        // and it grows with time, so a re-sender that finds both sides of an episode sends the opening one first.
        Unannounced entry = new Unannounced(key, Long.MIN_VALUE + now.toEpochMilli(), change, now.plus(claimBudget));
        try {
            if (store.alert(key, routeName, opening ? now : null, since, entry)) {
                out.add(entry);
                LOG.atWarn().addKeyValue("event", alert).addKeyValue("route", routeName).addKeyValue("key", key.id()).log(reason);
            }
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("event", "alert-write-failed").addKeyValue("key", key.id())
                    .log("could not record the " + alert + " alert (the next reconcile tries again): " + e.getMessage());
        }
    }
}
