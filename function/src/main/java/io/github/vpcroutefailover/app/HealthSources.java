package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.ports.HealthSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the observations of several health sources (EC2 status, agent metrics, alarms, ...). Each source is asked
 * once per reconcile with every candidate, so a source that batches (GetMetricData, DescribeAlarms) makes a fixed
 * number of calls however many targets there are.
 *
 * <p>A source that fails contributes nothing this time and is reported, rather than failing the reconcile: the
 * other sources' observations (a stopped instance, say) must still be able to move routes, and a check whose source
 * is down simply keeps its last stored verdict. A source that is down for long is the source's own staleness
 * problem to report as failing observations once it can be read again.
 */
public final class HealthSources implements HealthSource {
    private static final Logger LOG = LoggerFactory.getLogger(HealthSources.class);

    private final List<HealthSource> sources;

    private HealthSources(List<HealthSource> sources) {
        this.sources = List.copyOf(sources);
    }

    public static HealthSources of(List<HealthSource> sources) {
        sources.forEach(s -> Objects.requireNonNull(s, "health source"));
        return new HealthSources(sources);
    }

    public static HealthSources of(HealthSource... sources) {
        return of(List.of(sources));
    }

    /**
     * @param observations every source's observations, in source order
     * @param failures     one line per source that threw, naming it and the error
     */
    public record Gathered(List<Observation> observations, List<String> failures) {
        public Gathered {
            observations = List.copyOf(observations);
            failures = List.copyOf(failures);
        }
    }

    public Gathered gather(Collection<Candidate> candidates, Instant now) {
        List<Observation> out = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (HealthSource source : sources) {
            try {
                out.addAll(source.observe(candidates, now));
            } catch (RuntimeException e) {
                String name = source.getClass().getSimpleName().isEmpty() ? source.getClass().getName() : source.getClass().getSimpleName();
                String msg = "health source " + name + " failed, its checks keep their last state this time: " + e;
                LOG.atError().addKeyValue("event", "health-source-failed").addKeyValue("source", name).setCause(e).log(msg);
                failures.add(msg);
            }
        }
        return new Gathered(out, failures);
    }

    @Override
    public List<Observation> observe(Collection<Candidate> candidates, Instant now) {
        return gather(candidates, now).observations();
    }
}
