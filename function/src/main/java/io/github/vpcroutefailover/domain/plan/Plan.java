package io.github.vpcroutefailover.domain.plan;

import java.util.List;

/** What one reconcile would do. A converged system yields no actions. */
public record Plan(List<RouteAction> actions, List<PlanNote> notes, List<RouteStatus> routes) {
    public Plan {
        actions = List.copyOf(actions);
        notes = List.copyOf(notes);
        routes = List.copyOf(routes);
    }

    public boolean converged() {
        return actions.isEmpty();
    }
}
