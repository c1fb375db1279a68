package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.CandidateResolver;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.RoutePlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TEST-ONLY stand-in for the domain Planner until it lands: each route goes to the target a test names ("wants"),
 * or is withdrawn when it names {@link #WITHDRAW}. It honours what the reconciler relies on: expectedVersion from the
 * ownership record, no action for a route already at its target, and none while another writer's PENDING claim is
 * inside its lease. Health is ignored. Table selectors: by id and by tags only.
 */
final class StandInPlanner implements RoutePlanner {
    static final String WITHDRAW = "<withdraw>";

    private final Map<String, String> wants = new ConcurrentHashMap<>();

    StandInPlanner want(String routeName, String targetName) {
        wants.put(routeName, targetName);
        return this;
    }

    @Override
    public Plan plan(PlanInput in) {
        List<RouteAction> actions = new ArrayList<>();
        List<PlanNote> notes = new ArrayList<>();
        // The port's contract: routes() lists every route the plan manages (the reconciler refuses a config that
        // manages none as not fitting the VPC), so the stand-in reports each selected route, endorsing nothing.
        List<RouteStatus> statuses = new ArrayList<>();
        for (RouteSpec route : in.config().routes()) {
            String want = wants.get(route.name());
            Optional<Candidate> desired = CandidateResolver.resolve(in.config(), in.instances(), in.enis()).forRoute(route).stream()
                    .filter(c -> c.targetName().equals(want)).findFirst();
            for (ObservedRouteTable table : in.tables()) {
                if (!selected(route, table)) {
                    continue;
                }
                RouteKey key = new RouteKey(table.id(), route.destination());
                Ownership owner = in.ownership().get(key);
                statuses.add(new RouteStatus(route.name(), key, table.zone(),
                        table.route(route.destination()).map(ObservedRoute::target).orElse(null), false, null,
                        owner == null ? 0 : owner.version(), List.of(), "stand-in planner"));
                if (want == null) {
                    continue;
                }
                if (owner != null && owner.status() == Ownership.ClaimStatus.PENDING
                        && owner.updatedAt().plus(in.claimLease()).isAfter(in.now())) {
                    notes.add(new PlanNote(PlanNote.Level.INFO, route.name(), key, "claim in flight by " + owner.updatedBy()));
                    continue;
                }
                long expected = owner == null ? 0 : owner.version();
                Optional<ObservedRoute> current = table.route(route.destination());
                if (WITHDRAW.equals(want)) {
                    current.ifPresent(r -> actions.add(new RouteAction.Delete(key, route.name(), r.target(), "test wants it withdrawn", expected)));
                    continue;
                }
                Candidate to = desired.orElseThrow(() -> new IllegalStateException("no candidate " + want));
                if (current.isEmpty()) {
                    actions.add(new RouteAction.Create(key, route.name(), to, "test wants " + want, expected, false));
                } else if (!to.target().sameHopAs(current.get().target())) {
                    actions.add(new RouteAction.Replace(key, route.name(), current.get().target(), to, "test wants " + want, expected, false));
                }
            }
        }
        return new Plan(actions, notes, statuses);
    }

    private static boolean selected(RouteSpec route, ObservedRouteTable table) {
        for (TableSelector s : route.routeTables()) {
            boolean match = switch (s) {
                case TableSelector.ById id -> id.routeTableId().equals(table.id());
                case TableSelector.ByTags t -> CandidateResolver.tagsMatch(table.tags(), t.match())
                        && t.exclude().entrySet().stream().noneMatch(e -> e.getValue().equals(table.tags().get(e.getKey())));
                default -> throw new UnsupportedOperationException("stand-in planner: selector " + s.describe());
            };
            if (match) {
                return true;
            }
        }
        return false;
    }
}
