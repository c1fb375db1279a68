package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ManualActions.InvalidRequestException;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.plan.RouteStatus.CandidateHealth;
import io.github.vpcroutefailover.ports.HistoryEntry;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** What the manual actions share: request checks naming the field, and the JSON views of routes, pins and history. */
final class ManualViews {
    private ManualViews() {
    }

    static Set<String> registeredNames(Controller controller) {
        Set<String> out = new LinkedHashSet<>();
        controller.registry().all().forEach(r -> out.add(r.name()));
        return out;
    }

    static void requireRoute(FailoverConfig config, String route, String field) {
        if (route != null && config.route(route).isEmpty()) {
            throw new InvalidRequestException(field, "no route named '" + route + "'; routes: " + config.routes().stream().map(RouteSpec::name).toList());
        }
    }

    static void requireTarget(FailoverConfig config, String target, String field) {
        if (!config.targets().containsKey(target)) {
            throw new InvalidRequestException(field, "no target named '" + target + "'; targets: " + config.targets().keySet());
        }
    }

    public static Map<String, Object> summary(ReconcileResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("converged", r.converged());
        m.put("dryRun", r.dryRun());
        m.put("changes", r.actions().stream().map(a -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("route", a.action().routeName());
            x.put("routeTableId", a.key().routeTableId());
            x.put("destination", a.key().destination().toString());
            x.put("status", a.status().name());
            x.put("to", a.action().to() == null ? null : a.action().to().targetName());
            x.put("version", a.version());
            x.put("reason", a.action().reason());
            return x;
        }).toList());
        m.put("notes", r.notes().stream().map(n -> n.level() + " " + n.message()).toList());
        return m;
    }

    static Map<String, Object> hop(io.github.vpcroutefailover.domain.model.RouteTarget t, List<CandidateHealth> candidates) {
        if (t == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", candidates.stream().filter(c -> c.candidate().target().sameHopAs(t)).map(c -> c.candidate().targetName()).findFirst().orElse(null));
        m.put("kind", t.kind().name());
        m.put("id", t.id());
        m.put("instanceId", t.instanceId());
        return m;
    }

    static Map<String, Object> candidate(CandidateHealth c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", c.candidate().targetName());
        m.put("hop", c.candidate().target().toString());
        m.put("zone", c.candidate().zone());
        m.put("fallback", c.candidate().fallback());
        m.put("health", c.health().name());
        m.put("drained", c.drained());
        m.put("detail", c.detail());
        return m;
    }

    static Map<String, Object> pinView(Ownership.Pin p, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetKey", p.targetKey());
        m.put("until", p.expiresAt().toString());
        m.put("active", p.activeAt(now));
        m.put("force", p.force());
        m.put("by", p.by());
        m.put("reason", p.reason());
        return m;
    }

    static Map<String, Object> historyView(HistoryEntry h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", h.at().toString());
        m.put("by", h.by());
        m.put("from", h.from() == null ? null : h.from().toString());
        m.put("to", h.to() == null ? null : h.to().toString());
        m.put("reason", h.reason());
        m.put("forced", h.forced());
        m.put("outcome", h.outcome().name());
        m.put("version", h.version());
        return m;
    }
}
