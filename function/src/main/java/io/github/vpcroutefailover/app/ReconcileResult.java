package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.OwnershipStore;
import java.time.Instant;
import java.util.List;

/**
 * What one reconcile did.
 *
 * @param plan        the plan made on the first observation (re-plans after lost claims are per route, in {@code actions})
 * @param actions     one outcome per planned route action
 * @param notes       the planner's notes plus the reconciler's own (refusals, failures, races)
 * @param lostRaces   claims lost to another writer (each followed by a re-read and re-plan of that route)
 * @param statesSaved target states written (only when something the planner reads had changed)
 * @param converged   nothing needed changing: the plan was empty, so no mutating API call was made
 * @param announcements the outbox entries of the changes this reconcile recorded (APPLIED, REPAIRED), for
 *                      {@link Announcer} to publish
 * @param overdue     outbox entries of earlier changes found past their due time: announced by nobody yet, so
 *                    {@link Announcer} re-sends them (a converged reconcile may have some)
 */
public record ReconcileResult(Instant at, String caller, boolean dryRun, Plan plan, List<ActionOutcome> actions,
                              List<PlanNote> notes, int lostRaces, int statesSaved, boolean converged,
                              List<OwnershipStore.Unannounced> announcements, List<OwnershipStore.Unannounced> overdue) {
    public ReconcileResult {
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        announcements = List.copyOf(announcements);
        overdue = List.copyOf(overdue);
    }

    /** A result that recorded no events and found none overdue. */
    public ReconcileResult(Instant at, String caller, boolean dryRun, Plan plan, List<ActionOutcome> actions,
                           List<PlanNote> notes, int lostRaces, int statesSaved, boolean converged) {
        this(at, caller, dryRun, plan, actions, notes, lostRaces, statesSaved, converged, List.of(), List.of());
    }

    public List<ActionOutcome> applied() {
        return actions.stream().filter(a -> a.status() == Status.APPLIED).toList();
    }

    /**
     * Changes that reached EC2 and were recorded by this reconcile: its own (APPLIED) and abandoned claims it found
     * in EC2 and confirmed (REPAIRED). Exactly these are announced as Route Failover events.
     */
    public List<ActionOutcome> announced() {
        return actions.stream().filter(a -> a.status() == Status.APPLIED || a.status() == Status.REPAIRED).toList();
    }

    /** Outcomes an operator should look at: FAILED, UNRECORDED (in EC2, not yet recorded) and UNKNOWN. */
    public List<ActionOutcome> errors() {
        return actions.stream().filter(a -> a.status() == Status.FAILED || a.status() == Status.UNRECORDED
                || a.status() == Status.UNKNOWN).toList();
    }

    public List<ActionOutcome> failed() {
        return actions.stream().filter(a -> a.status() == Status.FAILED).toList();
    }

    public List<ActionOutcome> withStatus(Status status) {
        return actions.stream().filter(a -> a.status() == status).toList();
    }

    public enum Status {
        /** Claimed, changed in EC2, marked applied. */
        APPLIED,
        /** Dry run: would have been applied (validated with EC2 DryRun when asked). */
        DRY_RUN,
        /** Refused before any write: e.g. source/dest check still on for a {@code verify} target. */
        REFUSED,
        /** Another writer changed the route meanwhile, and re-planning on its result wanted nothing more. */
        SUPERSEDED,
        /** Lost the claim every time we tried (bounded); the next reconcile picks it up. */
        LOST,
        /**
         * Claimed, but the change did not reach EC2 (observed by re-reading the table): the claim was released at once
         * (FAILED record and history) so the next reconcile, or a bounded retry in this one, can act.
         */
        FAILED,
        /**
         * The change reached EC2 but could not be recorded (DynamoDB failing): the claim stays PENDING until its
         * deadline, after which the next reconcile confirms it, writes its history and announces it.
         */
        UNRECORDED,
        /**
         * The outcome is unknown (EC2 failed ambiguously and the table could not be re-read): the claim stays PENDING
         * until its deadline; the next reconcile after it observes EC2 and settles the claim either way.
         */
        UNKNOWN,
        /** Not enough time left in the invocation to claim and apply safely; nothing was written. */
        DEFERRED,
        /** An abandoned claim (its writer's deadline passed) whose change is in EC2: confirmed, recorded, announced. */
        REPAIRED,
        /** An abandoned claim whose change is not in EC2: released (SUPERSEDED, ABANDONED history). */
        RELEASED
    }

    /**
     * @param action  the action finally attempted (after any re-plan)
     * @param version the ownership version written, or the one planned on when nothing was written
     */
    public record ActionOutcome(RouteKey key, RouteAction action, Status status, long version, String detail) {
    }
}
