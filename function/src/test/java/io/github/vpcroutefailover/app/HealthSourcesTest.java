package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.HealthSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.Test;

class HealthSourcesTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void everySourceIsAskedOnceWithAllCandidatesAndAFailingSourceIsReportedNotFatal() {
        List<Candidate> candidates = List.of(
                new Candidate("nat-a", RouteTarget.eni("eni-a", "i-a"), "az-a", List.of("ec2", "agent"), false),
                new Candidate("nat-b", RouteTarget.eni("eni-b", "i-b"), "az-b", List.of("ec2", "agent"), false));
        List<Collection<Candidate>> asked = new ArrayList<>();
        HealthSource ec2 = (cs, now) -> {
            asked.add(cs);
            return cs.stream().map(c -> new Observation(c.key(), "ec2", true, false, now, "ec2", "running")).toList();
        };
        HealthSource broken = (cs, now) -> {
            asked.add(cs);
            throw new IllegalStateException("CloudWatch unreachable");
        };
        HealthSource alarms = (cs, now) -> {
            asked.add(cs);
            return List.of(new Observation("i-a", "alarm", false, true, now, "alarm", "ALARM"));
        };

        HealthSources.Gathered g = HealthSources.of(ec2, broken, alarms).gather(candidates, NOW);

        assertThat(asked).hasSize(3).allSatisfy(c -> assertThat(c).containsExactlyElementsOf(candidates));
        assertThat(g.observations()).extracting(Observation::check).containsExactly("ec2", "ec2", "alarm");
        assertThat(g.failures()).singleElement().satisfies(f -> assertThat(f).contains("CloudWatch unreachable"));
    }
}
