package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import java.util.List;
import java.util.Map;

/**
 * What one {@link ProbeLoop#run} did.
 *
 * @param rounds            rounds run
 * @param skippedSlots      interval slots skipped because a round (or a trigger call) overran into them
 * @param probes            probes made, by target key, then check name
 * @param states            in-memory check states at the end, by target key, then check name
 * @param undelivered       observations not yet handed to the {@link FailoverTrigger}; the caller should persist them
 *                          (apply to stored state) so the next invocation's counters continue from here
 * @param failedCalls       successful {@link FailoverTrigger#targetsFailed} calls
 * @param recoveredCalls    successful {@link FailoverTrigger#targetsRecovered} calls
 * @param triggerErrors     trigger calls that threw (their observations stayed pending and were retried)
 * @param stop              why the loop ended
 */
public record ProbeRun(int rounds, int skippedSlots, Map<String, Map<String, Integer>> probes,
                       Map<String, Map<String, CheckState>> states, List<Observation> undelivered,
                       int failedCalls, int recoveredCalls, int triggerErrors, Stop stop) {
    public enum Stop {
        /** The next round could not have finished before the deadline. */
        DEADLINE,
        /** The thread was interrupted (shutdown). */
        INTERRUPTED,
        /** The probe lease went to the next invocation, which probes on from these counters ({@link LeaseTenure}). */
        HANDED_OVER,
        /** Another invocation holds the probe lease now (a renewal lost): this one must not probe on. */
        LEASE_LOST,
        /** The lease could not be renewed and the next round could not have ended before it expired. */
        LEASE_EXPIRED
    }

    public ProbeRun {
        probes = Map.copyOf(probes);
        states = Map.copyOf(states);
        undelivered = List.copyOf(undelivered);
    }

    /**
     * This run followed by {@code next} of the same invocation (the loop restarted after re-taking a lapsed lease):
     * counts add up; states, undelivered observations and the stop reason are the later run's (its counters were
     * seeded from this one's).
     */
    public ProbeRun then(ProbeRun next) {
        Map<String, Map<String, Integer>> sum = new java.util.LinkedHashMap<>();
        for (ProbeRun r : List.of(this, next)) {
            r.probes.forEach((target, byCheck) -> byCheck.forEach((check, n) ->
                    sum.computeIfAbsent(target, k -> new java.util.LinkedHashMap<>()).merge(check, n, Integer::sum)));
        }
        sum.replaceAll((k, v) -> Map.copyOf(v));
        return new ProbeRun(rounds + next.rounds, skippedSlots + next.skippedSlots, sum, next.states, next.undelivered,
                failedCalls + next.failedCalls, recoveredCalls + next.recoveredCalls, triggerErrors + next.triggerErrors, next.stop);
    }

    public int probes(String targetKey, String check) {
        return probes.getOrDefault(targetKey, Map.of()).getOrDefault(check, 0);
    }

    public Health health(String targetKey, String check) {
        CheckState s = states.getOrDefault(targetKey, Map.of()).get(check);
        return s == null ? Health.UNKNOWN : s.health();
    }
}
