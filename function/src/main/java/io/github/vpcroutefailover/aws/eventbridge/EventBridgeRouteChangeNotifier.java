package io.github.vpcroutefailover.aws.eventbridge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/**
 * Publishes one {@code Route Failover} event per changed route (schema: docs/events.md), in batches of 10 (the
 * PutEvents limit). A failed publish is logged, never thrown: the route change already happened and is in the
 * audit history; failing the invocation would only make EventBridge retry a reconcile that has nothing left to do.
 */
public final class EventBridgeRouteChangeNotifier implements RouteChangeNotifier {
    public static final String SOURCE = "vpc-route-failover";
    public static final String DETAIL_TYPE = "Route Failover";
    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeRouteChangeNotifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int BATCH = 10;

    private final EventBridgeClient events;
    private final String bus;

    /** @param bus event bus name or ARN; null or blank: the default bus */
    public EventBridgeRouteChangeNotifier(EventBridgeClient events, String bus) {
        this.events = Objects.requireNonNull(events, "events");
        this.bus = bus == null || bus.isBlank() ? null : bus;
    }

    @Override
    public void routesChanged(List<RouteChange> changes) {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (RouteChange c : changes) {
            entries.add(PutEventsRequestEntry.builder().source(SOURCE).detailType(DETAIL_TYPE).eventBusName(bus)
                    .time(c.at()).detail(detail(c).toString()).build());
        }
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<PutEventsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + BATCH));
            try {
                PutEventsResponse r = events.putEvents(p -> p.entries(batch));
                if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
                    LOG.atError().addKeyValue("event", "notify-failed").addKeyValue("failed", r.failedEntryCount())
                            .log("some Route Failover events were not accepted: " + r.entries());
                }
            } catch (RuntimeException e) {
                LOG.atError().addKeyValue("event", "notify-failed").setCause(e).log("could not publish Route Failover events");
            }
        }
    }

    public static ObjectNode detail(RouteChange c) {
        ObjectNode d = JSON.createObjectNode();
        d.put("routeTableId", c.routeTableId());
        d.put("destination", c.destination());
        d.put("routeName", c.routeName());
        d.set("from", hop(c.from(), c.fromTarget()));
        d.set("to", hop(c.to(), c.toTarget()));
        d.put("reason", c.reason());
        d.put("version", c.version());
        d.put("forced", c.forced());
        d.put("dryRun", c.dryRun());
        d.put("invocationId", c.invocationId());
        d.put("at", c.at().truncatedTo(ChronoUnit.MILLIS).toString());
        return d;
    }

    private static ObjectNode hop(RouteTarget t, String name) {
        if (t == null) {
            return null;
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("target", name);
        n.put("kind", t.kind().name());
        n.put("id", t.id());
        n.put("instanceId", t.instanceId());
        return n;
    }
}
