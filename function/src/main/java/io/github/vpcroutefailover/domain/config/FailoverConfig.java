package io.github.vpcroutefailover.domain.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validated route config: what routes we manage, where, to which targets, judged by which checks.
 * Produced only by {@code config.ConfigLoader}; every reference in it has been checked to resolve.
 *
 * @param vpcId   the VPC we work in; route tables outside it are never selected
 * @param checks  health checks by name, in file order
 * @param targets targets by name, in file order
 * @param routes  managed routes, in file order; names are unique
 */
public record FailoverConfig(String vpcId, Map<String, CheckSpec> checks, Map<String, TargetSpec> targets,
                             List<RouteSpec> routes) {
    public FailoverConfig {
        checks = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(checks));
        targets = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(targets));
        routes = List.copyOf(routes);
    }

    /**
     * This config with {@code route} appended, or replacing the route of the same name in place (runtime
     * registration). Validate the route with {@code config.ConfigLoader#parseRoute} first.
     */
    public FailoverConfig withRoute(RouteSpec route) {
        List<RouteSpec> next = new java.util.ArrayList<>(routes);
        int at = -1;
        for (int i = 0; i < next.size(); i++) {
            if (next.get(i).name().equals(route.name())) {
                at = i;
            }
        }
        if (at >= 0) {
            next.set(at, route);
        } else {
            next.add(route);
        }
        return new FailoverConfig(vpcId, checks, targets, next);
    }

    /** This config without the route of that name (unchanged when there is none). */
    public FailoverConfig withoutRoute(String name) {
        return new FailoverConfig(vpcId, checks, targets, routes.stream().filter(r -> !r.name().equals(name)).toList());
    }

    public Optional<RouteSpec> route(String name) {
        return routes.stream().filter(r -> r.name().equals(name)).findFirst();
    }
}
