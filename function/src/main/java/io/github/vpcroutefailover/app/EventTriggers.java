package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.ports.HealthSource;
import io.github.vpcroutefailover.ports.LifecycleActions;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event-driven use cases: every trigger only says "look now". The controller re-observes EC2 (and, for alarms,
 * re-reads the alarm) and reconciles on what it sees, so duplicate and out-of-order events are harmless: an old
 * {@code running} after a newer {@code stopped} leads to a reconcile that sees the instance stopped.
 */

/**
 * What each trigger means (EC2 instance events, planned removals, lifecycle hooks, CloudWatch alarms): which targets it
 * concerns and what to tell the reconcile. The controller owns the wiring and the reconcile runs; this owns the events.
 */
final class EventTriggers {
    private static final Logger LOG = LoggerFactory.getLogger(Controller.class);

    private final Controller controller;
    private final Controller.AlarmStateReader alarms;
    private final LifecycleActions lifecycle;
    private final String alarmPrefix;
    private final String lifecycleHook;

    EventTriggers(Controller controller, Controller.AlarmStateReader alarms, LifecycleActions lifecycle, String alarmPrefix,
                  String lifecycleHook) {
        this.controller = controller;
        this.alarms = alarms;
        this.lifecycle = lifecycle;
        this.alarmPrefix = alarmPrefix;
        this.lifecycleHook = lifecycleHook;
    }

    /**
     * State change of an instance. Going away or coming back, the answer is the same: reconcile on what EC2 says now
     * (a stopped instance is a hard failure for the planner; a running one only counts towards rise and fail-back).
     */
    Controller.Outcome onInstanceState(String instanceId, String state, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        if (!controller.manages(config, instanceId)) {
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("instance", instanceId).log("state change of an instance we do not manage");
            return Controller.Outcome.ignored("instance " + instanceId + " is not a target of any managed route");
        }
        return new Controller.Outcome(true, "instance " + instanceId + " is " + state + "; reconciled on current state",
                controller.run(config, ReconcileOptions.apply(caller), List.of()));
    }

    /**
     * Planned failover before the instance goes (spot interruption, rebalance recommendation, ASG terminate): drain
     * it (idempotent: an existing drain is kept) and reconcile. The drain stays until an operator's {@code undrain}.
     */
    Controller.Outcome onPlannedRemoval(String instanceId, String reason, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        if (!controller.manages(config, instanceId)) {
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("instance", instanceId).log(reason + " for an instance we do not manage");
            return Controller.Outcome.ignored("instance " + instanceId + " is not a target of any managed route");
        }
        // Health and drains are kept per candidate key, the hop's key: for every hop behind an instance (the instance
        // itself or an ENI attached to it) that key is the instance id (RouteTarget#key). So no observation is needed
        // here; the reconcile below is this path's one read of the world (it used to observe twice).
        List<String> keys = List.of(instanceId);
        Map<String, TargetState> states = controller.targetStates().load(keys);
        for (String key : keys) {
            TargetState state = states.get(key);
            if (state == null || !state.drained()) {
                controller.targetStates().setDrain(key, new TargetState.Drain(caller, controller.now(), reason), controller.now());
            }
        }
        return new Controller.Outcome(true, "drained " + instanceId + " (" + reason + ") and reconciled",
                controller.run(config, ReconcileOptions.apply(caller), List.of()));
    }

    Controller.Outcome onLifecycleTerminate(String group, String hook, String token, String instanceId, String caller) {
        if (lifecycleHook != null && !lifecycleHook.equals(hook)) {
            // Another team's hook on the same group: completing it would cut their drain short.
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("hook", hook).log("lifecycle action of a hook that is not ours");
            return Controller.Outcome.ignored("lifecycle hook " + hook + " is not ours (" + lifecycleHook + ")");
        }
        Controller.Outcome o = onPlannedRemoval(instanceId, "ASG terminate", caller);
        if (!o.managed()) {
            if (lifecycleHook == null) {
                // Without our hook's name we cannot tell whose action this is; leave it to its heartbeat timeout.
                return o;
            }
            // Our hook, but no route uses this instance: nothing to move, so let Auto Scaling go on at once rather
            // than at the heartbeat timeout.
            lifecycle.completeTerminate(group, hook, token, instanceId);
            return new Controller.Outcome(false, o.detail() + "; completed lifecycle action (CONTINUE), nothing to move", o.result());
        }
        // Only after the routes moved: CONTINUE lets Auto Scaling terminate the instance now instead of at the heartbeat timeout.
        lifecycle.completeTerminate(group, hook, token, instanceId);
        return new Controller.Outcome(true, o.detail() + "; completed lifecycle action (CONTINUE)", o.result());
    }

    /**
     * Alarm -> targets, in this order (docs/handlers.md "Which targets an alarm watches"):
     * 1. a {@code type: alarm} check whose {@code alarmName} is the alarm: every candidate using that check;
     * 2. the agent alarm naming rule {@code <alarmPrefix><target>-<check>}: that target's candidates, that check;
     * 3. the alarm metric's {@code InstanceId} dimension names a candidate's instance: with a {@code Check} dimension
     *    equal to one of its agent checks' {@code agentCheck}, that check; otherwise the target is only re-observed.
     */
    Controller.AlarmMapping mapAlarm(FailoverConfig config, String alarmName, Map<String, String> dimensions) {
        List<Candidate> candidates = null;
        Set<Controller.Watched> watched = new LinkedHashSet<>();
        boolean managed = false;
        for (CheckSpec c : config.checks().values()) {
            if (c instanceof CheckSpec.Alarm a && a.alarmName().equals(alarmName)) {
                managed = true;
                candidates = candidates == null ? controller.candidates(config) : candidates;
                candidates.stream().filter(k -> k.checks().contains(a.name()))
                        .forEach(k -> watched.add(new Controller.Watched(k.targetName(), k.key(), a.name())));
            }
        }
        if (!alarmPrefix.isEmpty() && alarmName.startsWith(alarmPrefix)) {
            String rest = alarmName.substring(alarmPrefix.length());
            for (String target : config.targets().keySet()) {
                if (rest.startsWith(target + "-") && config.checks().containsKey(rest.substring(target.length() + 1))) {
                    String check = rest.substring(target.length() + 1);
                    managed = true;
                    candidates = candidates == null ? controller.candidates(config) : candidates;
                    candidates.stream().filter(k -> k.targetName().equals(target) && k.checks().contains(check))
                            .forEach(k -> watched.add(new Controller.Watched(k.targetName(), k.key(), check)));
                }
            }
        }
        String instanceId = dimensions.get("InstanceId");
        if (instanceId != null && controller.manages(config, instanceId)) {
            managed = true;
            candidates = candidates == null ? controller.candidates(config) : candidates;
            String checkDim = dimensions.get("Check");
            for (Candidate k : candidates) {
                if (!instanceId.equals(k.target().instanceId())) {
                    continue;
                }
                for (String check : k.checks()) {
                    if (checkDim != null && config.checks().get(check) instanceof CheckSpec.Agent ag && ag.agentCheck().equals(checkDim)) {
                        watched.add(new Controller.Watched(k.targetName(), k.key(), check));
                    }
                }
            }
        }
        return new Controller.AlarmMapping(managed, List.copyOf(watched));
    }

    /**
     * ALARM: re-read the alarm; if it is still in ALARM, its watched checks fail hard in this reconcile (no waiting
     * for {@code fall}), so the routes move at once. OK / INSUFFICIENT_DATA: a plain reconcile; the OK counts towards
     * rise like any observation and fail-back still waits for the policy's hold time, never an immediate flip back.
     */
    Controller.Outcome onAlarm(String alarmName, String eventState, Map<String, String> dimensions, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        Controller.AlarmMapping mapping = mapAlarm(config, alarmName, dimensions);
        if (!mapping.managed()) {
            LOG.atDebug().addKeyValue("event", "ignored").addKeyValue("alarm", alarmName).log("state change of an alarm we do not manage");
            return Controller.Outcome.ignored("alarm " + alarmName + " watches no managed target");
        }
        List<HealthSource> extra = List.of();
        String detail = "alarm " + alarmName + " " + eventState + "; reconciled on current state";
        if ("ALARM".equals(eventState) && !mapping.watched().isEmpty()) {
            String now = alarms.currentState(alarmName);
            if ("ALARM".equals(now)) {
                List<Controller.Watched> watched = mapping.watched();
                extra = List.of((cands, at) -> watched.stream()
                        .map(w -> new Observation(w.targetKey(), w.check(), false, true, at, "alarm-event",
                                "alarm " + alarmName + " is in ALARM"))
                        .toList());
                detail = "alarm " + alarmName + " is in ALARM: failed " + watched.stream().map(w -> w.targetName() + "/" + w.check()).distinct().toList();
            } else {
                detail = "alarm " + alarmName + " is " + now + " now (the event said ALARM); reconciled on current state";
            }
        }
        return new Controller.Outcome(true, detail, controller.run(config, ReconcileOptions.apply(caller), extra));
    }

}
