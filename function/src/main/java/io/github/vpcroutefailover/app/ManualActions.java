package io.github.vpcroutefailover.app;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Operator actions (manual invoke). Each validates everything before its first write, so a bad request changes
 * nothing; each write is recorded with the caller, and every route change goes through the reconciler (claims,
 * history, notifications) rather than around it.
 */
public final class ManualActions {
    /** How long a manual failover holds against automatic decisions (docs/handlers.md "failover is a short pin"). */
    public static final Duration FAILOVER_PIN = Duration.ofMinutes(15);

    private final ManualReads reads;
    private final ManualChanges changes;
    private final ManualRegistration registration;
    private final ManualDrill drill;

    public ManualActions(Controller controller) {
        Objects.requireNonNull(controller, "controller");
        this.reads = new ManualReads(controller);
        this.changes = new ManualChanges(controller);
        this.registration = new ManualRegistration(controller);
        this.drill = new ManualDrill(controller, io.github.vpcroutefailover.probe.Sleeper.SYSTEM);
    }

    /** A request the caller got wrong: names the field, changes nothing. */
    public static final class InvalidRequestException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final String field;

        public InvalidRequestException(String field, String message) {
            super(field + ": " + message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    // ---- read only: ManualReads -----------------------------------------------------------------------------------

    public Map<String, Object> status(String routeFilter, String caller) {
        return reads.status(routeFilter, caller);
    }

    public Map<String, Object> plan(String routeFilter, String caller) {
        return reads.plan(routeFilter, caller);
    }

    /** The audit trail newest first, at most {@code limit} entries at or after {@code since}; reads DynamoDB only. */
    public Map<String, Object> history(String routeFilter, Instant since, int limit) {
        return reads.history(routeFilter, since, limit);
    }

    // ---- changes: ManualChanges -----------------------------------------------------------------------------------

    /** Moves one route (or every route on {@code fromTarget}) by a short pin ({@link #FAILOVER_PIN}), then reconciles. */
    public Map<String, Object> failover(String route, List<String> routeTableIds, String fromTarget, String to, boolean force,
                                        String reason, boolean dryRun, String caller) {
        return changes.failover(route, routeTableIds, fromTarget, to, force, reason, dryRun, caller);
    }

    public Map<String, Object> pin(String route, List<String> routeTableIds, String target, Instant expiresAt, boolean force,
                                   String reason, String caller) {
        return changes.pin(route, routeTableIds, target, expiresAt, force, reason, caller);
    }

    public Map<String, Object> unpin(String route, List<String> routeTableIds, String caller) {
        return changes.unpin(route, routeTableIds, caller);
    }

    public Map<String, Object> drain(String target, String reason, boolean dryRun, String caller) {
        return changes.drain(target, reason, dryRun, caller);
    }

    public Map<String, Object> undrain(String target, String caller) {
        return changes.undrain(target, caller);
    }

    /**
     * Failover drill: to the standby, data path verified by the probe within {@code window}, back; the report is the
     * answer, the move-back's history entry and event, and a metric (docs/handlers.md "drill").
     */
    public Map<String, Object> drill(String route, Duration window, boolean dryRun, String caller) {
        return drill.drill(route, window, dryRun, caller);
    }

    // ---- registration: ManualRegistration -------------------------------------------------------------------------

    public Map<String, Object> register(JsonNode spec, String caller) {
        return registration.register(spec, caller);
    }

    /** Stops managing the route; its entries stay in the tables as they are (the controller lets go, it does not delete). */
    public Map<String, Object> deregister(String name, String caller) {
        return registration.deregister(name, caller);
    }

    public static Map<String, Object> summary(ReconcileResult r) {
        return ManualViews.summary(r);
    }
}
