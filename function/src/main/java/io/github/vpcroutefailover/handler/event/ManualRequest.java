package io.github.vpcroutefailover.handler.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;

/** A direct {@code lambda:InvokeFunction} request: JSON in, JSON out. Shapes: README "Manual invoke". */
public sealed interface ManualRequest {
    String action();

    /** Self-declared requester: recorded as an annotation next to the invoke identity, never used as authority. */
    String requestedBy();

    /** Every managed route: table, destination, current target, owner version, candidate health, last change. */
    record Status(String route, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "status";
        }
    }

    /** What a reconcile would do now; changes nothing. */
    record Plan(String route, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "plan";
        }
    }

    /**
     * The audit trail, newest first: route changes at or after {@code since}, at most {@code limit}.
     *
     * @param route null for every route
     */
    record History(String route, Instant since, int limit, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "history";
        }
    }

    /**
     * Move one route ({@code route}, optionally only in {@code routeTableIds}) or every route of {@code fromTarget} to
     * {@code to} (a target name) or to the next best candidate. {@code force} overrides health and is recorded.
     */
    record Failover(String route, java.util.List<String> routeTableIds, String fromTarget, String to, boolean force, String reason,
                    boolean dryRun, String requestedBy)
            implements ManualRequest {
        @Override
        public String action() {
            return "failover";
        }
    }

    /** Planned maintenance: move the target's routes away and keep them away until undrained. */
    record Drain(String target, String reason, boolean dryRun, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "drain";
        }
    }

    record Undrain(String target, String reason, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "undrain";
        }
    }

    /** Hold a route on one target until {@code expiresAt}; without {@code force} only while it is healthy. */
    record Pin(String route, java.util.List<String> routeTableIds, String target, Instant expiresAt, Duration requested, boolean force,
               String reason, String requestedBy)
            implements ManualRequest {
        @Override
        public String action() {
            return "pin";
        }
    }

    record Unpin(String route, java.util.List<String> routeTableIds, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "unpin";
        }
    }

    /** Add a route at runtime; {@code spec} is validated exactly like a route in the config file. */
    record Register(JsonNode spec, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "register";
        }
    }

    record Deregister(String route, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "deregister";
        }
    }

    /**
     * Failover drill: move the route to its standby, verify the data path through it within {@code window}, move it
     * back, report. {@code dryRun} says what it would do.
     */
    record Drill(String route, Duration window, boolean dryRun, String requestedBy) implements ManualRequest {
        @Override
        public String action() {
            return "drill";
        }
    }
}
