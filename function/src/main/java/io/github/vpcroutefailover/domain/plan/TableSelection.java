package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.yaml.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Which route tables a route's selectors pick (a union), with a note for each selector that matched nothing. */
final class TableSelection {
    private TableSelection() {
    }

    static Set<String> select(RouteSpec spec, Map<String, ObservedRouteTable> tables, String vpcId, List<PlanNote> notes) {
        Set<String> out = new TreeSet<>();
        for (TableSelector s : spec.routeTables()) {
            List<String> matched = new ArrayList<>();
            // Each selector looks at one kind of table: VPC selectors never pick a transit gateway table, and back.
            Map<String, ObservedRouteTable> pool = new java.util.TreeMap<>();
            tables.forEach((id, t) -> {
                if (t.transitGateway() == s.transitGateway()) {
                    pool.put(id, t);
                }
            });
            switch (s) {
                case TableSelector.ById b -> {
                    if (pool.containsKey(b.routeTableId())) {
                        matched.add(b.routeTableId());
                    }
                }
                case TableSelector.TransitGatewayTable b -> {
                    if (pool.containsKey(b.routeTableId())) {
                        matched.add(b.routeTableId());
                    }
                }
                case TableSelector.ByGateway g -> pool.values().stream().filter(t -> t.edgeGatewayIds().contains(g.gatewayId()))
                        .forEach(t -> matched.add(t.id()));
                case TableSelector.ByTags t -> pool.values().stream()
                        .filter(table -> CandidateResolver.tagsMatch(table.tags(), t.match()))
                        .filter(table -> t.exclude().entrySet().stream().noneMatch(x -> CandidateResolver.tagsMatch(table.tags(), Map.of(x.getKey(), x.getValue()))))
                        .forEach(table -> matched.add(table.id()));
                case TableSelector.BySubnet b -> {
                    pool.values().stream().filter(table -> table.subnetIds().contains(b.subnetId())).forEach(table -> matched.add(table.id()));
                    if (matched.isEmpty()) {
                        pool.values().stream().filter(ObservedRouteTable::main).findFirst().ifPresent(main -> {
                            matched.add(main.id());
                            notes.add(new PlanNote(PlanNote.Level.WARN, spec.name(), null, "selector " + s.describe()
                                    + ": the subnet has no explicit route table association, so it uses the main table " + main.id()
                                    + "; managing the route there (if " + b.subnetId() + " does not exist in " + vpcId + ", fix the selector)"));
                        });
                    }
                }
                case TableSelector.Main m -> pool.values().stream().filter(ObservedRouteTable::main).forEach(table -> matched.add(table.id()));
            }
            if (matched.isEmpty() && !s.optional()) {
                notes.add(new PlanNote(PlanNote.Level.ERROR, spec.name(), null, "selector " + s.describe() + " of route '" + spec.name()
                        + "' matched no route table in " + (s.transitGateway() ? "this account and region" : vpcId) + "; fix the selector or mark it 'optional: true'"
                        + " (the route is still managed in the tables its other selectors match)"));
            }
            out.addAll(matched);
        }
        return out;
    }
}
