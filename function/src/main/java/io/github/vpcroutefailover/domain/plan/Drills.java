package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.plan.RouteStatus.CandidateHealth;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The rules of a failover drill (issue #14, docs/handlers.md "drill"): when one may start, which standby it moves a
 * table to, and how the standby's data path is judged from what the probe stored after the move. Pure: the
 * controller has no view from the private subnet, so the verdict is read from the data-path check states the probe
 * functions fold into the target state of the hop each table holds.
 */
public final class Drills {
    /** Pin reasons of a drill start with this; a table pinned by anyone (a drill included) refuses a new drill. */
    public static final String PIN_PREFIX = "drill ";

    private Drills() {
    }

    /** Pass: the standby carried the data path; FAIL: its data path failed; PENDING: nothing observed since the move. */
    public enum Outcome { PASS, FAIL, PENDING }

    public record Verdict(Outcome outcome, String detail) {
    }

    /**
     * Why a drill of this table must not start now, or empty. Every candidate must be HEALTHY and undrained (a drill
     * must never be the moment two things are broken at once), the route must be on a hop, and no pin may be active
     * (an operator's pin, or another drill's: a duplicate drill is refused here).
     */
    public static Optional<String> refusal(RouteStatus s, Ownership owner, Instant now) {
        String where = s.routeName() + " in " + s.key().routeTableId();
        List<String> bad = new ArrayList<>();
        for (CandidateHealth c : s.candidates()) {
            if (c.health() != Health.HEALTHY || c.drained()) {
                bad.add(c.candidate().targetName() + " is " + (c.drained() ? "drained" : c.health())
                        + (c.detail() == null || c.detail().isBlank() ? "" : " (" + c.detail() + ")"));
            }
        }
        if (!bad.isEmpty()) {
            return Optional.of("no drill while a candidate of " + where + " is unhealthy: " + String.join("; ", bad));
        }
        if (s.current() == null || s.blackhole()) {
            return Optional.of(where + " is on no working hop now (" + (s.current() == null ? "absent" : "blackhole") + ")");
        }
        if (owner != null && owner.pin() != null && owner.pin().activeAt(now)) {
            Ownership.Pin p = owner.pin();
            return Optional.of(where + " is pinned until " + p.expiresAt() + " by " + p.by() + " (" + p.reason() + ")"
                    + (p.reason() != null && p.reason().startsWith(PIN_PREFIX) ? ": a drill is already running"
                    : "; unpin it first"));
        }
        return Optional.empty();
    }

    /**
     * The standby a drill moves the table to: the first regular (non-fallback) candidate in preference order on
     * another hop, preferring the table's zone, as a failover would; empty when the route has none.
     */
    public static Optional<Candidate> standby(RouteStatus s) {
        List<Candidate> others = s.candidates().stream().map(CandidateHealth::candidate)
                .filter(c -> !c.fallback() && (s.current() == null || !c.target().sameHopAs(s.current()))).toList();
        return others.stream().filter(c -> s.zone() != null && s.zone().equals(c.zone())).findFirst()
                .or(() -> others.stream().findFirst());
    }

    /**
     * Judges the standby's data path from the states of the route's data-path checks stored on it, counting only
     * observations made after {@code movedAt} (the reconcile attributes a data-path result to the hop the table holds
     * when it is folded, so these are results through the standby). FAIL as soon as one vantage's check went
     * UNHEALTHY (the same fall rule that fails a hop) or last failed, PASS when every check has a passing result,
     * else PENDING.
     */
    public static Verdict verdict(List<CheckSpec.DataPath> checks, TargetState standby, Instant movedAt) {
        if (checks.isEmpty()) {
            return new Verdict(Outcome.FAIL, "no data-path check is bound to the route");
        }
        boolean allPassed = true;
        List<String> seen = new ArrayList<>();
        for (CheckSpec.DataPath dp : checks) {
            Map<String, CheckState> states = standby == null ? Map.of() : HealthEvaluator.statesOf(standby, dp.name());
            boolean passed = false;
            for (Map.Entry<String, CheckState> e : states.entrySet()) {
                CheckState st = e.getValue();
                if (st.lastAt() == null || !st.lastAt().isAfter(movedAt)) {
                    continue;
                }
                if (st.health() == Health.UNHEALTHY && st.changedAt() != null && st.changedAt().isAfter(movedAt)
                        || st.failures() >= dp.fall()) {
                    return new Verdict(Outcome.FAIL, e.getKey() + " failed through the standby: " + st.detail());
                }
                if (st.failures() == 0 && st.passes() > 0) {
                    passed = true;
                    seen.add(e.getKey() + " passed: " + st.detail());
                }
            }
            allPassed &= passed;
        }
        return allPassed ? new Verdict(Outcome.PASS, String.join("; ", seen))
                : new Verdict(Outcome.PENDING, "no passing data-path result through the standby since " + movedAt);
    }
}
