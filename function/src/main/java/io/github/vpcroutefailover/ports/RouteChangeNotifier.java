package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

/** Tells the outside world about route changes (the {@code Route Failover} event, docs/events.md). */
public interface RouteChangeNotifier {

    void routesChanged(List<RouteChange> changes);

    /**
     * Publishes and says, per change (same order), whether the bus confirmed it. {@code false} means "not known to be
     * published": refused, failed, or the response was lost (it may have been delivered; a re-send carries the same
     * {@link RouteChange#idempotencyKey()}). The default is for notifiers that cannot tell: everything counts as sent.
     */
    default List<Boolean> publish(List<RouteChange> changes) {
        routesChanged(changes);
        return Collections.nCopies(changes.size(), Boolean.TRUE);
    }

    static RouteChangeNotifier none() {
        return changes -> {
        };
    }

    /**
     * One applied change of one route in one table.
     *
     * @param from     the hop before (null: created), with {@code fromTarget} its config target name when known
     * @param to       the hop after (null: withdrawn)
     */
    record RouteChange(String routeTableId, String destination, String routeName, RouteTarget from, String fromTarget,
                       RouteTarget to, String toTarget, String reason, long version, boolean forced, boolean dryRun,
                       String invocationId, Instant at, String alert) {

        /** {@code detail.alert} of the event when a route enters correlated data-path failure (nothing moved). */
        public static final String CORRELATED_FAILURE = "data-path-correlated-failure";
        /** {@code detail.alert} of the event when it leaves that state. */
        public static final String CORRELATED_CLEARED = "data-path-correlated-cleared";

        /** A route change (no alert). */
        public RouteChange(String routeTableId, String destination, String routeName, RouteTarget from, String fromTarget,
                           RouteTarget to, String toTarget, String reason, long version, boolean forced, boolean dryRun,
                           String invocationId, Instant at) {
            this(routeTableId, destination, routeName, from, fromTarget, to, toTarget, reason, version, forced, dryRun, invocationId, at, null);
        }

        /**
         * The event's idempotency key, {@code <routeTableId>|<destination>|<version>}: one per change that reached EC2.
         * An alert's key is {@code <routeTableId>|<destination>|<alert>|<at epoch ms>}, one per episode and side.
         * Delivery is at least once (a re-send after a lost PutEvents response repeats it), so consumers that must
         * not act twice dedupe on it.
         */
        public String idempotencyKey() {
            if (alert != null) {
                // An alert changes no route (its version may repeat across episodes): keyed by what and when instead.
                return routeTableId + "|" + destination + "|" + alert + "|" + at.toEpochMilli();
            }
            return routeTableId + "|" + destination + "|" + version;
        }
    }
}
