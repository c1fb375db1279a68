package io.github.vpcroutefailover.app;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.config.ConfigProblem;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.RouteStatus.CandidateHealth;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.RouteRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Operator actions (manual invoke). Each validates everything before its first write, so a bad request changes
 * nothing; each write is recorded with the caller, and every route change goes through the reconciler (claims,
 * history, notifications) rather than around it.
 */
public final class ManualActions {
    /** How long a manual failover holds against automatic decisions (docs/handlers.md "failover is a short pin"). */
    public static final Duration FAILOVER_PIN = Duration.ofMinutes(15);
    private static final int SET_PIN_ATTEMPTS = 3;

    private final Controller controller;

    public ManualActions(Controller controller) {
        this.controller = Objects.requireNonNull(controller, "controller");
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

    // ---- read only ------------------------------------------------------------------------------------------------

    public Map<String, Object> status(String routeFilter, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireRoute(config, routeFilter, "route");
        ReconcileResult r = controller.run(config, ReconcileOptions.dryRun(caller), List.of());
        Map<RouteKey, Ownership> owners = controller.ownership().loadAll();
        Set<String> registered = registeredNames();
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
            m.put("candidates", s.candidates().stream().map(ManualActions::candidate).toList());
            m.put("pin", o == null || o.pin() == null ? null : pin(o.pin(), r.at()));
            List<HistoryEntry> last = controller.ownership().history(s.key(), 1);
            m.put("lastChange", last.isEmpty() ? null : history(last.get(0)));
            m.put("reason", s.reason());
            routes.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", r.at().toString());
        out.put("routes", routes);
        out.put("registered", controller.registry().all().stream().map(x -> Map.of("name", x.name(), "by", x.by(), "at", x.at().toString())).toList());
        return out;
    }

    public Map<String, Object> plan(String routeFilter, String caller) {
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

    // ---- failover / pin -------------------------------------------------------------------------------------------

    /**
     * Moves one route (optionally only some tables) or every route currently on {@code fromTarget}. Implemented as a
     * short pin ({@link #FAILOVER_PIN}) on each moved route, then a reconcile: the pin is what keeps the next
     * scheduled reconcile from moving the route straight back, and with {@code force} it is a forced pin, recorded
     * as forced in history and in the Route Failover event.
     */
    public Map<String, Object> failover(String route, List<String> routeTableIds, String fromTarget, String to, boolean force,
                                        String reason, boolean dryRun, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        if (route != null) {
            requireRoute(config, route, "route");
        }
        if (fromTarget != null) {
            requireTarget(config, fromTarget, "target");
        }
        if (to != null) {
            requireTarget(config, to, "to");
        }
        ReconcileResult view = controller.run(config, ReconcileOptions.dryRun(caller), List.of());
        List<RouteStatus> selected = new ArrayList<>();
        for (RouteStatus s : view.plan().routes()) {
            boolean match = route != null ? s.routeName().equals(route)
                    && (routeTableIds.isEmpty() || routeTableIds.contains(s.key().routeTableId()))
                    : s.current() != null && s.candidates().stream().anyMatch(c -> c.candidate().targetName().equals(fromTarget)
                    && c.candidate().target().sameHopAs(s.current()));
            if (match) {
                selected.add(s);
            }
        }
        if (route != null && !routeTableIds.isEmpty()) {
            Set<String> found = new LinkedHashSet<>();
            selected.forEach(s -> found.add(s.key().routeTableId()));
            for (String id : routeTableIds) {
                if (!found.contains(id)) {
                    throw new InvalidRequestException("routeTableIds", id + " is not a table route '" + route + "' manages; its tables: "
                            + view.plan().routes().stream().filter(s -> s.routeName().equals(route)).map(s -> s.key().routeTableId()).toList());
                }
            }
        }
        // Choose for every route first: nothing is written unless every route has somewhere to go.
        Map<RouteStatus, Candidate> choice = new LinkedHashMap<>();
        for (RouteStatus s : selected) {
            choice.put(s, choose(s, to, force));
        }
        String why = "manual failover" + (reason == null ? "" : ": " + reason);
        Instant now = controller.now();
        if (!dryRun) {
            for (Map.Entry<RouteStatus, Candidate> e : choice.entrySet()) {
                setPin(e.getKey().key(), e.getKey().routeName(),
                        new Ownership.Pin(e.getValue().key(), now.plus(FAILOVER_PIN), force, caller, why), caller, now);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("dryRun", dryRun);
        out.put("forced", force);
        out.put("moves", choice.entrySet().stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("route", e.getKey().routeName());
            m.put("routeTableId", e.getKey().key().routeTableId());
            m.put("from", hop(e.getKey().current(), e.getKey().candidates()));
            m.put("to", e.getValue().targetName());
            m.put("pinnedUntil", now.plus(FAILOVER_PIN).toString());
            return m;
        }).toList());
        if (!dryRun && !choice.isEmpty()) {
            out.put("reconcile", summary(controller.run(config, ReconcileOptions.apply(caller), List.of())));
        }
        return out;
    }

    private static Candidate choose(RouteStatus s, String to, boolean force) {
        List<CandidateHealth> options = s.candidates().stream()
                .filter(c -> s.current() == null || !c.candidate().target().sameHopAs(s.current()))
                .filter(c -> to == null || c.candidate().targetName().equals(to))
                .toList();
        if (to != null && options.isEmpty()) {
            boolean current = s.candidates().stream().anyMatch(c -> c.candidate().targetName().equals(to));
            throw new InvalidRequestException("to", current ? s.routeName() + " in " + s.key().routeTableId() + " is already on " + to
                    : to + " is not a candidate of route " + s.routeName() + "; its targets: "
                    + s.candidates().stream().map(c -> c.candidate().targetName()).distinct().toList());
        }
        Optional<CandidateHealth> healthy = options.stream().filter(c -> c.health() == Health.HEALTHY && !c.drained())
                .filter(c -> s.zone() == null || c.candidate().zone() == null || c.candidate().zone().equals(s.zone())).findFirst()
                .or(() -> options.stream().filter(c -> c.health() == Health.HEALTHY && !c.drained()).findFirst());
        if (healthy.isPresent()) {
            return healthy.get().candidate();
        }
        if (force && !options.isEmpty()) {
            return options.get(0).candidate();
        }
        throw new InvalidRequestException(to == null ? "route" : "to", (to == null ? "no other healthy candidate for " : to + " is not healthy for ")
                + s.routeName() + " in " + s.key().routeTableId() + " (" + options.stream().map(c -> c.candidate().targetName() + "="
                + c.health() + (c.drained() ? ",drained" : "")).toList() + "); add \"force\": true to move anyway (recorded as forced)");
    }

    public Map<String, Object> pin(String route, List<String> routeTableIds, String target, Instant expiresAt, boolean force,
                                   String reason, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireRoute(config, route, "route");
        requireTarget(config, target, "target");
        RouteSpec spec = config.route(route).orElseThrow();
        if (!spec.targets().contains(target) && !spec.fallback().contains(target)) {
            throw new InvalidRequestException("target", target + " is not a target of route " + route + "; its targets: " + spec.targets());
        }
        List<RouteStatus> routes = routesOf(config, route, routeTableIds, caller);
        Instant now = controller.now();
        List<Map<String, Object>> pinned = new ArrayList<>();
        Map<RouteStatus, Candidate> choice = new LinkedHashMap<>();
        for (RouteStatus s : routes) {
            List<CandidateHealth> of = s.candidates().stream().filter(c -> c.candidate().targetName().equals(target)).toList();
            Candidate c = of.stream().filter(x -> s.zone() == null || s.zone().equals(x.candidate().zone())).findFirst()
                    .or(() -> of.stream().findFirst()).map(CandidateHealth::candidate)
                    .orElseThrow(() -> new InvalidRequestException("target", target + " has no instance right now for " + route));
            choice.put(s, c);
        }
        for (Map.Entry<RouteStatus, Candidate> e : choice.entrySet()) {
            setPin(e.getKey().key(), route, new Ownership.Pin(e.getValue().key(), expiresAt, force, caller,
                    "pin" + (reason == null ? "" : ": " + reason)), caller, now);
            pinned.add(Map.of("routeTableId", e.getKey().key().routeTableId(), "target", target, "until", expiresAt.toString()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("pinned", pinned);
        out.put("reconcile", summary(controller.run(config, ReconcileOptions.apply(caller), List.of())));
        return out;
    }

    public Map<String, Object> unpin(String route, List<String> routeTableIds, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireRoute(config, route, "route");
        List<RouteStatus> routes = routesOf(config, route, routeTableIds, caller);
        Map<RouteKey, Ownership> owners = controller.ownership().load(routes.stream().map(RouteStatus::key).toList());
        List<String> unpinned = new ArrayList<>();
        for (RouteStatus s : routes) {
            Ownership o = owners.get(s.key());
            if (o != null && o.pin() != null) {
                setPin(s.key(), route, null, caller, controller.now());
                unpinned.add(s.key().routeTableId());
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("unpinned", unpinned);
        out.put("reconcile", summary(controller.run(config, ReconcileOptions.apply(caller), List.of())));
        return out;
    }

    private List<RouteStatus> routesOf(FailoverConfig config, String route, List<String> routeTableIds, String caller) {
        ReconcileResult view = controller.run(config, ReconcileOptions.dryRun(caller), List.of());
        List<RouteStatus> all = view.plan().routes().stream().filter(s -> s.routeName().equals(route)).toList();
        for (String id : routeTableIds) {
            if (all.stream().noneMatch(s -> s.key().routeTableId().equals(id))) {
                throw new InvalidRequestException("routeTableIds", id + " is not a table route '" + route + "' manages; its tables: "
                        + all.stream().map(s -> s.key().routeTableId()).toList());
            }
        }
        return all.stream().filter(s -> routeTableIds.isEmpty() || routeTableIds.contains(s.key().routeTableId())).toList();
    }

    private void setPin(RouteKey key, String routeName, Ownership.Pin pin, String caller, Instant now) {
        for (int attempt = 1; ; attempt++) {
            long version = controller.ownership().load(key).map(Ownership::version).orElse(0L);
            try {
                controller.ownership().setPin(key, routeName, version, pin, caller, now);
                return;
            } catch (ClaimLostException e) {
                if (attempt >= SET_PIN_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    // ---- drain ----------------------------------------------------------------------------------------------------

    public Map<String, Object> drain(String target, String reason, boolean dryRun, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireTarget(config, target, "target");
        List<String> keys = keysOf(config, target);
        if (!dryRun) {
            Instant now = controller.now();
            Map<String, TargetState> states = controller.targetStates().load(keys);
            for (String k : keys) {
                TargetState s = states.get(k);
                if (s == null || !s.drained()) {
                    controller.targetStates().setDrain(k, new TargetState.Drain(caller, now, reason == null ? "manual drain" : reason), now);
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", target);
        out.put("drained", keys);
        out.put("dryRun", dryRun);
        out.put("reconcile", summary(controller.run(config, dryRun ? ReconcileOptions.dryRun(caller) : ReconcileOptions.apply(caller), List.of())));
        return out;
    }

    /** Makes the target eligible again; routes come back only under the route's fail-back policy (rise, hold). */
    public Map<String, Object> undrain(String target, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireTarget(config, target, "target");
        List<String> keys = keysOf(config, target);
        Map<String, TargetState> states = controller.targetStates().load(keys);
        List<String> undrained = new ArrayList<>();
        for (String k : keys) {
            TargetState s = states.get(k);
            if (s != null && s.drained()) {
                controller.targetStates().setDrain(k, null, controller.now());
                undrained.add(k);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("target", target);
        out.put("undrained", undrained);
        out.put("reconcile", summary(controller.run(config, ReconcileOptions.apply(caller), List.of())));
        return out;
    }

    private List<String> keysOf(FailoverConfig config, String target) {
        List<String> keys = controller.candidates(config).stream().filter(c -> c.targetName().equals(target)).map(Candidate::key).distinct().toList();
        if (keys.isEmpty()) {
            throw new InvalidRequestException("target", target + " has no instance or interface right now (nothing to drain)");
        }
        return keys;
    }

    // ---- registration ---------------------------------------------------------------------------------------------

    public Map<String, Object> register(JsonNode spec, String caller) {
        FailoverConfig base = controller.baseConfig();
        JsonNode name = spec.get("name");
        if (name != null && name.isTextual() && base.route(name.asText()).isPresent()) {
            throw new InvalidRequestException("route.name", "'" + name.asText() + "' is a route of the config file; registered routes need their own name");
        }
        FailoverConfig effective = controller.effectiveConfig();
        RouteSpec route;
        try {
            route = ConfigLoader.parseRoute(spec, name != null && name.isTextual() ? effective.withoutRoute(name.asText()) : effective);
        } catch (ConfigException e) {
            ConfigProblem first = e.problems().get(0);
            throw new InvalidRequestException("route" + (first.path().isEmpty() ? "" : "." + first.path()),
                    e.problems().stream().map(p -> (p.path().isEmpty() ? "" : p.path() + ": ") + p.message()).reduce((a, b) -> a + "; " + b).orElse(e.getMessage()));
        }
        controller.registry().put(new RouteRegistry.Registered(route.name(), spec.toString(), caller, controller.now()));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("registered", route.name());
        out.put("reconcile", summary(controller.reconcile(caller)));
        return out;
    }

    /** Stops managing the route; its entries stay in the tables as they are (the controller lets go, it does not delete). */
    public Map<String, Object> deregister(String name, String caller) {
        if (controller.baseConfig().route(name).isPresent()) {
            throw new InvalidRequestException("route", "'" + name + "' comes from the config file; remove it there, deregister only removes registered routes");
        }
        // Check first: even a conditional delete that fails is a write attempt, and bad input makes none.
        if (!registeredNames().contains(name) || !controller.registry().remove(name)) {
            throw new InvalidRequestException("route", "no registered route named '" + name + "'; registered: " + registeredNames());
        }
        return Map.of("deregistered", name);
    }

    private Set<String> registeredNames() {
        Set<String> out = new LinkedHashSet<>();
        controller.registry().all().forEach(r -> out.add(r.name()));
        return out;
    }

    // ---- mapping --------------------------------------------------------------------------------------------------

    private static void requireRoute(FailoverConfig config, String route, String field) {
        if (route != null && config.route(route).isEmpty()) {
            throw new InvalidRequestException(field, "no route named '" + route + "'; routes: " + config.routes().stream().map(RouteSpec::name).toList());
        }
    }

    private static void requireTarget(FailoverConfig config, String target, String field) {
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

    private static Map<String, Object> hop(io.github.vpcroutefailover.domain.model.RouteTarget t, List<CandidateHealth> candidates) {
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

    private static Map<String, Object> candidate(CandidateHealth c) {
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

    private static Map<String, Object> pin(Ownership.Pin p, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("targetKey", p.targetKey());
        m.put("until", p.expiresAt().toString());
        m.put("active", p.activeAt(now));
        m.put("force", p.force());
        m.put("by", p.by());
        m.put("reason", p.reason());
        return m;
    }

    private static Map<String, Object> history(HistoryEntry h) {
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
