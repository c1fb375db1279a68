package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.Controller;
import io.github.vpcroutefailover.app.FleetController;
import io.github.vpcroutefailover.app.FleetScheduler;
import io.github.vpcroutefailover.app.ManualActions;
import io.github.vpcroutefailover.app.ManualActions.InvalidRequestException;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import io.github.vpcroutefailover.handler.event.ManualRequest;
import io.github.vpcroutefailover.handler.event.Trigger;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The handler's way into a fleet (a config with {@code vpcs}): every event runs on every VPC, isolated
 * ({@link FleetController}); a manual action goes to the one VPC its route (or target) names. The answer lists
 * each VPC's outcome; a VPC that failed is reported with its error and does not fail the invocation, so the
 * other VPCs' work is not retried for it (its failure is logged, {@code vpc-failed}, and in the answer).
 */
final class FleetDispatch {
    private final FleetComponents fleet;

    FleetDispatch(FleetComponents fleet) {
        this.fleet = fleet;
    }

    /** An EventBridge trigger on every VPC. */
    Map<String, Object> onEvent(Trigger trigger, String caller) {
        List<FleetScheduler.Run<VpcSite, Controller.Outcome>> runs = fleet.controller().each(trigger.getClass().getSimpleName(),
                c -> outcome(c, trigger, caller, false));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("managed", runs.stream().anyMatch(r -> r.ok() && r.value().managed()));
        out.put("failedVpcs", runs.stream().filter(r -> !r.ok()).count());
        out.put("vpcs", FleetController.describe(runs, o -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("managed", o.managed());
            m.put("detail", o.detail());
            if (o.result() != null) {
                m.put("reconcile", ManualActions.summary(o.result()));
            }
            return m;
        }));
        return out;
    }

    /**
     * What a trigger does on one VPC's controller.
     *
     * @param completeLifecycle whether a terminate lifecycle action may be completed here: a single-VPC deployment
     *                          does, after its routes moved. In a fleet only one VPC may complete it, and the Auto
     *                          Scaling group is in a member account we do not call for it, so every VPC drains and
     *                          reconciles and the action is left to its heartbeat timeout (docs/fleet.md "Events").
     */
    static Controller.Outcome outcome(Controller c, Trigger trigger, String caller, boolean completeLifecycle) {
        return switch (trigger) {
            case Trigger.Scheduled s -> new Controller.Outcome(true, "scheduled reconcile", c.reconcile(caller));
            case Trigger.InstanceStateChange s -> c.onInstanceState(s.instanceId(), s.state(), caller);
            case Trigger.SpotInterruption s -> c.onPlannedRemoval(s.instanceId(), "spot interruption", caller);
            case Trigger.RebalanceRecommendation r -> c.onPlannedRemoval(r.instanceId(), "rebalance", caller);
            case Trigger.LifecycleTerminate l -> completeLifecycle
                    ? c.onLifecycleTerminate(l.autoScalingGroupName(), l.lifecycleHookName(), l.lifecycleActionToken(), l.instanceId(), caller)
                    : c.onPlannedRemoval(l.instanceId(), "ASG terminate", caller);
            case Trigger.AlarmStateChange a -> c.onAlarm(a.alarmName(), a.state(), a.dimensions(), caller);
        };
    }

    /** A manual action: to the VPC of its route or target; status and plan without a route cover every VPC. */
    Map<String, Object> manual(ManualRequest request, String caller) {
        return switch (request) {
            case ManualRequest.Status s when s.route() == null -> perVpc(m -> m.status(null, caller));
            case ManualRequest.Plan p when p.route() == null -> perVpc(m -> m.plan(null, caller));
            case ManualRequest.Status s -> byRoute(s.route()).status(s.route(), caller);
            case ManualRequest.Plan p -> byRoute(p.route()).plan(p.route(), caller);
            case ManualRequest.History h -> byRoute(h.route()).history(h.route(), h.since(), h.limit());
            case ManualRequest.Failover f -> byRoute(f.route()).failover(f.route(), f.routeTableIds(), f.fromTarget(), f.to(), f.force(),
                    f.reason(), f.dryRun(), caller);
            case ManualRequest.Pin p -> byRoute(p.route()).pin(p.route(), p.routeTableIds(), p.target(), p.expiresAt(), p.force(), p.reason(), caller);
            case ManualRequest.Unpin u -> byRoute(u.route()).unpin(u.route(), u.routeTableIds(), caller);
            case ManualRequest.Drain d -> byTarget(d.target()).drain(d.target(), d.reason(), d.dryRun(), caller);
            case ManualRequest.Undrain u -> byTarget(u.target()).undrain(u.target(), caller);
            case ManualRequest.Drill d -> byRoute(d.route()).drill(d.route(), d.window(), d.dryRun(), caller);
            case ManualRequest.Register r -> throw new InvalidRequestException("action", "routes cannot be registered at run time when the "
                    + "config lists several VPCs; add the route to its VPC's entry in the config file");
            case ManualRequest.Deregister d -> throw new InvalidRequestException("action", "routes cannot be deregistered when the config "
                    + "lists several VPCs; remove the route from its VPC's entry in the config file");
        };
    }

    private Map<String, Object> perVpc(java.util.function.Function<ManualActions, Map<String, Object>> read) {
        List<FleetScheduler.Run<VpcSite, Map<String, Object>>> runs = fleet.controller().eachSite("manual",
                site -> read.apply(fleet.site(site).manual()));
        return Map.of("vpcs", FleetController.describe(runs, v -> v));
    }

    private ManualActions byRoute(String route) {
        VpcSite site = fleet.fleet().siteOfRoute(route).orElseThrow(() -> new InvalidRequestException("route",
                "no VPC of the config has a route named '" + route + "'"));
        return fleet.site(site).manual();
    }

    private ManualActions byTarget(String target) {
        List<VpcSite> sites = fleet.fleet().sites().stream().filter(s -> s.config().targets().containsKey(target)).toList();
        if (sites.isEmpty()) {
            throw new InvalidRequestException("target", "no VPC of the config has a target named '" + target + "'");
        }
        if (sites.size() > 1) {
            throw new InvalidRequestException("target", "target name '" + target + "' is used in " + sites.size() + " VPCs ("
                    + String.join(", ", sites.stream().map(VpcSite::vpcId).toList()) + "); give the targets unique names to drain one");
        }
        return fleet.site(sites.get(0)).manual();
    }
}
