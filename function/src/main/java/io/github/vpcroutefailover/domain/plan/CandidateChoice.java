package io.github.vpcroutefailover.domain.plan;

import io.github.vpcroutefailover.domain.model.Candidate;
import java.util.List;
import java.util.Optional;
import java.util.function.ToIntFunction;

/**
 * The one rule for which eligible candidate a route in a table goes to. The planner uses it for every automatic
 * move and a manual failover without a target uses it too, so an operator's "move it" lands where the planner would
 * have put it (same zone first, then least loaded; a fallback only when no regular candidate is eligible).
 */
public final class CandidateChoice {
    private CandidateChoice() {
    }

    /** A choice and why it was made. */
    public record Pick(Candidate candidate, String why) {
    }

    /** Without zone affinity: the first eligible candidate in preference order. */
    public static Optional<Pick> inOrder(List<Candidate> eligible) {
        return eligible.isEmpty() ? Optional.empty() : Optional.of(new Pick(eligible.get(0), "first healthy in preference order"));
    }

    /** With zone affinity: the first eligible candidate in the table's zone. A gateway has no zone and is never "same zone". */
    public static Optional<Pick> sameZone(List<Candidate> eligible, String zone) {
        if (zone == null) {
            return Optional.empty();
        }
        return eligible.stream().filter(c -> zone.equals(c.zone())).findFirst().map(c -> new Pick(c, "same zone preferred"));
    }

    /** The eligible candidate carrying the fewest other tables (ties: preference order). */
    public static Optional<Pick> leastLoaded(List<Candidate> eligible, String zone, ToIntFunction<Candidate> load) {
        if (eligible.isEmpty()) {
            return Optional.empty();
        }
        Candidate least = eligible.get(0);
        for (Candidate c : eligible) {
            if (load.applyAsInt(c) < load.applyAsInt(least)) {
                least = c;
            }
        }
        return Optional.of(new Pick(least, (zone == null ? "table has no single zone" : "no healthy candidate in " + zone)
                + "; least loaded: " + load.applyAsInt(least) + " other table(s)"));
    }

    /**
     * The whole rule for regular candidates once every table's load is known: in order without zone affinity, else
     * same zone, else least loaded.
     */
    public static Optional<Pick> best(List<Candidate> eligible, String zone, boolean zoneAffinity, ToIntFunction<Candidate> load) {
        if (!zoneAffinity) {
            return inOrder(eligible);
        }
        return sameZone(eligible, zone).or(() -> leastLoaded(eligible, zone, load));
    }
}
