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

/**
 * Each candidate's standing in one plan: health from its stored target state and checks (or blocked by the resolver),
 * drained or not, since when healthy, and a detail saying why, for notes and status. Evaluated once per candidate and
 * plan.
 */
final class CandidateStanding {
    /** One candidate's standing in this plan. */
    record Eval(Candidate candidate, Health health, boolean drained, String detail, Instant healthySince) {
        boolean eligible() {
            return health == Health.HEALTHY && !drained;
        }
    }

    private final PlanInput in;
    private final Instant now;
    private final CandidateResolver.Resolved resolved;
    private final HealthEvaluator evaluator;
    // Candidates are resolved once per route spec and shared by its keys, so identity is a sound cache key.
    private final Map<Candidate, Eval> evals = new java.util.IdentityHashMap<>();

    CandidateStanding(PlanInput in, CandidateResolver.Resolved resolved, HealthEvaluator evaluator) {
        this.in = in;
        this.now = in.now();
        this.resolved = resolved;
        this.evaluator = evaluator;
    }

    Eval eval(Candidate c) {
        return evals.computeIfAbsent(c, this::evaluate);
    }


    private Eval evaluate(Candidate c) {
        TargetState state = in.targetStates().get(c.key());
        if (state == null) {
            state = TargetState.initial(c.key());
        }
        boolean drained = state.drained();
        String blocked = resolved.blocked().get(c.key());
        if (blocked != null) {
            return new Eval(c, Health.UNHEALTHY, drained, blocked, null);
        }
        Health h = evaluator.health(state, c.checks());
        String detail = switch (h) {
            case HEALTHY -> c.checks().isEmpty() ? "no checks (AWS runs it)" : "all checks passing";
            case UNHEALTHY -> checkDetails(state, c, Health.UNHEALTHY);
            case UNKNOWN -> checkDetails(state, c, Health.UNKNOWN);
        };
        Instant since = null;
        if (h == Health.HEALTHY) {
            // No checks and no stored state: healthy for as long as we know. Checked but no healthySince stored
            // (should not happen): count from now, so fail-back waits the full hold.
            since = state.healthySince() != null ? state.healthySince() : c.checks().isEmpty() ? Instant.EPOCH : now;
        }
        if (drained) {
            TargetState.Drain d = state.drain();
            detail = "drained by " + d.by() + " at " + d.at() + (d.reason() == null ? "" : " (" + d.reason() + ")") + "; " + detail;
        }
        return new Eval(c, h, drained, detail, since);
    }

    private String checkDetails(TargetState state, Candidate c, Health wanted) {
        List<String> parts = new ArrayList<>();
        for (String check : c.checks()) {
            Map<String, CheckState> byKey = HealthEvaluator.statesOf(state, check);
            CheckSpec spec = in.config().checks().get(check);
            if (byKey.isEmpty()) {
                if (wanted == Health.UNKNOWN) {
                    parts.add("no result yet from check " + check);
                }
                continue;
            }
            for (Map.Entry<String, CheckState> e : byKey.entrySet()) {
            String name = e.getKey();
            CheckState s = e.getValue();
            if (s.health() != wanted) {
                continue;
            }
            String detail = s.detail() == null || s.detail().isBlank() ? "" : " (" + s.detail() + ")";
            if (wanted == Health.UNHEALTHY) {
                parts.add(s.failures() > 0 ? "check " + name + " failed " + s.failures() + "x" + detail
                        : "check " + name + " recovering, " + s.passes() + "/" + (spec == null ? "?" : spec.rise()) + " passes" + detail);
            } else {
                parts.add("check " + name + " " + (s.passes() > 0 ? s.passes() + "/" + (spec == null ? "?" : spec.rise()) + " passes"
                        : s.failures() + "/" + (spec == null ? "?" : spec.fall()) + " failures") + " so far" + detail);
            }
            }
        }
        return parts.isEmpty() ? wanted.name().toLowerCase(java.util.Locale.ROOT) : String.join("; ", parts);
    }

    static String state(Eval e) {
        if (e.drained()) {
            return "drained: " + e.detail();
        }
        return e.health() + ": " + e.detail();
    }

    String summary(List<Candidate> cs) {
        if (cs.isEmpty()) {
            return "none configured or resolved";
        }
        Map<String, String> parts = new LinkedHashMap<>();
        for (Candidate c : cs) {
            Eval e = eval(c);
            parts.put(Planner.label(c), e.drained() ? "drained" : e.health().name());
        }
        return parts.entrySet().stream().map(x -> x.getKey() + " " + x.getValue()).collect(Collectors.joining(", "));
    }
}
