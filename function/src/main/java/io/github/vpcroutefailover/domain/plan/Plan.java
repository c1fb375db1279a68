package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.model.RouteKey;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one reconcile would do. A converged system yields no actions.
 *
 * @param selected every route slot the config's table selectors pick on the tables observed, including slots not
 *                 planned (two routes claiming one slot, a table kind that refuses the route): a slot outside it is
 *                 no longer the config's, whatever its record says
 */
public record Plan(List<RouteAction> actions, List<PlanNote> notes, List<RouteStatus> routes, Set<RouteKey> selected) {
    public Plan {
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        routes = List.copyOf(routes);
        selected = Set.copyOf(selected);
    }

    /** A plan whose selected slots are exactly its routes' (tests, planners that plan every slot they select). */
    public Plan(List<RouteAction> actions, List<PlanNote> notes, List<RouteStatus> routes) {
        this(actions, notes, routes, routes.stream().map(RouteStatus::key).collect(Collectors.toSet()));
    }

    public boolean converged() {
        return actions.isEmpty();
    }
}
