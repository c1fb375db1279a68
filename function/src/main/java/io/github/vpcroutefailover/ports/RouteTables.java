package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import java.util.Collection;
import java.util.List;

/** The VPC route tables: what they hold, and the three changes we ever make to one route. */
public interface RouteTables {

    /**
     * Every route table of the VPC with its routes, associated subnets, main flag and zone. The number of API calls
     * grows with pages of tables, never with the number of routes.
     */
    List<ObservedRouteTable> describeVpcTables(String vpcId);

    /** The given tables only (after a lost claim, to re-plan one route on fresh state); unknown ids are left out. */
    List<ObservedRouteTable> describeTables(Collection<String> routeTableIds);

    /**
     * Of the given table ids, those that still exist in this account and region (a transit gateway table being
     * deleted does not). Only existence: implementations should not read routes for it.
     */
    default java.util.Set<String> existingTables(Collection<String> routeTableIds) {
        return describeTables(routeTableIds).stream().map(ObservedRouteTable::id).collect(java.util.stream.Collectors.toSet());
    }

    /**
     * Makes {@code destination} in {@code routeTableId} point at {@code target}: ReplaceRoute when the route exists,
     * CreateRoute when it does not (whatever the caller believed, since the table may have changed since it looked).
     *
     * @param routeExists what the caller observed; only decides which call is tried first
     * @param dryRun      send EC2 {@code DryRun=true}: validates permissions and parameters, changes nothing
     */
    ApplyOutcome upsert(String routeTableId, Destination destination, RouteTarget target, boolean routeExists, boolean dryRun);

    /** Deletes the route (a withdraw). A route that is already gone is not an error. */
    ApplyOutcome delete(String routeTableId, Destination destination, boolean dryRun);

    /** What an apply did, for logs, results and the audit trail. */
    record ApplyOutcome(Operation operation, boolean dryRun, String detail) {
        public enum Operation {
            CREATED,
            REPLACED,
            DELETED,
            /** Nothing needed doing (a delete of a route that is already absent). */
            NONE
        }
    }
}
