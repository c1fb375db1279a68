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
import java.time.Instant;
import java.util.UUID;

/**
 * Reconcile phase 4, settle: records what a claimed change came to, APPLIED with its history or, when the change did
 * not reach EC2, FAILED at once (released), in one conditional transaction on the claim.
 */
final class ClaimSettler {
    /** Recording an applied change: the SDK retries each attempt; a second attempt covers a transient burst. */
    private static final int SETTLE_ATTEMPTS = 2;

    /** What the claimed EC2 change came to, before it is recorded. */
    record Change(long version, boolean forced, boolean reached, RouteTarget holds, String detail, RuntimeException cause) {
    }

    private final OwnershipStore ownership;
    private final Clock clock;
    private final ReconcileOptions options;
    private final Instant now;
    private final ActionLog log;

    ClaimSettler(OwnershipStore ownership, Clock clock, ReconcileOptions options, Instant now, ActionLog log) {
        this.ownership = ownership;
        this.clock = clock;
        this.options = options;
        this.now = now;
        this.log = log;
    }

    ClaimStep settle(RouteAction action, Change c) {
        if (!c.reached()) {
            return release(action, c.version(), c.forced(), c.holds(), c.cause());
        }
        long version = c.version();
        CrashPoints.reached("before-settle");
        HistoryEntry entry = history(action, version, c.forced(), HistoryEntry.Outcome.APPLIED, null, null);
        RuntimeException last = null;
        for (int tries = 1; tries <= SETTLE_ATTEMPTS; tries++) {
            try {
                ownership.settle(new OwnershipStore.Settlement(action.key(), version, Ownership.ClaimStatus.APPLIED, c.holds(),
                        clock.instant(), options.caller(), null, UUID.randomUUID().toString(), entry));
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
            ownership.settle(new OwnershipStore.Settlement(action.key(), version, Ownership.ClaimStatus.FAILED, holds,
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
