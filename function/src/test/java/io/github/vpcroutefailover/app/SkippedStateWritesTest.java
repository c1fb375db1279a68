package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The reconciler skips saving a target state whose change nobody plans on ({@link Reconciler#sameForPlanning}), so
 * the stored {@code lastAt} can lag behind the newest observation applied. The agent-metric source re-delivers every
 * datapoint of its window on each reconcile, so some observations are applied again on the next reconcile. This
 * checks that this never changes a verdict: the health, its change time, {@code healthySince} and the counters up to
 * rise/fall are the same as if every state had been saved.
 */
class SkippedStateWritesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @Test
    void reDeliveredObservationsAfterASkippedWriteNeverChangeAVerdict() {
        HealthEvaluator evaluator = new HealthEvaluator();
        Random random = new Random(20301);
        for (int run = 0; run < 400; run++) {
            int rise = 1 + random.nextInt(4);
            int fall = 1 + random.nextInt(4);
            Map<String, CheckSpec> checks = Map.of("egress", new CheckSpec.Agent("egress", "egress", Duration.ofSeconds(30), rise, fall));
            // A datapoint per second, mostly in streaks, sometimes flipping.
            List<Observation> datapoints = new ArrayList<>();
            boolean passing = random.nextBoolean();
            for (int i = 1; i <= 120; i++) {
                if (random.nextInt(8) == 0) {
                    passing = !passing;
                }
                datapoints.add(new Observation("i-1", "egress", passing, false, T0.plusSeconds(i), "agent-metric", passing ? "ok" : "fail"));
            }
            TargetState always = TargetState.initial("i-1");
            TargetState skipping = TargetState.initial("i-1");
            int step = 1 + random.nextInt(10);
            int window = step + random.nextInt(30);
            for (int now = step; now <= 120; now += step) {
                int from = Math.max(0, now - window);
                List<Observation> batch = datapoints.subList(from, now);
                Instant at = T0.plusSeconds(now);
                always = evaluator.apply(always, checks, batch, at);
                TargetState next = evaluator.apply(skipping, checks, batch, at);
                if (!TargetStateFolder.sameForPlanning(skipping, next, checks)) {
                    skipping = next;
                }
                assertThat(evaluator.health(skipping, List.of("egress"))).isEqualTo(evaluator.health(always, List.of("egress")));
                assertThat(skipping.healthySince()).isEqualTo(always.healthySince());
                CheckState a = always.checks().get("egress");
                CheckState s = skipping.checks().get("egress");
                if (a != null) {
                    assertThat(s.changedAt()).isEqualTo(a.changedAt());
                    assertThat(Math.min(s.passes(), rise)).isEqualTo(Math.min(a.passes(), rise));
                    assertThat(Math.min(s.failures(), fall)).isEqualTo(Math.min(a.failures(), fall));
                }
            }
        }
    }
}
