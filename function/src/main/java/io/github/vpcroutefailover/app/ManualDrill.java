package io.github.vpcroutefailover.app;

import static io.github.vpcroutefailover.app.ManualViews.hop;
import static io.github.vpcroutefailover.app.ManualViews.requireRoute;

import io.github.vpcroutefailover.app.ManualActions.InvalidRequestException;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.Drills;
import io.github.vpcroutefailover.domain.plan.RouteStatus;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.probe.Sleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code drill} manual action (issue #14, docs/handlers.md "drill"): move a route to its standby, let the probe
 * verify the data path through it, move it back, report. No second change path: the route moves only by a pin and
 * a reconcile (claim, EC2, settle, history, event), like a manual failover.
 *
 * <p>Fencing: the drill pin is set at the version read (a racing drill or pin loses, and the drill is refused); it is
 * not forced, so it holds only while the standby is eligible: a standby whose data path fails is left by the
 * planner at once, whatever the drill does; and it expires {@link #PIN_MARGIN} after the verification window, so a
 * drill whose Lambda dies leaves the route on a healthy hop under the route's own policy, and history shows a
 * "drill ... to standby" entry with no "drill ... passed/failed" entry after it.
 */
final class ManualDrill {
    private static final Logger LOG = LoggerFactory.getLogger(ManualDrill.class);
    /** Covers the move back after the window; bounds how long a crashed drill's pin outlives it. */
    static final Duration PIN_MARGIN = Duration.ofSeconds(60);
    static final Duration POLL = Duration.ofSeconds(1);
    /** How long after the verification window the move back is retried (window at most 40 s; the controller times out at 60 s). */
    static final Duration BACK_GRACE = Duration.ofSeconds(12);

    private final Controller controller;
    private final Sleeper sleeper;

    ManualDrill(Controller controller, Sleeper sleeper) {
        this.controller = controller;
        this.sleeper = sleeper;
    }

    private record Table(RouteStatus status, Candidate standby, Candidate original) {
    }

    Map<String, Object> drill(String route, Duration window, boolean dryRun, String caller) {
        FailoverConfig config = controller.effectiveConfig();
        requireRoute(config, route, "route");
        List<CheckSpec.DataPath> checks = DataPaths.checksOf(config, route);
        if (checks.isEmpty()) {
            throw new InvalidRequestException("route", "route '" + route + "' has no data-path check, so nothing could verify the "
                    + "standby; add a check of type data-path with routes: [" + route + "] (docs/config.md)");
        }
        ReconcileResult view = controller.run(config, ReconcileOptions.dryRun(caller), List.of());
        List<RouteStatus> statuses = view.plan().routes().stream().filter(s -> s.routeName().equals(route)).toList();
        if (statuses.isEmpty()) {
            throw new InvalidRequestException("route", "route '" + route + "' manages no table right now");
        }
        Instant now = controller.now();
        Map<RouteKey, Ownership> owners = controller.ownership().load(statuses.stream().map(RouteStatus::key).toList());
        List<Table> tables = new ArrayList<>();
        for (RouteStatus s : statuses) {
            Optional<String> refused = Drills.refusal(s, owners.get(s.key()), now);
            if (refused.isPresent()) {
                throw new InvalidRequestException("route", refused.get());
            }
            Candidate standby = Drills.standby(s).orElseThrow(() -> new InvalidRequestException("route",
                    s.routeName() + " in " + s.key().routeTableId() + " has no standby candidate to drill"));
            Candidate original = s.candidates().stream().map(RouteStatus.CandidateHealth::candidate)
                    .filter(c -> c.target().sameHopAs(s.current())).findFirst().orElse(null);
            tables.add(new Table(s, standby, original));
        }
        String id = "drill " + route + "@" + now;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("drill", id);
        out.put("route", route);
        out.put("dryRun", dryRun);
        out.put("window", window.toString());
        out.put("tables", tables.stream().map(t -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("routeTableId", t.status().key().routeTableId());
            m.put("from", hop(t.status().current(), t.status().candidates()));
            m.put("to", t.standby().targetName());
            return m;
        }).toList());
        if (dryRun) {
            out.put("wouldDo", "pin each table to its standby until " + now.plus(window).plus(PIN_MARGIN) + ", reconcile, wait up to "
                    + window + " for the data-path check through the standby, move back, report");
            return out;
        }
        return run(config, checks, tables, id, window, caller, out);
    }

    private Map<String, Object> run(FailoverConfig config, List<CheckSpec.DataPath> checks, List<Table> tables, String id,
                                    Duration window, String caller, Map<String, Object> out) {
        Instant start = controller.now();
        Instant pinUntil = start.plus(window).plus(PIN_MARGIN);
        List<Table> pinned = new ArrayList<>();
        for (Table t : tables) {
            Optional<Ownership> o = controller.ownership().load(t.status().key());
            Optional<String> refused = Drills.refusal(t.status(), o.orElse(null), start);
            if (refused.isPresent()) {
                unpinAll(pinned, caller);
                throw new InvalidRequestException("route", refused.get());
            }
            long version = o.map(Ownership::version).orElse(0L);
            try {
                controller.ownership().setPin(t.status().key(), t.status().routeName(), version, new Ownership.Pin(t.standby().key(),
                        pinUntil, false, caller, id + ": to standby " + t.standby().targetName()), caller, start);
                pinned.add(t);
            } catch (ClaimLostException e) {
                unpinAll(pinned, caller);
                throw new InvalidRequestException("route", t.status().key().routeTableId()
                        + " changed while the drill started (another drill, pin or move won); nothing was moved");
            } catch (RuntimeException e) {
                attempt(() -> {
                    unpinAll(pinned, caller);
                    return true;
                }, "unpin after a failed start", new ArrayList<>());
                throw e;
            }
        }
        // From here on the route may be on the standby: whatever fails (EC2 or DynamoDB after the SDK's retries), the
        // drill still moves it back, unpins and says in its report what happened (never a pin left to the standby).
        List<String> errors = new ArrayList<>();
        ReconcileResult moved = attempt(() -> controller.run(config, ReconcileOptions.apply(caller + "#drill"), List.of()), "move to standby", errors);
        // Results count from the pin on: the probe's own reconciles may apply the pin (and, on a failing data path,
        // leave the standby again) before this one returns, and attribution already keeps old-hop results out.
        Instant movedAt = start;
        Instant deadline = start.plus(window);
        List<String> standbys = tables.stream().map(t -> t.standby().key()).distinct().toList();
        Drills.Verdict verdict = new Drills.Verdict(Drills.Outcome.PENDING, "");
        Map<String, TargetState> first = attempt(() -> controller.targetStates().load(standbys), "read the standby's data-path state", errors);
        if (first != null) {
            verdict = judge(checks, tables, first, movedAt);
        }
        Map<RouteKey, RouteStatus> seen = attempt(() -> view(config, caller), "read where the route is", errors);
        boolean onStandby = seen != null && tables.stream().allMatch(t -> holds(seen, t, t.standby()));
        if (moved == null || seen != null && !onStandby && verdict.outcome() == Drills.Outcome.PENDING) {
            verdict = new Drills.Verdict(Drills.Outcome.FAIL, "the route did not move to the standby: "
                    + (moved == null ? errors : moved.notes().stream().map(n -> n.message()).toList()));
        }
        boolean inconclusive = false;
        while (verdict.outcome() == Drills.Outcome.PENDING) {
            // A read that fails (throttled past the SDK's retries) is a poll without a result, not the drill's end.
            Map<String, TargetState> states = attempt(() -> controller.targetStates().load(standbys), "read the standby's data-path state", errors);
            if (states != null) {
                verdict = judge(checks, tables, states, movedAt);
                if (verdict.outcome() != Drills.Outcome.PENDING) {
                    break;
                }
            }
            if (!controller.now().plus(POLL).isBefore(deadline) || !pause()) {
                inconclusive = true;
                verdict = new Drills.Verdict(Drills.Outcome.FAIL, "inconclusive: no data-path result through the standby was stored within "
                        + window + " (the probe reports its first result through a new hop a few seconds after the move; is it running in the table's"
                        + " subnet, and may it read the ownership table?)");
            }
        }
        boolean passed = verdict.outcome() == Drills.Outcome.PASS;
        String result = id + (passed ? " passed" : " failed") + ": " + verdict.detail();
        // Back: a short pin to the original hop with the verdict as its reason, so the history entry and the Route
        // Failover event of the move back carry the report; then the pin goes, and the route's own policy rules again.
        for (Table t : tables) {
            attempt(() -> {
                setPin(t.status().key(), t.status().routeName(), t.original() == null ? null
                        : new Ownership.Pin(t.original().key(), pinUntil, false, caller, result + "; back to " + t.original().targetName()), caller);
                return true;
            }, "pin " + t.status().key().routeTableId() + " back to the original hop", errors);
        }
        ReconcileResult back = attempt(() -> controller.run(config, ReconcileOptions.apply(caller + "#drill-back"), List.of()), "move back", errors);
        // The move back may find the route claimed by another invocation (the probe moving it off a standby that just
        // failed, fenced by its own claim) or fail past the SDK's retries: unpinning then would report the route on the
        // standby while it is still moving, or leave it there. So the move back is tried again, a poll apart, while the
        // pin holds and the controller's 60 s timeout leaves room (BACK_GRACE after the window at most).
        Instant backUntil = deadline.plus(BACK_GRACE);
        while (!onOriginal(config, caller, tables) && controller.now().plus(POLL).isBefore(backUntil) && pause()) {
            ReconcileResult again = attempt(() -> controller.run(config, ReconcileOptions.apply(caller + "#drill-back"), List.of()), "move back", errors);
            back = again == null ? back : again;
        }
        Boolean unpinned = attempt(() -> {
            unpinAll(tables, caller);
            return true;
        }, "unpin (the drill's pins expire at " + pinUntil + ")", errors);
        Map<RouteKey, RouteStatus> end = attempt(() -> view(config, caller), "read where the route ended", errors);
        List<Map<String, Object>> after = new ArrayList<>();
        for (Table t : tables) {
            after.add(Map.of("routeTableId", t.status().key().routeTableId(), "on", end == null ? "unknown" : holderName(end, t),
                    "original", t.original() == null ? "none" : t.original().targetName()));
        }
        out.put("passed", passed);
        out.put("outcome", passed ? "passed" : inconclusive ? "inconclusive" : "failed");
        out.put("result", result);
        out.put("toStandby", moved == null ? Map.of("error", "see errors") : ManualViews.summary(moved));
        out.put("back", back == null ? Map.of("error", "see errors") : ManualViews.summary(back));
        out.put("after", after);
        out.put("unpinned", unpinned != null);
        if (!errors.isEmpty()) {
            out.put("errors", List.copyOf(errors));
        }
        LOG.atLevel(passed && errors.isEmpty() ? org.slf4j.event.Level.INFO : org.slf4j.event.Level.WARN)
                .addKeyValue("event", passed ? "drill-passed" : "drill-failed").addKeyValue("route", tables.get(0).status().routeName())
                .addKeyValue("drill", id).addKeyValue("errors", errors.size()).log(result);
        return out;
    }

    /** Runs one step of a started drill; on failure records why (bounded) and returns null so the drill goes on. */
    private static <T> T attempt(java.util.function.Supplier<T> step, String what, List<String> errors) {
        try {
            return step.get();
        } catch (RuntimeException e) {
            String why = String.valueOf(e.getMessage());
            errors.add(what + " failed: " + e.getClass().getSimpleName() + ": " + (why.length() > 300 ? why.substring(0, 300) + "..." : why));
            LOG.atWarn().addKeyValue("event", "drill-step-failed").addKeyValue("step", what).setCause(e).log(what + " failed: " + e);
            return null;
        }
    }

    private Drills.Verdict judge(List<CheckSpec.DataPath> checks, List<Table> tables, Map<String, TargetState> states, Instant movedAt) {
        List<String> details = new ArrayList<>();
        boolean pending = false;
        for (Table t : tables) {
            Drills.Verdict v = Drills.verdict(checks, states.get(t.standby().key()), movedAt);
            String where = t.status().key().routeTableId() + " via " + t.standby().targetName() + ": " + v.detail();
            if (v.outcome() == Drills.Outcome.FAIL) {
                return new Drills.Verdict(Drills.Outcome.FAIL, where);
            }
            pending |= v.outcome() == Drills.Outcome.PENDING;
            details.add(where);
        }
        return new Drills.Verdict(pending ? Drills.Outcome.PENDING : Drills.Outcome.PASS, String.join("; ", details));
    }

    private Map<RouteKey, RouteStatus> view(FailoverConfig config, String caller) {
        Map<RouteKey, RouteStatus> out = new java.util.HashMap<>();
        controller.run(config, ReconcileOptions.dryRun(caller + "#drill-view"), List.of()).plan().routes().forEach(s -> out.put(s.key(), s));
        return out;
    }

    /** Whether every table with an original hop is back on it; a failed read counts as not yet. */
    private boolean onOriginal(FailoverConfig config, String caller, List<Table> tables) {
        Map<RouteKey, RouteStatus> now = attempt(() -> view(config, caller), "read where the route is", new ArrayList<>());
        return now != null && tables.stream().allMatch(t -> t.original() == null || holds(now, t, t.original()));
    }

    private static boolean holds(Map<RouteKey, RouteStatus> view, Table t, Candidate c) {
        RouteStatus s = view.get(t.status().key());
        return s != null && s.current() != null && c.target().sameHopAs(s.current());
    }

    private static String holderName(Map<RouteKey, RouteStatus> view, Table t) {
        RouteStatus s = view.get(t.status().key());
        if (s == null || s.current() == null) {
            return "none";
        }
        return s.candidates().stream().map(RouteStatus.CandidateHealth::candidate).filter(c -> c.target().sameHopAs(s.current()))
                .map(Candidate::targetName).findFirst().orElse(s.current().toString());
    }

    private void unpinAll(List<Table> tables, String caller) {
        for (Table t : tables) {
            setPin(t.status().key(), t.status().routeName(), null, caller);
        }
    }

    private void setPin(RouteKey key, String routeName, Ownership.Pin pin, String caller) {
        for (int attempt = 1; ; attempt++) {
            long version = controller.ownership().load(key).map(Ownership::version).orElse(0L);
            try {
                controller.ownership().setPin(key, routeName, version, pin, caller, controller.now());
                return;
            } catch (ClaimLostException e) {
                if (attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private boolean pause() {
        try {
            sleeper.sleep(POLL);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
