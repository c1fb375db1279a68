package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.probe.LeaseSettings;
import io.github.vpcroutefailover.probe.LeaseTenure;
import io.github.vpcroutefailover.probe.ProbeRun;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * No blind time between probe invocations (issue #17): short invocations started on a schedule overlap, and each
 * boundary is a hand-over of the DynamoDB lease. Counts only (who probed, in which order, how the lease changed
 * hands); ProbeHandoverBenchmark measures the gaps in time.
 */
@ExtendWith(LocalAwsExtension.class)
class ProbeHandoverIT {
    /** A 3 s schedule with 4.5 s invocations: the next one starts while the previous one has 1.5 s left. */
    private static final Duration PERIOD = Duration.ofSeconds(3);
    private static final Duration MAX_RUN = Duration.ofMillis(4500);
    private static final LeaseSettings LEASE = new LeaseSettings(Duration.ofSeconds(2), Duration.ofSeconds(1),
            PERIOD.minusSeconds(1), Duration.ofMillis(50), Duration.ofMillis(500));

    @Test
    void everyBoundaryIsAHandOverWithNoDoubleProbingAndTheLastInvocationReleases(LocalAws aws) throws Exception {
        try (HandoverHarness h = new HandoverHarness(aws)) {
            int count = 6;
            List<HandoverHarness.Invocation> runs = h.drive(count, PERIOD, MAX_RUN, LEASE, i -> false, null);

            assertThat(runs).allSatisfy(r -> assertThat(r.failure()).isNull());
            assertThat(runs).extracting(HandoverHarness::how).as("the first finds it free, every later one is handed it")
                    .containsExactly(LeaseTenure.How.FREE, LeaseTenure.How.HANDED_OVER, LeaseTenure.How.HANDED_OVER,
                            LeaseTenure.How.HANDED_OVER, LeaseTenure.How.HANDED_OVER, LeaseTenure.How.HANDED_OVER);
            assertThat(runs).extracting(r -> r.result().lease().generation()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(runs.subList(0, count - 1)).extracting(r -> r.result().run().stop()).containsOnly(ProbeRun.Stop.HANDED_OVER);
            assertThat(runs.get(count - 1).result().run().stop()).isEqualTo(ProbeRun.Stop.DEADLINE);
            assertThat(runs).allSatisfy(r -> assertThat(r.result().run().rounds()).as("invocation %d probed", r.index()).isPositive());
            assertThat(runs).allSatisfy(r -> assertThat(r.result().lease().counts().lost).isFalse());

            List<HandoverHarness.Boundary> boundaries = h.boundaries(count, "tcp-a");
            assertThat(boundaries).hasSize(count - 1);
            assertThat(boundaries).allSatisfy(b -> {
                assertThat(b.doubleProbes()).as("probes of both invocations interleaved at boundary %d", b.from()).isZero();
                assertThat(b.firstNew().seq()).isGreaterThan(b.lastOld().seq());
            });
            boundaries.forEach(b -> System.out.printf("HANDOVER boundary %d: gap %.0f ms, rounds old=%d new=%d%n", b.from(), b.gapMs(),
                    runs.get(b.from()).result().run().rounds(), runs.get(b.from() + 1).result().run().rounds()));
            ProbeLease last = h.lease().orElseThrow();
            assertThat(last.holder()).as("released at the end").isNull();
            assertThat(last.states()).as("with the counters for whoever comes next").containsKeys(h.s.natA, h.s.natB);
        }
    }

    @Test
    void aKilledInvocationIsReplacedWhenItsLeaseExpiresAndNeverProbesAlongsideItsSuccessor(LocalAws aws) throws Exception {
        try (HandoverHarness h = new HandoverHarness(aws)) {
            // Invocation 1 dies 300 ms after its first probe (it holds the lease then); invocation 2 starts about 2.5 s
            // later and must wait for the lease to expire (ttl 2 s + skew 0.5 s after the last renewal).
            List<HandoverHarness.Invocation> runs = h.drive(3, PERIOD, MAX_RUN, LEASE, i -> i == 1, Duration.ofMillis(300));

            assertThat(runs.get(1).result().lease().acquired()).as("it held the lease when it died").isNotNull();
            assertThat(HandoverHarness.how(runs.get(2))).isEqualTo(LeaseTenure.How.EXPIRED);
            assertThat(runs.get(1).result().run().stop()).isEqualTo(ProbeRun.Stop.INTERRUPTED);
            assertThat(runs).extracting(r -> r.result().lease().generation()).containsExactly(1L, 2L, 3L);
            assertThat(h.boundaries(3, "tcp-a")).allSatisfy(b -> assertThat(b.doubleProbes()).isZero());
        }
    }
}
