package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.model.RouteKey;

/**
 * Something the planner wants an operator to know that is not an action: a selector that matched nothing, two
 * routes claiming one table/destination, a claim in flight by another invocation, no healthy candidate under
 * {@code keep}, a target with source/dest check still on.
 *
 * @param key null when the note is not about one route
 */
public record PlanNote(Level level, String routeName, RouteKey key, String message) {
    public enum Level {
        INFO,
        WARN,
        ERROR
    }
}
