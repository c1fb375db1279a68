package io.github.vpcroutefailover.probe;

import static io.github.vpcroutefailover.probe.ProbeFixtures.T0;
import static io.github.vpcroutefailover.probe.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeClock;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeSleeper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class ProbeLoopBoundsTest {
    /**
     * Whatever the budget, interval and timeout (shorter than the interval, as the config requires): the loop runs
     * floor(budget / interval) rounds within one, every round starts one interval after the previous, and no round's
     * timeout reaches past the deadline.
     */
    @Property(tries = 200)
    void roundsAreBoundedByTheBudget(@ForAll @IntRange(min = 0, max = 120_000) int budgetMs,
                                     @ForAll @IntRange(min = 100, max = 10_000) int intervalMs,
                                     @ForAll @IntRange(min = 1, max = 99) int timeoutPercent) {
        long timeoutMs = Math.max(1, intervalMs * timeoutPercent / 100);
        FakeClock clock = FakeClock.fixed();
        List<Instant> starts = new CopyOnWriteArrayList<>();
        Prober instant = (address, check) -> {
            starts.add(clock.instant());
            return ProbeResult.pass(Duration.ZERO, "ok");
        };
        Instant deadline = T0.plusMillis(budgetMs);
        ProbeRun run;
        try (ProbeLoop loop = ProbeLoop.builder().prober(instant).clock(clock).sleeper(new FakeSleeper(clock))
                .settings(ProbeSettings.defaults().withInterval(Duration.ofMillis(intervalMs))).build()) {
            run = loop.run(List.of(new ProbeTarget("i-a", "10.0.0.1", List.of(tcp("tcp", 22, timeoutMs, intervalMs, 2, 3)))),
                    Map.of(), deadline);
        }

        long expected = budgetMs / intervalMs;
        assertThat((long) run.rounds()).isBetween(expected - 1, expected + 1);
        assertThat(starts).hasSize(run.rounds());
        for (int i = 0; i < starts.size(); i++) {
            assertThat(starts.get(i)).isEqualTo(T0.plusMillis((long) i * intervalMs));
            assertThat(starts.get(i).plusMillis(timeoutMs)).isBeforeOrEqualTo(deadline);
        }
        assertThat(run.skippedSlots()).isZero();
    }
}
