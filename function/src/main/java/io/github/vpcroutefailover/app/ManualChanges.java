package io.github.vpcroutefailover.app;

import static io.github.vpcroutefailover.app.ManualViews.*;
import io.github.vpcroutefailover.app.ManualActions.InvalidRequestException;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.CandidateChoice;
import io.github.vpcroutefailover.domain.plan.RouteStatus.CandidateHealth;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.ClaimLostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Operator actions that change routes or targets: failover, pin, unpin, drain, undrain. Each goes through the reconciler. */
final class ManualChanges {
    private static final int SET_PIN_ATTEMPTS = 3;

    private final Controller controller;

    ManualChanges(Controller controller) {
        this.controller = controller;
    }


    /**
     * Moves one route (optionally only some tables) or every route currently on {@code fromTarget}. Implemented as a
     * short pin ({@link ManualActions#FAILOVER_PIN}) on each moved route, then a reconcile: the pin is what keeps the next
     * scheduled reconcile from moving the route straight back, and with {@code force} it is a forced pin, recorded
     * as forced in history and in the Route Failover event.
     */
    Map<String, Object> failover(String route, List<String> routeTableIds, String fromTarget, String to, boolean force,
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
        Map<String, Integer> load = new java.util.HashMap<>();
        for (RouteStatus r : view.plan().routes()) {
            io.github.vpcroutefailover.domain.model.RouteTarget hop = r.desired() != null ? r.desired() : r.current();
            if (hop != null) {
                load.merge(hop.key(), 1, Integer::sum);
            }
        }
        for (RouteStatus s : selected) {
            RoutePolicy policy = config.route(s.routeName()).map(RouteSpec::policy).orElse(RoutePolicy.defaults());
            choice.put(s, choose(s, to, force, policy, load));
        }
        String why = "manual failover" + (reason == null ? "" : ": " + reason);
        Instant now = controller.now();
        if (!dryRun) {
            for (Map.Entry<RouteStatus, Candidate> e : choice.entrySet()) {
                setPin(e.getKey().key(), e.getKey().routeName(),
                        new Ownership.Pin(e.getValue().key(), now.plus(ManualActions.FAILOVER_PIN), force, caller, why), caller, now);
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
            m.put("pinnedUntil", now.plus(ManualActions.FAILOVER_PIN).toString());
            return m;
        }).toList());
        if (!dryRun && !choice.isEmpty()) {
            out.put("reconcile", summary(controller.run(config, ReconcileOptions.apply(caller), List.of())));
        }
        return out;
    }

    /**
     * Where a manual failover moves a route: with {@code to}, that target (healthy, unless forced); without, where the
     * planner itself would put the route if its current target were gone ({@link CandidateChoice}: same zone, then
     * least loaded; a fallback only when no regular candidate is healthy and the route's policy is to fall back).
     */
    private static Candidate choose(RouteStatus s, String to, boolean force, RoutePolicy policy, Map<String, Integer> load) {
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
        List<Candidate> eligible = options.stream().filter(c -> c.health() == Health.HEALTHY && !c.drained())
                .map(CandidateHealth::candidate).toList();
        java.util.function.ToIntFunction<Candidate> loadOf = c -> load.getOrDefault(c.key(), 0);
        Optional<Candidate> chosen;
        if (to != null) {
            chosen = CandidateChoice.best(eligible, s.zone(), policy.zoneAffinity(), loadOf).map(CandidateChoice.Pick::candidate);
        } else {
            chosen = CandidateChoice.best(eligible.stream().filter(c -> !c.fallback()).toList(), s.zone(), policy.zoneAffinity(), loadOf)
                    .map(CandidateChoice.Pick::candidate)
                    .or(() -> policy.whenNoneHealthy() == RoutePolicy.WhenNoneHealthy.FALLBACK
                            ? eligible.stream().filter(Candidate::fallback).findFirst() : Optional.empty());
        }
        if (chosen.isPresent()) {
            return chosen.get();
        }
        if (force && !options.isEmpty()) {
            return options.stream().map(CandidateHealth::candidate).filter(c -> !c.fallback()).findFirst()
                    .orElse(options.get(0).candidate());
        }
        throw new InvalidRequestException(to == null ? "route" : "to", (to == null ? "no other healthy candidate for " : to + " is not healthy for ")
                + s.routeName() + " in " + s.key().routeTableId() + " (" + options.stream().map(c -> c.candidate().targetName() + "="
                + c.health() + (c.drained() ? ",drained" : "")).toList() + "); add \"force\": true to move anyway (recorded as forced)");
    }

    Map<String, Object> pin(String route, List<String> routeTableIds, String target, Instant expiresAt, boolean force,
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

    Map<String, Object> unpin(String route, List<String> routeTableIds, String caller) {
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

    Map<String, Object> drain(String target, String reason, boolean dryRun, String caller) {
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
    Map<String, Object> undrain(String target, String caller) {
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
}
