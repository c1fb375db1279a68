package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.DataPathCheck;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where data-path checks run and whom their results are about. A data-path probe tests a PATH (a managed route in
 * one table, seen from a probe sitting in that table's subnet); which hop carried its packets is only known from the
 * table. So the probe reports under a path key and the reconcile attributes each result to the hop the table holds,
 * dropping results it cannot attribute safely: the route changed (or is being changed) since the probe ran, or there is
 * no hop. Attributing at reconcile time, not when the probe starts, keeps a probe that runs for a minute from
 * blaming the new hop for the old hop's failures (or crediting the old hop with the new one's passes) after a flip.
 */
public final class DataPaths {
    /** Path keys start with this; no target key does (instance, ENI and gateway ids have no '|'). */
    public static final String KEY_PREFIX = "path|";
    /** Plan notes about a correlated data-path failure start with this (metrics count them per route). */
    public static final String CORRELATED_NOTE = "data path failing through every candidate";

    private DataPaths() {
    }

    /**
     * One path a probe tests.
     *
     * @param hop the hop the table holds for the route now (null: none), for seeding the probe's counters
     */
    public record Path(String key, RouteSpec route, CheckSpec.DataPath check, ObservedRouteTable table, RouteTarget hop,
                       List<DataPathCheck.Endpoint> endpoints) {
        public Path {
            endpoints = List.copyOf(endpoints);
        }

        /** The check narrowed to this table's endpoints: what the probe runs. */
        public CheckSpec.DataPath boundCheck() {
            return check.boundTo(endpoints);
        }
    }

    public static String key(String routeName, String tableId) {
        return KEY_PREFIX + routeName + "|" + tableId;
    }

    public static boolean isPathKey(String key) {
        return key != null && key.startsWith(KEY_PREFIX);
    }

    /** Every data-path check bound to this route (by the check's {@code routes}). */
    public static List<CheckSpec.DataPath> checksOf(FailoverConfig config, String routeName) {
        List<CheckSpec.DataPath> out = new ArrayList<>();
        for (CheckSpec c : config.checks().values()) {
            if (c instanceof CheckSpec.DataPath d && d.routes().contains(routeName)) {
                out.add(d);
            }
        }
        return out;
    }

    /**
     * The paths a probe sitting in the subnets of {@code zones} tests: each route with a data-path check, in each of
     * its managed tables in one of those zones that has endpoints. One check per route and table (the first bound).
     *
     * @param tables the VPC's route tables, enriched (an instance's ENI route names the instance)
     */
    public static List<Path> paths(FailoverConfig config, Collection<ObservedRouteTable> tables, Set<String> zones) {
        Map<String, ObservedRouteTable> byId = new java.util.TreeMap<>();
        tables.stream().filter(t -> config.vpcId().equals(t.vpcId())).forEach(t -> byId.putIfAbsent(t.id(), t));
        List<Path> out = new ArrayList<>();
        for (RouteSpec spec : config.routes()) {
            List<CheckSpec.DataPath> checks = checksOf(config, spec.name());
            if (checks.isEmpty()) {
                continue;
            }
            CheckSpec.DataPath check = checks.get(0);
            for (String id : TableSelection.select(spec, byId, config.vpcId(), new ArrayList<>())) {
                ObservedRouteTable t = byId.get(id);
                if (t == null || t.zone() == null || !zones.contains(t.zone())) {
                    continue;
                }
                List<DataPathCheck.Endpoint> eps = check.endpointsFor(t.subnetIds(), t.zone());
                if (eps.isEmpty()) {
                    continue;
                }
                out.add(new Path(key(spec.name(), id), spec, check, t, hopOf(t, spec).orElse(null), eps));
            }
        }
        return out;
    }

    /**
     * Rewrites path-keyed observations to the hop each path's table holds; other observations pass unchanged. A
     * path result is dropped when the route has no usable hop, when its ownership record is mid-change (PENDING),
     * or when it was made no later than {@code settle} after the record last changed (the VPC router may still have
     * used the old hop).
     *
     * @param tables enriched route tables (so an ENI route of an instance is keyed by the instance, as candidates are)
     */
    public static List<Observation> attribute(List<Observation> observations, FailoverConfig config,
                                              Collection<ObservedRouteTable> tables, Map<RouteKey, Ownership> ownership) {
        Map<String, ObservedRouteTable> byId = new LinkedHashMap<>();
        tables.forEach(t -> byId.putIfAbsent(t.id(), t));
        List<Observation> out = new ArrayList<>(observations.size());
        for (Observation o : observations) {
            if (!isPathKey(o.targetKey())) {
                out.add(o);
                continue;
            }
            attributeOne(o, config, byId, ownership).ifPresent(out::add);
        }
        return out;
    }

    private static Optional<Observation> attributeOne(Observation o, FailoverConfig config, Map<String, ObservedRouteTable> tables,
                                                      Map<RouteKey, Ownership> ownership) {
        String rest = o.targetKey().substring(KEY_PREFIX.length());
        int bar = rest.lastIndexOf('|');
        if (bar < 1 || o.at() == null) {
            return Optional.empty();
        }
        RouteSpec spec = config.route(rest.substring(0, bar)).orElse(null);
        ObservedRouteTable table = tables.get(rest.substring(bar + 1));
        if (spec == null || table == null) {
            return Optional.empty();
        }
        CheckSpec.DataPath check = checksOf(config, spec.name()).stream().findFirst().orElse(null);
        Optional<RouteTarget> hop = hopOf(table, spec);
        if (check == null || hop.isEmpty()) {
            return Optional.empty();
        }
        Ownership own = ownership.get(new RouteKey(table.id(), spec.destination()));
        if (own != null && own.status() == Ownership.ClaimStatus.PENDING) {
            return Optional.empty();
        }
        Duration settle = check.settle() == null ? Duration.ZERO : check.settle();
        if (own != null && own.updatedAt() != null && !o.at().isAfter(own.updatedAt().plus(settle))) {
            return Optional.empty();
        }
        return Optional.of(new Observation(hop.get().key(), o.check(), o.passed(), o.hard(), o.at(), o.source(),
                o.detail() + " (path " + table.id() + " via " + hop.get() + ")"));
    }

    /** The hop the table holds for the route: none for a missing, blackholed or unknown-target route. */
    public static Optional<RouteTarget> hopOf(ObservedRouteTable table, RouteSpec spec) {
        Optional<ObservedRoute> r = table.route(spec.destination());
        if (r.isEmpty() || r.get().blackhole() || r.get().target() == null) {
            return Optional.empty();
        }
        return Optional.of(r.get().target());
    }

    /** Whether {@code at} is within {@code forgetAfter} of {@code now} (a data-path verdict that still counts). */
    public static boolean fresh(Instant lastAt, Instant now, Duration forgetAfter) {
        return lastAt != null && forgetAfter != null && !lastAt.plus(forgetAfter).isBefore(now);
    }
}
