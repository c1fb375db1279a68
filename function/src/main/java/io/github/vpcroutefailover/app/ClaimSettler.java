package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ClaimStep.Done;
import io.github.vpcroutefailover.app.ClaimStep.Released;
import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RouteChangeException;
import java.time.Clock;
import io.github.vpcroutefailover.domain.model.Candidate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Reconcile phase 4, settle: records what a claimed change came to, APPLIED with its history or, when the change did
 * not reach EC2, FAILED at once (released), in one conditional transaction on the claim.
 */
final class ClaimSettler {
    /**
     * Recording an applied change: our attempts (each with the SDK's retries) while DynamoDB throttles or fails, as
     * long as the invocation's deadline leaves time for one more.
     */
    static final int SETTLE_ATTEMPTS = 4;
    private static final Duration SETTLE_NEEDS = Duration.ofSeconds(1);

    /** What the claimed EC2 change came to, before it is recorded. */
    record Change(long version, boolean forced, boolean reached, RouteTarget holds, String detail, RuntimeException cause) {
    }

    private final OwnershipStore ownership;
    private final Clock clock;
    private final ReconcileOptions options;
    private final Instant now;
    private final ActionLog log;
    private final List<Candidate> candidates;
    private final List<OwnershipStore.Unannounced> announcements;

    ClaimSettler(OwnershipStore ownership, Clock clock, ReconcileOptions options, Instant now, ActionLog log, List<Candidate> candidates,
                 List<OwnershipStore.Unannounced> announcements) {
        this.ownership = ownership;
        this.clock = clock;
        this.options = options;
        this.now = now;
        this.log = log;
        this.candidates = candidates;
        this.announcements = announcements;
    }

    ClaimStep settle(RouteAction action, Change c) {
        if (!c.reached()) {
            return release(action, c.version(), c.forced(), c.holds(), c.cause());
        }
        long version = c.version();
        CrashPoints.reached("before-settle");
        HistoryEntry entry = history(action, version, c.forced(), HistoryEntry.Outcome.APPLIED, null, null);
        // Its event goes into the outbox in the same transaction: recorded APPLIED means announced or still to be.
        OwnershipStore.Unannounced event = Announcer.entry(action.key(), action, version, c.forced(), options.caller(), now, candidates,
                clock.instant(), options.claimBudget());
        // One id for every attempt: an attempt whose response was lost is recognised as ours by the next one.
        String settleId = UUID.randomUUID().toString();
        RuntimeException last = null;
        for (int tries = 1; ; tries++) {
            try {
                ownership.settleWithoutReadBack(new OwnershipStore.Settlement(action.key(), version, Ownership.ClaimStatus.APPLIED, c.holds(),
                        clock.instant(), options.caller(), null, settleId, entry, event));
                announcements.add(event);
                CrashPoints.reached("after-settle");
                log(action, "applied", version, c.detail());
                return new Done(new ActionOutcome(action.key(), action, Status.APPLIED, version, c.detail()));
            } catch (ClaimLostException e) {
                Ownership rec = e.current();
                if (rec != null && rec.status() == Ownership.ClaimStatus.APPLIED && rec.claim() != null && rec.claim().version() == version) {
                    String msg = "applied; " + rec.claim().settledBy() + " had already confirmed and announced it (our deadline had passed)";
                    log(action, "applied-confirmed-by-other", version, msg);
                    return new Done(new ActionOutcome(action.key(), action, Status.SUPERSEDED, version, msg));
                }
                String msg = "applied in EC2, but the claim was settled by someone else as " + (rec == null ? "unknown" : rec.status())
                        + " meanwhile: " + e.getMessage() + "; the next reconcile re-plans on what EC2 holds";
                note(PlanNote.Level.ERROR, action, msg);
                log(action, "unrecorded", version, msg);
                return new Done(new ActionOutcome(action.key(), action, Status.UNRECORDED, version, msg));
            } catch (RuntimeException e) {
                last = e;
                log(action, "settle-failed", version, "recording the applied change failed (attempt " + tries + "): " + e.getMessage());
                if (tries >= SETTLE_ATTEMPTS || !Retry.pause(tries, SETTLE_NEEDS)) {
                    break;
                }
            }
        }
        String msg = "applied in EC2 (" + c.detail() + "), but recording it failed: " + last.getMessage()
                + "; the claim stays PENDING until its deadline, then the next reconcile confirms it, writes its history and announces it";
        note(PlanNote.Level.ERROR, action, msg);
        return new Done(new ActionOutcome(action.key(), action, Status.UNRECORDED, version, msg));
    }

    /** RELEASE: the change is not in EC2; settle the claim FAILED with its history at once, so nobody waits for it. */
    ClaimStep release(RouteAction action, long version, boolean forced, RouteTarget holds, RuntimeException cause) {
        String error = cause.getMessage();
        note(PlanNote.Level.ERROR, action, "failed: " + error);
        log(action, "failed", version, error);
        HistoryEntry entry = history(action, version, forced, HistoryEntry.Outcome.FAILED, error, null);
        try {
            ownership.settleWithoutReadBack(new OwnershipStore.Settlement(action.key(), version, Ownership.ClaimStatus.FAILED, holds,
                    clock.instant(), options.caller(), null, UUID.randomUUID().toString(), entry));
        } catch (ClaimLostException e) {
            return new Done(new ActionOutcome(action.key(), action, Status.FAILED, version, error + "; the claim was settled by "
                    + (e.current() == null ? "someone else" : e.current().updatedBy()) + " meanwhile"));
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
            String msg = error + "; releasing the claim failed too (" + e.getMessage() + "): it stays PENDING until its "
                    + "deadline, then the next reconcile settles it";
            note(PlanNote.Level.ERROR, action, msg);
            return new Done(new ActionOutcome(action.key(), action, Status.FAILED, version, msg));
        }
        log(action, "released", version, "claim released: the change did not reach EC2");
        return new Released(new ActionOutcome(action.key(), action, Status.FAILED, version, error), transientFault(cause));
    }

    private HistoryEntry history(RouteAction action, long version, boolean forced, HistoryEntry.Outcome outcome, String error,
                                 String recordedBy) {
        return new HistoryEntry(action.key(), action.routeName(), version, now, options.caller(), action.from(),
                action.to() == null ? null : action.to().target(), action.reason(), forced, outcome, error, recordedBy);
    }

    /**
     * Throttling, 5xx and transport errors: the same call may well succeed a moment later, so a released claim is
     * retried in the same invocation. Refusals (permissions, bad parameters, missing resources) are not.
     */
    static boolean transientFault(RuntimeException e) {
        if (e instanceof RouteChangeException rce) {
            String code = rce.errorCode();
            return code == null || code.equals("RequestLimitExceeded") || code.equals("Throttling") || code.equals("InternalError")
                    || code.equals("InternalFailure") || code.equals("ServiceUnavailable") || code.equals("Unavailable");
        }
        return true;
    }

    private void note(PlanNote.Level level, RouteAction action, String message) {
        log.note(level, action, message);
    }

    private void log(RouteAction action, String event, long version, String detail) {
        log.log(action, event, version, detail);
    }
}
