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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles claims whose writer is provably gone (PENDING past its deadline): the repair half of the protocol. The
 * decision is made from what the route table holds, read after the record: EC2 holding the claimed hop means the
 * change happened (REPAIR_CONFIRM: APPLIED, an APPLIED history entry recorded by us on the claimer's behalf, and a
 * Route Failover event); anything else means it did not (REPAIR_SUPERSEDE: SUPERSEDED with an ABANDONED entry).
 */
final class Repairer {
    private static final Logger LOG = LoggerFactory.getLogger(Repairer.class);

    private final OwnershipStore ownership;
    private final ReconcileOptions options;
    private final Instant now;
    private final List<Candidate> candidates;
    private final List<PlanNote> notes;

    Repairer(OwnershipStore ownership, ReconcileOptions options, Instant now, List<Candidate> candidates, List<PlanNote> notes) {
        this.ownership = ownership;
        this.options = options;
        this.now = now;
        this.candidates = candidates;
        this.notes = notes;
    }

    /** Repairs every abandoned record in {@code owners}, replacing each with its settled version. */
    List<ActionOutcome> repair(Reconciler.World world, Map<RouteKey, Ownership> owners) {
        List<ActionOutcome> out = new ArrayList<>();
        for (Ownership o : List.copyOf(owners.values())) {
            if (RecordMachine.stateOf(o, now, options.claimLease()) != RecordMachine.State.ABANDONED) {
                continue;
            }
            Optional<ObservedRouteTable> table = world.tables().stream().filter(t -> t.id().equals(o.key().routeTableId())).findFirst();
            if (table.isEmpty()) {
                note(PlanNote.Level.WARN, o, "abandoned claim of " + o.updatedBy() + " on " + o.key().id() + " (version " + o.version()
                        + ") is for a route table not in this VPC's observation; left as it is");
                continue;
            }
            RouteTarget holds = table.get().route(o.key().destination()).map(ObservedRoute::target).orElse(null);
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
            ownership.settle(new OwnershipStore.Settlement(o.key(), claimVersion, Ownership.ClaimStatus.APPLIED, holds, now,
                    options.caller(), now, UUID.randomUUID().toString(), entry));
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
