package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.util.List;

/**
 * The planner's view of one managed route, for {@code status} and {@code plan} output.
 *
 * @param current   next hop in the table now, or null when the route is absent
 * @param desired   next hop the plan wants (the current one when it endorses the route as it is), or null when it
 *                  wants the route absent (withdraw) or leaves it alone without endorsing it (claim in flight,
 *                  holder of UNKNOWN health, no eligible candidate under keep)
 * @param candidates every candidate with its health, preference order first, fallbacks last
 */
public record RouteStatus(String routeName, RouteKey key, String zone, RouteTarget current, boolean blackhole,
                          RouteTarget desired, long ownerVersion, List<CandidateHealth> candidates, String reason) {
    public RouteStatus {
        candidates = List.copyOf(candidates);
    }

    public record CandidateHealth(Candidate candidate, Health health, boolean drained, String detail) {
    }
}
