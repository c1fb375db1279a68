package io.github.vpcroutefailover.app;

import static io.github.vpcroutefailover.app.ManualViews.*;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.HistoryEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Read-only operator actions: status, plan and history. They write nothing (a dry-run reconcile at most). */
final class ManualReads {
    private final Controller controller;

    ManualReads(Controller controller) {
        this.controller = controller;
    }

    Map<String, Object> status(String routeFilter, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireRoute(config, routeFilter, "route");
        ReconcileResult r = controller.run(config, ReconcileOptions.dryRun(caller), List.of());
        Map<RouteKey, Ownership> owners = controller.ownership().loadAll();
        Set<String> registered = registeredNames(controller);
        List<Map<String, Object>> routes = new ArrayList<>();
        for (RouteStatus s : r.plan().routes()) {
            if (routeFilter != null && !routeFilter.equals(s.routeName())) {
                continue;
            }
            Ownership o = owners.get(s.key());
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", s.routeName());
            m.put("source", registered.contains(s.routeName()) ? "registered" : "config");
            m.put("routeTableId", s.key().routeTableId());
            m.put("destination", s.key().destination().toString());
            m.put("zone", s.zone());
            m.put("current", hop(s.current(), s.candidates()));
            m.put("blackhole", s.blackhole());
            m.put("desired", hop(s.desired(), s.candidates()));
            m.put("ownerVersion", s.ownerVersion());
            m.put("candidates", s.candidates().stream().map(ManualViews::candidate).toList());
            m.put("pin", o == null || o.pin() == null ? null : pinView(o.pin(), r.at()));
            List<HistoryEntry> last = controller.ownership().history(s.key(), 1);
            m.put("lastChange", last.isEmpty() ? null : historyView(last.get(0)));
            m.put("reason", s.reason());
            routes.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", r.at().toString());
        out.put("routes", routes);
        out.put("registered", controller.registry().all().stream().map(x -> Map.of("name", x.name(), "by", x.by(), "at", x.at().toString())).toList());
        return out;
    }

    Map<String, Object> plan(String routeFilter, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireRoute(config, routeFilter, "route");
        ReconcileResult r = controller.run(config, ReconcileOptions.dryRun(caller), List.of());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", r.at().toString());
        out.put("converged", r.plan().actions().stream().noneMatch(a -> routeFilter == null || routeFilter.equals(a.routeName())));
        out.put("actions", r.plan().actions().stream().filter(a -> routeFilter == null || routeFilter.equals(a.routeName()))
                .map(a -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("route", a.routeName());
                    m.put("routeTableId", a.key().routeTableId());
                    m.put("destination", a.key().destination().toString());
                    m.put("action", a.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT));
                    m.put("from", a.from() == null ? null : a.from().toString());
                    m.put("to", a.to() == null ? null : a.to().targetName());
                    m.put("toHop", a.to() == null ? null : a.to().target().toString());
                    m.put("reason", a.reason());
                    return m;
                }).toList());
        out.put("notes", r.notes().stream().map(n -> n.level() + " " + (n.routeName() == null ? "" : n.routeName() + ": ") + n.message()).toList());
        return out;
    }

    /**
     * The audit trail newest first: every history entry at or after {@code since} of every managed route (or one),
     * at most {@code limit}. Reads DynamoDB only (the ownership records, then one query per route and table).
     * Routes that were deregistered or removed from the config keep their records, so their history shows too.
     */
    Map<String, Object> history(String routeFilter, Instant since, int limit) {
        Map<RouteKey, Ownership> owners = controller.ownership().loadAll();
        List<RouteKey> keys = owners.values().stream().filter(o -> routeFilter == null || routeFilter.equals(o.routeName()))
                .map(Ownership::key).sorted(java.util.Comparator.comparing(RouteKey::id)).toList();
        if (routeFilter != null && keys.isEmpty()) {
            requireRoute(controller.effectiveConfig(), routeFilter, "route");
        }
        List<HistoryEntry> entries = new ArrayList<>();
        for (RouteKey k : keys) {
            entries.addAll(controller.ownership().history(k, since, limit));
        }
        entries.sort(java.util.Comparator.comparing(HistoryEntry::at).thenComparing(HistoryEntry::version).reversed());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("since", since.toString());
        out.put("truncated", entries.size() > limit);
        out.put("entries", entries.stream().limit(limit).map(h -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", h.routeName());
            m.put("routeTableId", h.key().routeTableId());
            m.put("destination", h.key().destination().toString());
            m.putAll(historyView(h));
            m.put("error", h.error());
            return m;
        }).toList());
        return out;
    }
}
