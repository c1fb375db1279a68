package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Raw check results for candidates. Each source answers only the check types it knows (EC2 status, agent
 * metrics, probes, alarms); the reconciler merges them and the health evaluator applies rise/fall.
 */
@FunctionalInterface
public interface HealthSource {
    List<Observation> observe(Collection<Candidate> candidates, Instant now);
}
