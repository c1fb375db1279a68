package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.domain.plan.Planner;

/** The planning step of a reconcile; in production {@link Planner#plan}, so tests can substitute their own. */
@FunctionalInterface
public interface RoutePlanner {
    Plan plan(PlanInput input);

    static RoutePlanner domain() {
        Planner planner = new Planner();
        return planner::plan;
    }
}
