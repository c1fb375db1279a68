package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.plan.CandidateStanding.Eval;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which candidate a route goes to, for one planning pass: the best eligible one ({@link CandidateChoice}: same zone,
 * preference order, then least loaded over the pass's placements so far) and the fail-back target. What to do with the
 * route (keep, move, withdraw, defer) is the {@link Planner}'s. Eligibility comes from the caller: the planner judges a
 * candidate per route (its data path can fail for one route and not for another).
 */
final class CandidatePicker {
    /** Routes per target key placed so far in this pass; the planner adds to it as it decides. */
    private final Map<String, Integer> load;
    private final Instant now;

    CandidatePicker(Map<String, Integer> load, Instant now) {
        this.load = load;
        this.now = now;
    }

    /** A choice among the candidates; {@code defer}: wait for phase 2 (least-loaded, once same-zone tables are placed). */
    record Pick(Candidate candidate, String why, boolean defer) {
        /** " in <zone> (<why>)", for the decision's reason. */
        String where() {
            return (candidate.zone() == null ? "" : " in " + candidate.zone()) + " (" + why + ")";
        }
    }

    /** {@link CandidateChoice}, deferring the least-loaded step to phase 2 (when every same-zone table is placed). */
    Pick best(Function<Candidate, Eval> eval, List<Candidate> regular, String zone, RoutePolicy policy, boolean phase2) {
        List<Candidate> eligible = regular.stream().filter(c -> eval.apply(c).eligible()).toList();
        if (eligible.isEmpty()) {
            return new Pick(null, null, false);
        }
        Optional<CandidateChoice.Pick> pick = policy.zoneAffinity() ? CandidateChoice.sameZone(eligible, zone)
                : CandidateChoice.inOrder(eligible);
        if (pick.isEmpty() && !phase2) {
            return new Pick(null, null, true);
        }
        CandidateChoice.Pick chosen = pick.or(() -> CandidateChoice.leastLoaded(eligible, zone, c -> load.getOrDefault(c.key(), 0)))
                .orElseThrow();
        return new Pick(chosen.candidate(), chosen.why(), false);
    }

    /**
     * The most preferred eligible candidate ranked above the holder that has been healthy for the hold time.
     * With zone affinity only same-zone candidates outrank: among other-zone candidates the least-loaded
     * placement stands, or fail-back would undo the spread it made.
     */
    Candidate failBack(Function<Candidate, Eval> eval, Candidate holder, List<Candidate> regular, String zone, RoutePolicy policy) {
        List<Candidate> better;
        if (policy.zoneAffinity()) {
            if (zone == null) {
                return null;
            }
            List<Candidate> sameZone = regular.stream().filter(c -> zone.equals(c.zone())).toList();
            int at = sameZone.indexOf(holder);
            better = at < 0 ? sameZone : sameZone.subList(0, at);
        } else {
            int at = regular.indexOf(holder);
            better = at < 0 ? regular : regular.subList(0, at);
        }
        Instant threshold = now.minus(policy.failBack().holdTime());
        for (Candidate c : better) {
            Eval e = eval.apply(c);
            if (e.eligible() && e.healthySince() != null && !e.healthySince().isAfter(threshold)) {
                return c;
            }
        }
        return null;
    }
}
