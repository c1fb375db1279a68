package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failure-to-ROUTE-FLIP in real time: a real TCP listener on 127.0.0.1 behind the NAT instance that holds table a is
 * killed, and we measure until the ReplaceRoute that moves table a has returned from moto (after the claim in DynamoDB
 * Local). Real ProbeLoop, CheckProber, system clock and sleeper, at the DEFAULT settings (a tcp check with only its
 * port, {@link ProbeSettings#defaults()}); {@code -Dvrf.bench.failure=dropped} makes the listener drop SYNs instead of
 * refusing. Not part of the
 * normal build (the name matches neither Surefire's nor Failsafe's patterns, and it needs {@code -Dvrf.bench=true});
 * see docs/bench-probe.md for the command.
 */
@EnabledIfSystemProperty(named = "vrf.bench", matches = "true")
@ExtendWith(LocalAwsExtension.class)
class FailureToRouteFlipBenchmark {
    private static final int RUNS = Integer.getInteger("vrf.bench.runs", 20);
    /** {@code refused} (the listener is closed: RST at once) or {@code dropped} (SYNs dropped: connects time out). */
    private static final String FAILURE = System.getProperty("vrf.bench.failure", "refused");

    /** A route write that returned: which table, to what, when (System.nanoTime). */
    record Flip(String routeTableId, String targetId, long at) {
    }

    @Test
    void failureToRouteFlip(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws, Instant.now());
        try (LoopbackListener a = LoopbackListener.open(); LoopbackListener b = LoopbackListener.open();
             CheckProber prober = new CheckProber()) {
            prober.warmUp();
            FailoverConfig config = ConfigLoader.parse("""
                    version: 1
                    vpc: %s
                    checks:
                      tcp-a: {type: tcp, port: %d}
                      tcp-b: {type: tcp, port: %d}
                    targets:
                      nat-a: {instance: %s, checks: [tcp-a], sourceDestCheck: fix}
                      nat-b: {instance: %s, checks: [tcp-b], sourceDestCheck: fix}
                    routes:
                      - name: default-egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a, nat-b]
                        policy: {zoneAffinity: true, failBack: never}
                    """.formatted(s.net.vpcId(), a.port(), b.port(), s.natA, s.natB), "bench.yaml");
            BlockingQueue<Flip> flips = new LinkedBlockingQueue<>();
            RouteTables real = new Ec2RouteTables(s.ec2);
            RouteTables recording = new RouteTables() {
                @Override
                public List<ObservedRouteTable> describeVpcTables(String vpcId) {
                    return real.describeVpcTables(vpcId);
                }

                @Override
                public List<ObservedRouteTable> describeTables(Collection<String> ids) {
                    return real.describeTables(ids);
                }

                @Override
                public ApplyOutcome upsert(String rtb, Destination d, RouteTarget t, boolean exists, boolean dryRun) {
                    ApplyOutcome o = real.upsert(rtb, d, t, exists, dryRun);
                    flips.add(new Flip(rtb, t.id(), System.nanoTime()));
                    return o;
                }

                @Override
                public ApplyOutcome delete(String rtb, Destination d, boolean dryRun) {
                    return real.delete(rtb, d, dryRun);
                }
            };
            Reconciler reconciler = Reconciler.builder().routeTables(recording).instances(new Ec2Instances(s.ec2))
                    .ownership(s.owners).targetStates(s.states).clock(Clock.systemUTC()).build();
            ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(ProbeSettings.defaults())
                    .clock(Clock.systemUTC()).metrics(ProbeMetrics.NONE).probeAz(s.net.zone(0));
            try (ProbeCycle cycle = new ProbeCycle(reconciler, loop, t -> new ProbeTarget(t.key(), "127.0.0.1", t.checks()))) {
                Thread runner = Thread.ofPlatform().daemon().name("bench-probe").start(() ->
                        cycle.run(config, "bench", Instant.now().plusSeconds(600)));
                // Routes come up after rise (2) passes; then measure.
                awaitFlip(flips, s.rtbA, s.eni(s.natA), 15);
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i <= RUNS; i++) {
                    boolean aHolds = s.eni(s.natA).equals(s.hop(s.rtbA, "0.0.0.0/0"));
                    LoopbackListener victim = aHolds ? a : b;
                    String to = aHolds ? s.eni(s.natB) : s.eni(s.natA);
                    // A random phase relative to the probe schedule.
                    Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextInt(1000));
                    flips.clear();
                    long killedAt;
                    if (FAILURE.equals("dropped")) {
                        killedAt = victim.drop();
                    } else {
                        victim.kill();
                        killedAt = System.nanoTime();
                    }
                    Flip flip = awaitFlip(flips, s.rtbA, to, 15);
                    if (i > 0) { // run 0 warms up the JIT on the failover path; not counted
                        millis.add((flip.at() - killedAt) / 1e6);
                    }
                    victim.revive();
                    Thread.sleep(3500); // rise 2 at 1 s: healthy again before the next kill
                }
                runner.interrupt();
                runner.join(5000);
                List<Double> sorted = new ArrayList<>(millis);
                Collections.sort(sorted);
                int n = sorted.size();
                double median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
                double p90 = sorted.get(Math.min(n - 1, (int) Math.ceil(0.9 * n) - 1));
                String report = String.format(Locale.ROOT,
                        "failure-to-route-flip, %s, over %d runs (DEFAULT settings: tcp check with port only, ProbeSettings.defaults(); moto + DynamoDB Local): median %.0f ms, p90 %.0f ms, max %.0f ms, min %.0f ms%nall (ms): %s%n",
                        FAILURE, n, median, p90, sorted.getLast(), sorted.getFirst(),
                        millis.stream().map(m -> String.format(Locale.ROOT, "%.0f", m)).toList());
                System.out.print(report);
                Files.writeString(Path.of("target", "bench-route-flip-" + FAILURE + ".txt"), report);
                assertThat(n).isEqualTo(RUNS);
            }
        }
    }

    private static Flip awaitFlip(BlockingQueue<Flip> flips, String rtb, String to, int seconds) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < until) {
            Flip f = flips.poll(100, TimeUnit.MILLISECONDS);
            if (f != null && f.routeTableId().equals(rtb) && f.targetId().equals(to)) {
                return f;
            }
        }
        throw new AssertionError("table " + rtb + " did not flip to " + to + " within " + seconds + " s");
    }
}
