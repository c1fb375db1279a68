package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.FleetScheduler;
import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Converged reconcile of 1, 10 and 50 VPCs (half in each of two accounts, reached by roles) from one controller:
 * API calls by operation and wall time (BENCHMARKS.md "Many VPCs"). Opt-in: {@code -Dvrf.bench=true}; the name
 * matches neither Surefire's nor Failsafe's patterns. Writes {@code target/bench-fleet.txt}.
 */
@EnabledIfSystemProperty(named = "vrf.bench", matches = "true")
@ExtendWith(LocalAwsExtension.class)
class FleetScaleBenchmark {
    private static final int RUNS = Integer.getInteger("vrf.bench.runs", 5);

    @ParameterizedTest(name = "{0} VPCs x {1} routes")
    @CsvSource({"1, 1", "10, 1", "10, 5", "50, 1", "50, 5"})
    void convergedReconcile(int vpcs, int routes, LocalAws aws) throws IOException {
        try (FleetWorld w = new FleetWorld(aws)) {
            w.addGatewayVpcs(FleetWorld.ACCOUNT_A, (vpcs + 1) / 2, routes);
            w.addGatewayVpcs(FleetWorld.ACCOUNT_B, vpcs / 2, routes);
            FleetComponents f = w.fleet(Integer.getInteger("vrf.bench.parallelism", 8));
            List<FleetScheduler.Run<VpcSite, ReconcileResult>> first = f.controller().reconcile("bench");
            assertThat(first).allSatisfy(r -> assertThat(r.ok()).as(String.valueOf(r.failure())).isTrue());
            long[] nanos = new long[RUNS];
            Map<String, Long> calls = null;
            for (int i = 0; i < RUNS; i++) {
                aws.calls().reset();
                long start = System.nanoTime();
                List<FleetScheduler.Run<VpcSite, ReconcileResult>> runs = f.controller().reconcile("bench");
                nanos[i] = System.nanoTime() - start;
                assertThat(runs).allSatisfy(r -> assertThat(r.ok() && r.value().converged()).isTrue());
                // Every client of the world (home, each account's, STS) counts in the shared counter too.
                calls = new TreeMap<>(aws.calls().snapshot());
            }
            java.util.Arrays.sort(nanos);
            long total = calls.values().stream().mapToLong(Long::longValue).sum();
            String line = String.format("%d VPCs x %d routes: %d calls %s; wall median %d ms, max %d ms (%d runs)%n", vpcs, routes,
                    total, calls, nanos[RUNS / 2] / 1_000_000, nanos[RUNS - 1] / 1_000_000, RUNS);
            System.out.print(line);
            Files.writeString(Path.of("target/bench-fleet.txt"), line, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
    }
}
