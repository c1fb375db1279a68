package io.github.vpcroutefailover.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.Planner;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its scenarios really are converged / really do fail over a third of the keys. */
class PlannerBenchmarkSetupTest {
    @Test
    void scenariosAreWhatTheyClaim() {
        Plan converged = new Planner().plan(PlannerBenchmark.build("converged"));
        assertThat(converged.routes()).hasSize(PlannerBenchmark.TABLES * PlannerBenchmark.ROUTES);
        assertThat(converged.actions()).isEmpty();
        Plan outage = new Planner().plan(PlannerBenchmark.build("zone-outage"));
        // Every table in us-east-1a held a us-east-1a target, all of which are now down: exactly those keys move.
        long zoneAKeys = converged.routes().stream().filter(s -> "us-east-1a".equals(s.zone())).count();
        assertThat(zoneAKeys).isEqualTo(67L * PlannerBenchmark.ROUTES);
        assertThat(outage.actions()).hasSize((int) zoneAKeys).allSatisfy(a -> assertThat(a.key().routeTableId()).isNotNull());
    }
}
