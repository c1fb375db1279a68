package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Instant;
import java.util.List;

/** Tells the outside world about route changes (the {@code Route Failover} event, docs/events.md). */
public interface RouteChangeNotifier {

    void routesChanged(List<RouteChange> changes);

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
                       String invocationId, Instant at) {
    }
}
