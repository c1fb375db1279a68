package io.github.vpcroutefailover.domain.model;

import java.util.List;

/**
 * A concrete next hop a route may use, resolved from a configured target: a tag-discovered target yields one
 * candidate per matching instance.
 *
 * @param targetName the configured target this came from
 * @param target     what to write into the route (ENI for instances)
 * @param zone       the AZ of the instance or ENI; null for regional gateways
 * @param checks     names of the checks that must all pass for this candidate to be healthy
 * @param fallback   true when it is only to be used while no regular candidate is healthy
 */
public record Candidate(String targetName, RouteTarget target, String zone, List<String> checks, boolean fallback) {
    public Candidate {
        checks = List.copyOf(checks);
    }

    /** Key under which health and drain state are tracked. */
    public String key() {
        return target.key();
    }
}
