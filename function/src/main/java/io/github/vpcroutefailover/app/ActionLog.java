package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The notes and structured log lines of one reconcile's route actions (logged under the Reconciler's name). */
final class ActionLog {
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final List<PlanNote> notes;
    private final ReconcileOptions options;

    ActionLog(List<PlanNote> notes, ReconcileOptions options) {
        this.notes = notes;
        this.options = options;
    }

    void note(PlanNote.Level level, RouteAction action, String message) {
        notes.add(new PlanNote(level, action.routeName(), action.key(), message));
    }

    void log(RouteAction action, String event, long version, String detail) {
        log(action, event, version, detail, options);
    }

    static void log(RouteAction action, String event, long version, String detail, ReconcileOptions options) {
        var b = switch (event) {
            case "failed", "refused", "dry-run-failed", "claim-failed", "claim-unknown", "outcome-unknown", "unrecorded" -> LOG.atError();
            case "claim-lost", "deferred", "settle-failed", "applied-despite-error" -> LOG.atWarn();
            default -> LOG.atInfo();
        };
        b.addKeyValue("event", "route-" + event)
                .addKeyValue("route", action.routeName())
                .addKeyValue("key", action.key().id())
                .addKeyValue("action", action.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT))
                .addKeyValue("from", action.from() == null ? null : action.from().toString())
                .addKeyValue("to", action.to() == null ? null : action.to().target().toString())
                .addKeyValue("reason", action.reason())
                .addKeyValue("version", version)
                .addKeyValue("caller", options.caller())
                .addKeyValue("dryRun", options.dryRun())
                .log(detail);
    }
}
