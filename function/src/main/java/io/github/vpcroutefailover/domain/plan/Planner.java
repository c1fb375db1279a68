package io.github.vpcroutefailover.domain.plan;

/** Computes the actions that bring every managed route to its desired target. Pure and deterministic. */
public final class Planner {
    public Plan plan(PlanInput input) {
        throw new UnsupportedOperationException("Planner.plan: being implemented");
    }
}
