package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.ports.CallDeadline;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FleetSchedulerTest {

    @Test
    void eachSiteGetsTheTimeLeftDividedByTheNumberOfWaves() {
        FleetScheduler s = new FleetScheduler(8);
        Duration total = Duration.ofSeconds(40);
        assertThat(s.budget(1, total)).isEqualTo(total);
        assertThat(s.budget(8, total)).isEqualTo(total);
        assertThat(s.budget(9, total)).isEqualTo(Duration.ofSeconds(20));
        assertThat(s.budget(50, total)).isEqualTo(Duration.ofSeconds(40).dividedBy(7));
    }

    @Test
    void everySiteRunsUnderItsOwnDeadlineNoLaterThanItsBudget() {
        FleetScheduler s = new FleetScheduler(2);
        Map<String, Duration> seen = new ConcurrentHashMap<>();
        List<FleetScheduler.Run<String, String>> runs = CallDeadline.within(System.nanoTime() + Duration.ofSeconds(30).toNanos(),
                () -> s.run(List.of("a", "b", "c", "d"), site -> {
                    seen.put(site, CallDeadline.remaining().orElseThrow());
                    return site.toUpperCase();
                }));
        assertThat(runs).extracting(FleetScheduler.Run::value).containsExactly("A", "B", "C", "D");
        assertThat(runs).allSatisfy(r -> assertThat(r.budget()).isLessThanOrEqualTo(Duration.ofSeconds(15)));
        assertThat(seen.values()).hasSize(4).allSatisfy(d -> assertThat(d).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(15)));
    }

    @Test
    void aFailingSiteIsItsOwnOutcomeAndTheOthersSucceed() {
        FleetScheduler s = new FleetScheduler(4);
        List<FleetScheduler.Run<String, String>> runs = s.run(List.of("a", "denied", "c"), site -> {
            if (site.equals("denied")) {
                throw new IllegalStateException("AccessDenied: not authorized to perform sts:AssumeRole");
            }
            return site;
        });
        assertThat(runs).extracting(FleetScheduler.Run::ok).containsExactly(true, false, true);
        assertThat(runs.get(1).failure()).hasMessageContaining("AccessDenied");
        assertThat(runs.get(0).value()).isEqualTo("a");
        assertThat(runs.get(2).value()).isEqualTo("c");
    }

    @Test
    void theStartOrderRotatesSoNoSiteIsAlwaysLast() {
        FleetScheduler s = new FleetScheduler(1);
        List<String> sites = List.of("a", "b", "c");
        int[] lastOfA = new int[3];
        for (int i = 0; i < 3; i++) {
            lastOfA[i] = s.run(sites, site -> site).get(0).startPosition();
        }
        assertThat(lastOfA).containsExactly(0, 2, 1);
    }

    @Test
    void aSiteThatIgnoresItsDeadlineGivesItsSlotBackAtTheEndOfItsBudget() throws InterruptedException {
        // One thread, three sites: the hung one must not keep the other two from running at all.
        FleetScheduler s = new FleetScheduler(1);
        CountDownLatch never = new CountDownLatch(1);
        List<FleetScheduler.Run<String, String>> runs = CallDeadline.within(System.nanoTime() + Duration.ofMillis(900).toNanos(),
                () -> s.run(List.of("hung", "b", "c"), site -> {
                    if (site.equals("hung")) {
                        try {
                            never.await(20, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        return "too late";
                    }
                    return site;
                }));
        never.countDown();
        assertThat(runs.get(0).ok()).isFalse();
        assertThat(runs.get(0).failure()).isInstanceOf(FleetScheduler.OverBudgetException.class);
        assertThat(runs.get(1).value()).isEqualTo("b");
        assertThat(runs.get(2).value()).isEqualTo("c");
    }
}
