package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.probe.LeaseSettings;
import io.github.vpcroutefailover.probe.LeaseTenure;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The extra detection delay at probe invocation boundaries, in real time: {@code vrf.bench.invocations} short
 * invocations (default 12, so 11 boundaries) started every {@code vrf.bench.period} seconds (default 10), each
 * probing for up to {@code period + 4 s}, at the default probe settings and lease timing (the successor is expected
 * {@code period - 5 s} after an invocation's start, as 55 s of the production minute). For each boundary: the time
 * from the old invocation's last probe of a check to the new one's first. Without a boundary that gap is one
 * interval (1 s): the extra delay a failure right after the old invocation's last probe sees is the gap minus 1 s.
 * Not part of the normal build (name and {@code -Dvrf.bench=true}); command in BENCHMARKS.md.
 */
@EnabledIfSystemProperty(named = "vrf.bench", matches = "true")
@ExtendWith(LocalAwsExtension.class)
class ProbeHandoverBenchmark {
    private static final int INVOCATIONS = Integer.getInteger("vrf.bench.invocations", 12);
    private static final Duration PERIOD = Duration.ofSeconds(Integer.getInteger("vrf.bench.period", 10));

    @Test
    void extraDelayAtInvocationBoundaries(LocalAws aws) throws Exception {
        LeaseSettings lease = LeaseSettings.defaults().withSuccessorAfter(PERIOD.minusSeconds(5));
        try (HandoverHarness h = new HandoverHarness(aws)) {
            List<HandoverHarness.Invocation> runs = h.drive(INVOCATIONS, PERIOD, PERIOD.plusSeconds(4), lease, i -> false, null);
            assertThat(runs).allSatisfy(r -> assertThat(r.failure()).isNull());
            List<HandoverHarness.Boundary> boundaries = h.boundaries(INVOCATIONS, "tcp-a");
            StringBuilder out = new StringBuilder();
            out.append(String.format(Locale.ROOT, "invocations %d, period %d s, run %d s, lease %s%n", INVOCATIONS, PERIOD.toSeconds(),
                    PERIOD.plusSeconds(4).toSeconds(), lease));
            double worst = 0;
            long doubles = 0;
            long handovers = runs.stream().filter(r -> HandoverHarness.how(r) == LeaseTenure.How.HANDED_OVER).count();
            long expired = runs.stream().filter(r -> HandoverHarness.how(r) == LeaseTenure.How.EXPIRED).count();
            List<Double> extras = new java.util.ArrayList<>();
            for (HandoverHarness.Boundary b : boundaries) {
                double extra = b.gapMs() - 1000;
                extras.add(extra);
                worst = Math.max(worst, extra);
                doubles += b.doubleProbes();
                out.append(String.format(Locale.ROOT, "boundary %2d: gap %6.0f ms, extra %5.0f ms, rounds old %d new %d, double probes %d%n",
                        b.from(), b.gapMs(), extra, runs.get(b.from()).result().run().rounds(),
                        runs.get(b.from() + 1).result().run().rounds(), b.doubleProbes()));
            }
            List<Double> sorted = extras.stream().sorted().toList();
            out.append(String.format(Locale.ROOT, "boundaries %d, hand-overs %d, expired takeovers %d, double probes %d%n",
                    boundaries.size(), handovers, expired, doubles));
            out.append(String.format(Locale.ROOT, "extra delay at a boundary: median %.0f ms, worst %.0f ms (target < 500 ms)%n",
                    sorted.get(sorted.size() / 2), worst));
            System.out.print(out);
            Files.writeString(Path.of("target", "bench-probe-handover.txt"), out.toString());
            assertThat(boundaries).hasSizeGreaterThanOrEqualTo(10);
        }
    }
}
