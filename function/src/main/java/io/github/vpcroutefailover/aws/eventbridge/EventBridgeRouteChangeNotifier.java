package io.github.vpcroutefailover.aws.eventbridge;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.json.JsonTrees;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Publishes one {@code Route Failover} event per changed route (schema: docs/events.md), in batches of 10 (the
 * PutEvents limit). A failed publish is logged and reported per entry, never thrown: the route change already
 * happened and is in the audit history, and its event stays in the outbox (docs/ownership-table.md "Announce")
 * until a publish is confirmed; failing the invocation would only make EventBridge retry a reconcile.
 */
public final class EventBridgeRouteChangeNotifier implements RouteChangeNotifier {
    public static final String SOURCE = "vpc-route-failover";
    public static final String DETAIL_TYPE = "Route Failover";
    private static final Logger LOG = LoggerFactory.getLogger(EventBridgeRouteChangeNotifier.class);
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
        publish(changes);
    }

    /**
     * One PutEvents per 10 changes; an entry counts as published only when the response lists an event id for it.
     * A batch whose call failed (throttled past the SDK's retries, 5xx, reset, lost response) counts as not
     * published, although EventBridge may have taken it: the outbox re-sends it with the same idempotency key.
     */
    @Override
    public List<Boolean> publish(List<RouteChange> changes) {
        List<PutEventsRequestEntry> entries = new ArrayList<>();
        for (RouteChange c : changes) {
            entries.add(PutEventsRequestEntry.builder().source(SOURCE).detailType(DETAIL_TYPE).eventBusName(bus)
                    .time(c.at()).detail(JsonTrees.toText(detail(c))).build());
        }
        List<Boolean> out = new ArrayList<>(Collections.nCopies(entries.size(), Boolean.FALSE));
        for (int from = 0; from < entries.size(); from += BATCH) {
            List<PutEventsRequestEntry> batch = entries.subList(from, Math.min(entries.size(), from + BATCH));
            try {
                PutEventsResponse r = events.putEvents(p -> p.entries(batch));
                List<PutEventsResultEntry> results = r.hasEntries() ? r.entries() : List.of();
                for (int i = 0; i < batch.size() && i < results.size(); i++) {
                    PutEventsResultEntry e = results.get(i);
                    out.set(from + i, e.eventId() != null && e.errorCode() == null);
                }
                if (r.failedEntryCount() != null && r.failedEntryCount() > 0) {
                    LOG.atError().addKeyValue("event", "notify-failed").addKeyValue("failed", r.failedEntryCount())
                            .log("some Route Failover events were not accepted (the outbox re-sends them): " + r.entries());
                }
            } catch (RuntimeException e) {
                LOG.atError().addKeyValue("event", "notify-failed").setCause(e)
                        .log("could not publish Route Failover events (the outbox re-sends them): " + e.getMessage());
            }
        }
        return out;
    }

    public static ObjectNode detail(RouteChange c) {
        ObjectNode d = JsonTrees.object();
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
        d.put("idempotencyKey", c.idempotencyKey());
        if (c.alert() != null) {
            d.put("alert", c.alert());
        }
        return d;
    }

    private static ObjectNode hop(RouteTarget t, String name) {
        if (t == null) {
            return null;
        }
        ObjectNode n = JsonTrees.object();
        n.put("target", name);
        n.put("kind", t.kind().name());
        n.put("id", t.id());
        n.put("instanceId", t.instanceId());
        return n;
    }
}
