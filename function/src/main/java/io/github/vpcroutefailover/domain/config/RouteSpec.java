package io.github.vpcroutefailover.domain.config;

import io.github.vpcroutefailover.domain.model.Destination;
import java.util.List;

/**
 * One managed route: a destination, the tables it is kept in, and who may serve it.
 *
 * @param targets  candidate target names in preference order
 * @param fallback target names used, in order, only while no candidate is healthy (e.g. a NAT gateway)
 */
public record RouteSpec(String name, Destination destination, List<TableSelector> routeTables, List<String> targets,
                        List<String> fallback, RoutePolicy policy) {
    public RouteSpec {
        routeTables = List.copyOf(routeTables);
        targets = List.copyOf(targets);
        fallback = List.copyOf(fallback);
    }
}
