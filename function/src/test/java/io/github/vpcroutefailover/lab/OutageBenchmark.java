package io.github.vpcroutefailover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.lab.Fault;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Traffic outage in the real-packet lab: for each fault, many runs at a random phase of the checker's period, with
 * client requests every 50 ms from the private namespaces; outage = last success before the fault to the first
 * success after it (subnet a, whose route holds the victim NAT). Runs this project (real probe loop, controller,
 * DynamoDB Local and moto, with the production probe lease and fast path ({@link ProjectFailover}); tcp check of the NAT
 * health port, interval 1 s, fall 2, rise 2, default timeout, plus the route's data-path check from both private subnets
 * at the same interval/rise/fall, default timeout, forgetAfter 2 s, with post-flip verification; the probe's default
 * settings otherwise) and the alterNAT reference side by side, and where each run's time went ({@link OutageTrace}).
 * Opt-in: {@code -Dvrf.bench=true}; {@code -Dvrf.bench.runs} (default 8),
 * {@code -Dvrf.bench.timeout} (ms, tcp check), {@code -Dvrf.bench.dpTimeout} (ms, data-path check): unset, the defaults,
 * {@code -Dvrf.bench.fall} (default 2),
 * {@code -Dvrf.bench.faults} (labels, comma-separated), {@code -Dvrf.bench.systems} (project,alternat),
 * {@code -Dvrf.bench.window} (seconds before a run counts as not recovered, default 20). Appends its table to
 * {@code target/bench-outage.md}; see BENCHMARKS.md for the command.
 */
@EnabledIfSystemProperty(named = "vrf.bench", matches = "true")
@ExtendWith(LocalAwsExtension.class)
class OutageBenchmark {
    private static final int RUNS = Integer.getInteger("vrf.bench.runs", 8);
    private static final Duration WINDOW = Duration.ofSeconds(Integer.getInteger("vrf.bench.window", 20));
    private static final List<Fault> FAULTS = Arrays.stream(System.getProperty("vrf.bench.faults",
            "tcp,link-down,forwarding-off,drop-rule,health-only,stopped").split(",")).map(String::strip).map(Fault::byLabel).toList();
    /** The project's tcp check timeout (ms); unset: the check's default (300 ms, hedged handshakes at 0, 100 and 200 ms). */
    private static final Duration TIMEOUT = duration("vrf.bench.timeout");
    private static final int FALL = Integer.getInteger("vrf.bench.fall", 2);
    /** The data-path check's timeout (ms); unset: its default, half the interval (500 ms at interval 1 s). */
    private static final Duration DATA_PATH_TIMEOUT = duration("vrf.bench.dpTimeout");
    /**
     * The data-path check's {@code forgetAfter}: its minimum at interval 1 s, rise/fall 2. Runs alternate between the
     * two NATs a few seconds apart, and a healed NAT that no longer carries the route is never re-tested, so with the
     * 10 min default every second run would find both NATs FAILED (correlated: nothing moves).
     */
    private static final Duration FORGET_AFTER = Duration.ofSeconds(2);
    private static final List<String> SYSTEMS = List.of(System.getProperty("vrf.bench.systems", "project,alternat").split(","));

    private static Duration duration(String property) {
        Integer ms = Integer.getInteger(property);
        return ms == null ? null : Duration.ofMillis(ms);
    }

    /** One fault's runs: outages in ms (recovered runs) and how many runs did not recover within the window. */
    record Row(String system, Fault fault, List<Double> millis, int unrecovered, int runs, List<OutageTrace.Breakdown> stages) {
    }

    @Test
    void outagePerFault(LocalAws aws) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (String system : SYSTEMS) {
            try (LabVpc vpc = new LabVpc(aws)) {
                FailoverUnderTest f = switch (system.strip()) {
                    case "project" -> ProjectFailover.withDataPath(vpc, Duration.ofSeconds(1), 2, FALL, TIMEOUT, DATA_PATH_TIMEOUT,
                            FORGET_AFTER);
                    case "alternat" -> new AlterNatReference(vpc, "a");
                    default -> throw new IllegalArgumentException("vrf.bench.systems: unknown system " + system);
                };
                try (f) {
                    f.start();
                    Traffic a = vpc.traffic.get("a");
                    assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, Duration.ofSeconds(15))).as("traffic up").isTrue();
                    Thread.sleep(3000); // rise passes: both NATs HEALTHY
                    boolean warm = false;
                    for (Fault fault : FAULTS) {
                        List<Double> millis = new ArrayList<>();
                        List<OutageTrace.Breakdown> stages = new ArrayList<>();
                        int unrecovered = 0;
                        for (int i = warm ? 1 : 0; i <= RUNS; i++) {
                            String victim = vpc.holder(vpc.rtbA);
                            Thread.sleep(ThreadLocalRandom.current().nextLong(f.period().toMillis()));
                            long at = System.nanoTime();
                            vpc.fault(victim, fault);
                            boolean recovered = awaitRecovery(a, at, victim);
                            Thread.sleep(200); // let in-flight requests report
                            Traffic.Outage o = a.outage(at);
                            String line = String.format(Locale.ROOT, "%s %s run %d victim %s: outage %d ms%s, %d failed requests, route now %s%n  %s",
                                    f.name(), fault.label(), i, victim, o.outage().toMillis(), recovered && o.recovered() ? "" : " (NOT RECOVERED)",
                                    o.failed(), vpc.holder(vpc.rtbA),
                                    a.timeline(at - 500_000_000L, System.nanoTime(), Duration.ofMillis(100)));
                            OutageTrace.Breakdown b = f.trace().breakdown(at, System.nanoTime(), victim, victimProbes(vpc, victim), "a",
                                    vpc.mirror, a, o);
                            System.out.println(line + "\n  " + b.describe());
                            if (i > 0) { // run 0 warms up the JIT on the failover path; not counted
                                if (recovered && o.recovered()) {
                                    millis.add(o.outage().toNanos() / 1e6);
                                    stages.add(b);
                                } else {
                                    unrecovered++;
                                }
                            }
                            warm = true;
                            vpc.heal(victim);
                            f.afterHeal(victim);
                        }
                        rows.add(new Row(f.name(), fault, millis, unrecovered, RUNS, stages));
                    }
                }
            }
        }
        String table = table(rows) + stages(rows);
        System.out.print(table);
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target", "bench-outage.md"), table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        assertThat(rows).allMatch(r -> r.millis().size() + r.unrecovered() == RUNS);
    }

    /** The victim's probe targets: its instance (tcp check) and subnet a's data path (its table's route is on the victim). */
    private static java.util.Set<String> victimProbes(LabVpc vpc, String victim) {
        String instance = vpc.instanceOf.get(victim);
        String path = DataPaths.key("default-egress", vpc.rtbA);
        return instance == null ? java.util.Set.of(path) : java.util.Set.of(instance, path);
    }

    /** Until 5 requests in a row started after the fault got through a NAT other than the victim, or the window ends. */
    private static boolean awaitRecovery(Traffic t, long from, String victim) throws InterruptedException {
        long until = System.nanoTime() + WINDOW.toNanos();
        while (System.nanoTime() < until) {
            int run = 0;
            for (Traffic.Sample s : t.since(from)) {
                run = s.ok() && !victim.equals(s.via()) ? run + 1 : 0;
                if (run >= 5) {
                    return true;
                }
            }
            Thread.sleep(50);
        }
        return false;
    }

    static String table(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n| system | fault | runs | p50 outage | p90 outage | max outage | not recovered within %d s |%n",
                WINDOW.toSeconds()));
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Row r : rows) {
            List<Double> all = new ArrayList<>(r.millis());
            // Unrecovered runs rank above every recovered one (their outage is at least the window).
            for (int i = 0; i < r.unrecovered(); i++) {
                all.add(Double.POSITIVE_INFINITY);
            }
            all.sort(Double::compare);
            sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %s | %s | %d |%n", r.system(), r.fault().label(), r.runs(),
                    fmt(pct(all, 50)), fmt(pct(all, 90)), fmt(all.isEmpty() ? Double.NaN : all.getLast()), r.unrecovered()));
        }
        return sb.toString();
    }

    /** Medians of each stage (ms after the fault) over the recovered runs: where the outage's time goes. */
    static String stages(List<Row> rows) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n| system | fault | 1st failed probe | fall (trigger) | ReplaceRoute"
                + " returned | reconcile | mirror applied | first ok | outage | of it before the fault | runs at a probe invocation boundary"
                + " | p50 / p90 outage without those |%n|---|---|---|---|---|---|---|---|---|---|---|---|%n"));
        for (Row r : rows) {
            List<OutageTrace.Breakdown> b = r.stages();
            List<Double> inner = b.stream().filter(x -> !x.boundary()).map(OutageTrace.Breakdown::outage).sorted().toList();
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %d | %s / %s |%n", r.system(), r.fault().label(),
                    median(b, OutageTrace.Breakdown::firstFailedProbe), median(b, OutageTrace.Breakdown::trigger),
                    median(b, OutageTrace.Breakdown::routeReplaced), median(b, OutageTrace.Breakdown::reconcileMs),
                    median(b, OutageTrace.Breakdown::mirrored), median(b, OutageTrace.Breakdown::firstOk),
                    median(b, OutageTrace.Breakdown::outage), median(b, OutageTrace.Breakdown::beforeFault),
                    b.stream().filter(OutageTrace.Breakdown::boundary).count(), fmt(pct(inner, 50)), fmt(pct(inner, 90))));
        }
        return sb.toString();
    }

    private static String median(List<OutageTrace.Breakdown> runs, java.util.function.ToDoubleFunction<OutageTrace.Breakdown> stage) {
        List<Double> v = runs.stream().mapToDouble(stage).filter(x -> x >= 0).sorted().boxed().toList();
        return v.isEmpty() ? "-" : String.format(Locale.ROOT, "%.0f ms", pct(v, 50));
    }

    /** Nearest-rank percentile. */
    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static String fmt(double ms) {
        if (Double.isNaN(ms)) {
            return "-";
        }
        if (Double.isInfinite(ms)) {
            return "> " + WINDOW.toSeconds() + " s";
        }
        return String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

}
