package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A correlated data-path failure moves nothing, so it gets its own metric (one per route and reconcile). */
class EmfMetricsDataPathTest {
    @Test
    void correlatedDataPathNotesAreCountedOncePerRoute() {
        List<String> lines = new ArrayList<>();
        EmfMetrics m = new EmfMetrics("VpcRouteFailover", lines::add, Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));
        List<PlanNote> notes = List.of(
                new PlanNote(PlanNote.Level.WARN, "egress", null, DataPaths.CORRELATED_NOTE + " of route 'egress' (...)"),
                new PlanNote(PlanNote.Level.WARN, "egress", null, DataPaths.CORRELATED_NOTE + " of route 'egress' (second table)"),
                new PlanNote(PlanNote.Level.WARN, "other", null, "something else"));
        m.reconciled(new ReconcileResult(Instant.EPOCH, "t", false, new Plan(List.of(), notes, List.of()), List.of(), notes, 0, 0, true),
                Duration.ofMillis(5));
        assertThat(lines).filteredOn(l -> l.contains("DataPathCorrelatedFailure")).singleElement()
                .satisfies(l -> assertThat(l).contains("\"RouteName\":\"egress\""));

        lines.clear();
        m.reconciled(new ReconcileResult(Instant.EPOCH, "t", true, new Plan(List.of(), notes, List.of()), List.of(), notes, 0, 0, true),
                Duration.ofMillis(5));
        assertThat(lines).as("dry runs publish no counts").noneMatch(l -> l.contains("DataPathCorrelatedFailure"));
    }

    @Test
    void aDrillIsCountedAsPassedOrFailedPerRoute() {
        List<String> lines = new ArrayList<>();
        EmfMetrics m = new EmfMetrics("VpcRouteFailover", lines::add, Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC));
        m.drilled("egress", true);
        m.drilled("egress", false);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("\"DrillPassed\":1").contains("\"RouteName\":\"egress\"").doesNotContain("DrillFailed");
        assertThat(lines.get(1)).contains("\"DrillFailed\":1").contains("\"RouteName\":\"egress\"");
    }
}
