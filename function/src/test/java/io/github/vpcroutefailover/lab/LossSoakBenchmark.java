package io.github.vpcroutefailover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import io.github.vpcroutefailover.ports.ProbeSample;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeRun;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.testsupport.lab.PathLoss;
import io.github.vpcroutefailover.testsupport.lab.VpcLab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * "Without flapping" in real time with real packets (issue #17): the real {@link ProbeLoop} with the real
 * {@link CheckProber} at the DEFAULT settings (a {@code tcp} check with only its port set, {@link ProbeSettings#defaults()})
 * probes healthy NATs' health ports in the lab, through a VPC link that loses packets at random in the kernel
 * ({@link PathLoss}: each packet, SYN and SYN-ACK alike, dropped with the given probability). Every {@code targetsFailed}
 * hand-over is a spurious failover: nothing is wrong with the targets. Each loss level gets its own loop and its own
 * two NATs, all levels running at once.
 *
 * <p>Opt-in, never in CI: {@code -Dvrf.bench=true}; {@code -Dvrf.bench.soak.minutes} (default 10),
 * {@code -Dvrf.bench.soak.loss} (percent levels, default {@code 10,2}). Appends to {@code target/bench-loss-soak.md}.
 */
@EnabledIfSystemProperty(named = "vrf.bench", matches = "true")
class LossSoakBenchmark {
    private static final Duration LENGTH = Duration.ofMinutes(Integer.getInteger("vrf.bench.soak.minutes", 10));
    private static final List<Double> LEVELS = Arrays.stream(System.getProperty("vrf.bench.soak.loss", "10,2").split(","))
            .map(String::strip).map(Double::parseDouble).toList();
    private static final int NATS_PER_LEVEL = Integer.getInteger("vrf.bench.soak.nats", 2);

    /** One loss level's loop and what it saw. */
    static final class Level implements FailoverTrigger {
        final double percent;
        final List<String> nats;
        final AtomicLong probes = new AtomicLong();
        final AtomicLong failedProbes = new AtomicLong();
        final AtomicLong laterAttempts = new AtomicLong();
        /** Every failed probe with what the link had dropped on its NAT by then (taken right after, off the probe thread). */
        final List<String> failures = new CopyOnWriteArrayList<>();
        /** Lengths of runs of consecutive failed probes of one target: [1] = lone failures, [2] = pairs, [3+] in [3]. */
        final long[] streaks = new long[4];
        private final Map<String, Integer> streak = new java.util.concurrent.ConcurrentHashMap<>();
        volatile VpcLab lab;
        final List<Instant> spurious = new CopyOnWriteArrayList<>();
        final AtomicLong recoveries = new AtomicLong();
        /** The last probes, for the story of a spurious failover (when each started, how it ended). */
        final java.util.Deque<String> recent = new java.util.concurrent.ConcurrentLinkedDeque<>();
        volatile ProbeRun run;

        Level(double percent, List<String> nats) {
            this.percent = percent;
            this.nats = nats;
        }

        @Override
        public void targetsFailed(List<Observation> observations) {
            spurious.add(Instant.now());
            System.out.printf(Locale.ROOT, "loss %.0f%%: SPURIOUS failover at %s (load average %s); the last probes: %s%n", percent,
                    Instant.now(), loadAverage(), List.copyOf(recent));
        }

        @Override
        public void targetsRecovered(List<Observation> observations) {
            recoveries.incrementAndGet();
        }

        void count(List<ProbeSample> samples) {
            for (ProbeSample s : samples) {
                probes.incrementAndGet();
                recent.addLast(s.at() + " " + s.targetKey() + " " + (s.result().passed() ? "ok " : "FAIL ")
                        + s.result().latency().toMillis() + " ms");
                while (recent.size() > 12) {
                    recent.pollFirst();
                }
                if (!s.result().passed()) {
                    failedProbes.incrementAndGet();
                    streak.merge(s.targetKey(), 1, Integer::sum);
                    String line = s.at() + " " + s.targetKey() + " FAIL after " + s.result().latency().toMillis() + " ms: " + s.result().detail();
                    VpcLab l = lab;
                    Thread.ofVirtual().start(() -> failures.add(line + " | dropped so far: " + PathLoss.drops(l, s.targetKey())
                            + "; " + listenOverflows(l, s.targetKey()) + " | load " + loadAverage()));
                } else {
                    Integer n = streak.remove(s.targetKey());
                    if (n != null) {
                        synchronized (streaks) {
                            streaks[Math.min(3, n)]++;
                        }
                    }
                    if (s.result().detail().contains("(attempt ") || s.result().detail().contains("second handshake")) {
                        laterAttempts.incrementAndGet();
                    }
                }
            }
        }
    }

    /** The NAT's listen-queue overflows (SYNs dropped because its health server had not accepted): a starved server. */
    static String listenOverflows(VpcLab lab, String nat) {
        try {
            Process p = new ProcessBuilder("ip", "netns", "exec", lab.natNamespace(nat), "cat", "/proc/net/netstat").start();
            String[] lines = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).split("\n");
            p.waitFor();
            for (int i = 0; i + 1 < lines.length; i++) {
                if (lines[i].startsWith("TcpExt:") && lines[i + 1].startsWith("TcpExt:")) {
                    List<String> names = List.of(lines[i].split(" "));
                    String[] values = lines[i + 1].split(" ");
                    return "ListenOverflows " + values[names.indexOf("ListenOverflows")] + ", ListenDrops " + values[names.indexOf("ListenDrops")];
                }
            }
            return "ListenOverflows ?";
        } catch (Exception e) {
            return "ListenOverflows ? (" + e + ")";
        }
    }

    /** This machine's 1/5/15-minute load averages: a starved CPU delays packets on the lab's veths too. */
    static String loadAverage() {
        try {
            String[] w = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return w[0] + "/" + w[1] + "/" + w[2];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    static CheckSpec.Tcp defaultTcpCheck() {
        return (CheckSpec.Tcp) ConfigLoader.parse("""
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  nat-tcp: {type: tcp, port: %d}
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [nat-tcp], sourceDestCheck: ignore}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a]
                """.formatted(VpcLab.HEALTH_PORT), "soak.yaml").checks().get("nat-tcp");
    }

    @Test
    void healthyNatsBehindARandomlyLossyLinkAreNeverFailedOver() throws Exception {
        CheckSpec.Tcp check = defaultTcpCheck();
        List<String> nats = new ArrayList<>();
        List<Level> levels = new ArrayList<>();
        for (int l = 0; l < LEVELS.size(); l++) {
            List<String> own = new ArrayList<>();
            for (int j = 0; j < NATS_PER_LEVEL; j++) {
                own.add("nat-" + l + "-" + j);
            }
            nats.addAll(own);
            levels.add(new Level(LEVELS.get(l), own));
        }
        try (VpcLab lab = VpcLab.create(List.of("a"), nats); CheckProber prober = new CheckProber()) {
            prober.warmUp();
            for (Level level : levels) {
                level.lab = lab;
                level.nats.forEach(n -> PathLoss.set(lab, n, level.percent));
            }
            Instant deadline = Instant.now().plus(LENGTH);
            List<Thread> threads = new ArrayList<>();
            for (Level level : levels) {
                threads.add(Thread.ofPlatform().name("soak-" + level.percent).start(() -> {
                    try (ProbeLoop loop = ProbeLoop.builder().prober(prober).settings(ProbeSettings.defaults()).trigger(level)
                            .metrics(level::count).build()) {
                        List<ProbeTarget> targets = level.nats.stream().map(n -> new ProbeTarget(n, lab.natAddress(n), List.of(check))).toList();
                        level.run = loop.run(targets, Map.of(), deadline);
                    }
                }));
            }
            for (Thread t : threads) {
                t.join(LENGTH.plusMinutes(1).toMillis());
            }
            StringBuilder table = new StringBuilder(String.format(Locale.ROOT, "%n%d min real time, %s, load average at the end "
                    + loadAverage() + " (1/5/15 min), tcp check at the defaults"
                    + " (interval %d ms, timeout %d ms, rise %d, fall %d, fast confirmation %d ms), %d NATs per level%n%n"
                    + "| loss per packet | regular rounds | probes (incl. confirmations) | packets dropped (SYN in / SYN-ACK out / other)"
                    + " | passed on a later attempt | failed probes | failure runs of 1 / 2 / 3+ | spurious failovers |%n"
                    + "|---|---:|---:|---:|---:|---:|---:|---:|%n",
                    LENGTH.toMinutes(), Instant.now(), check.interval().toMillis(), check.timeout().toMillis(), check.rise(), check.fall(),
                    ProbeSettings.defaults().confirmSpacing().toMillis(), NATS_PER_LEVEL));
            for (Level level : levels) {
                PathLoss.Drops d = level.nats.stream().map(n -> PathLoss.drops(lab, n))
                        .reduce(new PathLoss.Drops(0, 0, 0, 0), (a, b) -> new PathLoss.Drops(a.synIn() + b.synIn(),
                                a.synAckOut() + b.synAckOut(), a.otherIn() + b.otherIn(), a.otherOut() + b.otherOut()));
                long[] runs;
                synchronized (level.streaks) {
                    runs = level.streaks.clone();
                }
                table.append(String.format(Locale.ROOT, "| %.0f %% | %d | %d | %d (%d / %d / %d) | %d | %d | %d / %d / %d | %d |%n", level.percent,
                        level.run == null ? -1 : level.run.rounds(), level.probes.get(), d.total(), d.synIn(), d.synAckOut(),
                        d.otherIn() + d.otherOut(), level.laterAttempts.get(), level.failedProbes.get(), runs[1], runs[2], runs[3],
                        level.spurious.size()));
            }
            System.out.print(table);
            Files.createDirectories(Path.of("target"));
            Files.writeString(Path.of("target", "bench-loss-soak.md"), table, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            StringBuilder failed = new StringBuilder();
            for (Level level : levels) {
                failed.append(String.format(Locale.ROOT, "%n# %s: loss %.0f %%, %d failed probes%n", Instant.now(), level.percent, level.failures.size()));
                level.failures.stream().sorted().forEach(f -> failed.append(f).append('\n'));
            }
            Files.writeString(Path.of("target", "bench-loss-soak-failures.txt"), failed, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            for (Level level : levels) {
                assertThat(level.run).as("loop at %s%% ran to its deadline", level.percent).isNotNull();
                assertThat(level.probes.get()).as("probes at %s%%", level.percent).isPositive();
                if (level.percent > 0) {
                    assertThat(level.nats.stream().mapToLong(n -> PathLoss.dropped(lab, n)).sum()).as("the link did lose packets").isPositive();
                }
                if (level.percent <= 2) {
                    assertThat(level.spurious).as("spurious failovers at %s%% loss", level.percent).isEmpty();
                }
            }
        }
    }
}
