package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.plan.CandidateStanding.Eval;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A route's data-path verdicts on its candidates, on top of their own standing. Rules (docs/planner.md, "Data path"):
 *
 * <ul>
 *   <li>FAILED: some vantage of a bound data-path check is UNHEALTHY and its last result is younger than the check's
 *   {@code forgetAfter}; PASSING: every bound check observed and HEALTHY; else UNTESTED (a standby that never carried
 *   the route has no data-path result, and that must not block it).</li>
 *   <li>A FAILED candidate is not eligible for this route (whatever its own checks say), unless the failure is
 *   <b>correlated</b>: every candidate that is eligible by its own checks is FAILED. Then the destination itself is
 *   likely down (or the check misconfigured): moving would not help and could flap, so the data path is held against
 *   nobody, the routes stay, and a WARN note (an event and a metric downstream) says so.</li>
 * </ul>
 */
final class DataPathJudge {
    /** Notes about correlated data-path failure start with this (listeners count them as events and metrics). */
    static final String CORRELATED = DataPaths.CORRELATED_NOTE;

    enum Verdict { FAILED, PASSING, UNTESTED }

    private final PlanInput in;
    private final CandidateStanding standing;
    private final Map<RouteSpec, List<CheckSpec.DataPath>> checks = new IdentityHashMap<>();
    private final Map<RouteSpec, String> correlated = new IdentityHashMap<>();

    DataPathJudge(PlanInput in, CandidateStanding standing) {
        this.in = in;
        this.standing = standing;
    }

    private List<CheckSpec.DataPath> checksOf(RouteSpec spec) {
        return checks.computeIfAbsent(spec, s -> DataPaths.checksOf(in.config(), s.name()));
    }

    Verdict verdict(RouteSpec spec, Candidate c) {
        List<CheckSpec.DataPath> dps = checksOf(spec);
        if (dps.isEmpty()) {
            return Verdict.UNTESTED;
        }
        TargetState state = in.targetStates().get(c.key());
        boolean allPassing = state != null;
        for (CheckSpec.DataPath dp : dps) {
            Map<String, CheckState> states = state == null ? Map.of() : HealthEvaluator.statesOf(state, dp.name());
            if (states.isEmpty()) {
                allPassing = false;
            }
            for (CheckState s : states.values()) {
                if (s.health() == Health.UNHEALTHY && DataPaths.fresh(s.lastAt(), in.now(), dp.forgetAfter())) {
                    return Verdict.FAILED;
                }
                allPassing &= s.health() == Health.HEALTHY && DataPaths.fresh(s.lastAt(), in.now(), dp.forgetAfter());
            }
        }
        return allPassing ? Verdict.PASSING : Verdict.UNTESTED;
    }

    /** Null, or why the data-path failure of this route is correlated (every own-eligible candidate FAILED). */
    String correlated(RouteSpec spec, List<Candidate> candidates) {
        return correlated.computeIfAbsent(spec, s -> {
            if (checksOf(s).isEmpty()) {
                return "";
            }
            List<Candidate> ownEligible = candidates.stream().filter(c -> standing.eval(c).eligible()).toList();
            if (ownEligible.isEmpty() || !ownEligible.stream().allMatch(c -> verdict(s, c) == Verdict.FAILED)) {
                return "";
            }
            return CORRELATED + " of route '" + s.name() + "' (" + ownEligible.stream().map(Planner::label).collect(Collectors.joining(", "))
                    + ": " + checksOf(s).stream().map(CheckSpec::name).collect(Collectors.joining(", "))
                    + "): the destination itself is likely down, so no hop is failed for it and the routes stay where they are";
        }).transform(r -> r.isEmpty() ? null : r);
    }

    /** The candidate's standing for this route: its own, made UNHEALTHY by a failed data path unless correlated. */
    Eval eval(RouteSpec spec, List<Candidate> candidates, Candidate c) {
        Eval own = standing.eval(c);
        if (own.health() == Health.UNHEALTHY || verdict(spec, c) != Verdict.FAILED || correlated(spec, candidates) != null) {
            return own;
        }
        return new Eval(c, Health.UNHEALTHY, own.drained(), "data path failed (" + failureDetail(spec, c) + ")", null);
    }

    private String failureDetail(RouteSpec spec, Candidate c) {
        TargetState state = in.targetStates().get(c.key());
        List<String> parts = new ArrayList<>();
        for (CheckSpec.DataPath dp : checksOf(spec)) {
            HealthEvaluator.statesOf(state, dp.name()).forEach((k, s) -> {
                if (s.health() == Health.UNHEALTHY) {
                    parts.add("check " + k + " failed " + s.failures() + "x" + (s.detail() == null ? "" : ": " + s.detail()));
                }
            });
        }
        return String.join("; ", parts);
    }
}
