package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.ownership.RecordMachine;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RouteTables;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles claims whose writer is provably gone (PENDING past its deadline): the repair half of the protocol. The
 * decision rests on reads that cannot be older than the state they judge: the listing (a GSI, eventually consistent)
 * only nominates candidates; each is re-read with a strongly consistent read, and the route tables are read after
 * that. EC2 holding the claimed hop means the change happened (REPAIR_CONFIRM: APPLIED, an APPLIED history entry
 * recorded by us on the claimer's behalf, and its Route Failover event in the outbox); anything else means it did
 * not (REPAIR_SUPERSEDE: SUPERSEDED with an ABANDONED entry), but only when a second table read agrees: EC2 reads
 * are eventually consistent, and a stale or late-delivered read must not turn a change that happened into an
 * ABANDONED one (a stale read can only show an older hop; the claimed hop cannot have been undone by us meanwhile,
 * since no claim is made over a PENDING record).
 */
final class Repairer {
    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final OwnershipStore ownership;
    private final RouteTables routeTables;
    private final ReconcileOptions options;
    private final Instant now;
    private final List<Candidate> candidates;
    private final List<PlanNote> notes;
    private final List<OwnershipStore.Unannounced> announcements;
    /** The newest read of each table this repair read: planning must not pair a repaired record with an older read. */
    private final Map<String, ObservedRouteTable> latest = new HashMap<>();

    Repairer(OwnershipStore ownership, RouteTables routeTables, ReconcileOptions options, Instant now, List<Candidate> candidates,
             List<PlanNote> notes, List<OwnershipStore.Unannounced> announcements) {
        this.ownership = ownership;
        this.routeTables = routeTables;
        this.options = options;
        this.now = now;
        this.candidates = candidates;
        this.notes = notes;
        this.announcements = announcements;
    }

    private boolean abandoned(Ownership o) {
        return RecordMachine.stateOf(o, now, options.claimLease()) == RecordMachine.State.ABANDONED;
    }

    /** Repairs every abandoned record in {@code owners}, replacing each with its settled version. */
    List<ActionOutcome> repair(Reconciler.World world, Map<RouteKey, Ownership> owners) {
        List<RouteKey> nominated = owners.values().stream().filter(this::abandoned).map(Ownership::key).toList();
        if (nominated.isEmpty()) {
            return List.of();
        }
        // The listing nominated them; a consistent read decides (a newer claim or settle may already be there).
        Map<RouteKey, Ownership> fresh;
        try {
            fresh = ownership.load(nominated);
        } catch (RuntimeException e) {
            nominated.forEach(k -> note(PlanNote.Level.WARN, owners.get(k), "could not re-read the abandoned claim on " + k.id()
                    + " (" + e.getMessage() + "); leaving the route alone until a reconcile can"));
            return List.of();
        }
        List<Ownership> todo = new ArrayList<>();
        for (RouteKey k : nominated) {
            Ownership o = fresh.get(k);
            if (o == null) {
                owners.remove(k);
            } else {
                owners.put(k, o);
                if (abandoned(o)) {
                    todo.add(o);
                }
            }
        }
        if (todo.isEmpty()) {
            return List.of();
        }
        Set<String> tableIds = new TreeSet<>();
        todo.forEach(o -> tableIds.add(o.key().routeTableId()));
        Map<String, ObservedRouteTable> tables;
        try {
            tables = read(world, tableIds);
        } catch (RuntimeException e) {
            todo.forEach(o -> note(PlanNote.Level.WARN, o, "could not read route table " + o.key().routeTableId() + " to repair the "
                    + "abandoned claim of " + o.updatedBy() + " (" + e.getMessage() + "); leaving the route alone until a reconcile can"));
            return List.of();
        }
        Map<String, ObservedRouteTable> second = null;
        List<ActionOutcome> out = new ArrayList<>();
        for (Ownership o : todo) {
            ObservedRouteTable table = tables.get(o.key().routeTableId());
            if (table == null) {
                note(PlanNote.Level.WARN, o, "abandoned claim of " + o.updatedBy() + " on " + o.key().id() + " (version " + o.version()
                        + ") is for a route table that could not be read; left as it is");
                continue;
            }
            RouteTarget holds = holds(table, o.key());
            if (RecordMachine.repair(o.target(), holds) == RecordMachine.Repair.SUPERSEDE) {
                // Superseding on a stale read would write off a change that happened: a second read decides.
                try {
                    if (second == null) {
                        second = read(world, tableIds);
                    }
                } catch (RuntimeException e) {
                    note(PlanNote.Level.WARN, o, "could not re-read route table " + o.key().routeTableId() + " to confirm that the "
                            + "abandoned claim's change is not in EC2 (" + e.getMessage() + "); left for the next reconcile");
                    continue;
                }
                // The later read decides: a stale read can only show an older hop, so if the later one holds the
                // claimed hop the change happened; if it does not either, it did not.
                ObservedRouteTable again = second.get(o.key().routeTableId());
                if (again == null) {
                    note(PlanNote.Level.WARN, o, "route table " + o.key().routeTableId() + " vanished between two reads; the abandoned "
                            + "claim of " + o.updatedBy() + " is left for the next reconcile");
                    continue;
                }
                holds = holds(again, o.key());
            }
            try {
                repairOne(o, holds).ifPresent(out::add);
            } catch (ClaimLostException e) {
                // Another reconcile settled it first (or its writer did, late): plan on what it wrote.
                if (e.current() != null) {
                    owners.put(o.key(), e.current());
                } else {
                    ownership.load(o.key()).ifPresentOrElse(x -> owners.put(o.key(), x), () -> owners.remove(o.key()));
                }
                continue;
            } catch (RuntimeException e) {
                note(PlanNote.Level.WARN, o, "could not settle the abandoned claim of " + o.updatedBy() + " (version " + o.version()
                        + "): " + e.getMessage() + "; leaving the route alone until a reconcile can");
                continue;
            }
            ownership.load(o.key()).ifPresent(x -> owners.put(o.key(), x));
        }
        return out;
    }

    private Map<String, ObservedRouteTable> read(Reconciler.World world, Set<String> ids) {
        Map<String, ObservedRouteTable> out = new HashMap<>();
        WorldObserver.enrich(routeTables.describeTables(List.copyOf(ids)), world.instances(), world.enis()).forEach(t -> out.put(t.id(), t));
        latest.putAll(out);
        return out;
    }

    /** Route tables read by this repair, newest read of each (read after the records it settled). */
    Map<String, ObservedRouteTable> tablesRead() {
        return Map.copyOf(latest);
    }

    private static RouteTarget holds(ObservedRouteTable table, RouteKey key) {
        return table.route(key.destination()).map(ObservedRoute::target).orElse(null);
    }

    private Optional<ActionOutcome> repairOne(Ownership o, RouteTarget holds) {
        Ownership.Claim claim = o.claim();
        long claimVersion = claim == null ? o.version() : claim.version();
        RouteTarget from = claim == null ? null : claim.from();
        RouteTarget claimed = o.target();
        RecordMachine.Repair decision = RecordMachine.repair(claimed, holds);
        boolean forced = o.pin() != null && o.pin().force() && o.updatedAt() != null && o.pin().activeAt(o.updatedAt());
        RouteAction action = action(o, from, claimed, claimVersion, forced);
        Instant deadline = RecordMachine.deadlineOf(o, options.claimLease());
        if (decision == RecordMachine.Repair.CONFIRM) {
            HistoryEntry entry = new HistoryEntry(o.key(), o.routeName(), claimVersion, o.updatedAt(), o.updatedBy(), from, claimed,
                    o.reason(), forced, HistoryEntry.Outcome.APPLIED, null, options.caller());
            OwnershipStore.Unannounced event = Announcer.entry(o.key(), action, claimVersion, forced, options.caller(), now, candidates,
                    now, options.claimBudget());
            ownership.settle(new OwnershipStore.Settlement(o.key(), claimVersion, Ownership.ClaimStatus.APPLIED, holds, now,
                    options.caller(), now, UUID.randomUUID().toString(), entry, event));
            announcements.add(event);
            String msg = "repaired: " + o.updatedBy() + " claimed version " + claimVersion + " and changed EC2 ("
                    + (claimed == null ? "withdrawn" : "now " + claimed) + ") but never recorded it before its deadline " + deadline
                    + "; confirmed, history written and announced by " + options.caller();
            note(PlanNote.Level.WARN, o, msg);
            log(o, "repaired", claimVersion, msg);
            return Optional.of(new ActionOutcome(o.key(), action, Status.REPAIRED, claimVersion, msg));
        }
        boolean outside = !(from == null ? holds == null : from.sameHopAs(holds));
        String error = o.updatedBy() + " claimed version " + claimVersion + " to set " + (claimed == null ? "no route" : claimed)
                + " and vanished before its deadline " + deadline + "; EC2 holds " + (holds == null ? "no route" : holds)
                + (outside ? " (neither the claimed nor the previous hop " + (from == null ? "(none)" : from)
                        + ": the route was changed outside vpc-route-failover)" : ", unchanged");
        HistoryEntry entry = new HistoryEntry(o.key(), o.routeName(), claimVersion, o.updatedAt(), o.updatedBy(), from, claimed,
                o.reason(), forced, HistoryEntry.Outcome.ABANDONED, error, options.caller());
        ownership.settle(new OwnershipStore.Settlement(o.key(), claimVersion, Ownership.ClaimStatus.SUPERSEDED, holds, now,
                options.caller(), now, UUID.randomUUID().toString(), entry));
        note(outside ? PlanNote.Level.WARN : PlanNote.Level.INFO, o, "released abandoned claim: " + error);
        log(o, "abandoned-released", claimVersion, error);
        return Optional.of(new ActionOutcome(o.key(), action, Status.RELEASED, claimVersion, error));
    }

    private RouteAction action(Ownership o, RouteTarget from, RouteTarget to, long version, boolean forced) {
        if (to == null) {
            return new RouteAction.Delete(o.key(), o.routeName(), from, o.reason(), version - 1);
        }
        Candidate c = candidates.stream().filter(x -> x.target().sameHopAs(to)).findFirst()
                .orElseGet(() -> new Candidate(to.key(), to, null, List.of(), false));
        return from == null ? new RouteAction.Create(o.key(), o.routeName(), c, o.reason(), version - 1, forced)
                : new RouteAction.Replace(o.key(), o.routeName(), from, c, o.reason(), version - 1, forced);
    }

    private void note(PlanNote.Level level, Ownership o, String message) {
        notes.add(new PlanNote(level, o.routeName(), o.key(), message));
    }

    private void log(Ownership o, String event, long version, String detail) {
        LOG.atWarn().addKeyValue("event", "route-" + event).addKeyValue("route", o.routeName()).addKeyValue("key", o.key().id())
                .addKeyValue("version", version).addKeyValue("caller", options.caller()).addKeyValue("claimedBy", o.updatedBy())
                .log(detail);
    }
}
