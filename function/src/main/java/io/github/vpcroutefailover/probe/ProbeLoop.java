// Just over 400 lines: one invocation's schedule (regular rounds, confirmations carried across rounds, new-hop reports, lease) shares the slots' state; a round and a slot live in ProbeRound and ProbeSlot.
package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.Prober;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-VPC probe: within one invocation, probes every target's TCP/HTTP checks in rounds at a fixed interval until
 * the deadline, with rise/fall hysteresis per (target, check).
 *
 * <ul>
 *   <li>A round's probes run concurrently on a bounded pool, so a target that hangs until its timeout costs one
 *       thread for that long, not the other targets' rounds.</li>
 *   <li>Rounds start on a fixed-rate schedule ({@code start + n * interval}); a round that overruns skips the slots
 *       it overran instead of bunching rounds up. A round starts only if its longest timeout ends before the
 *       deadline, so the loop never runs past its budget.</li>
 *   <li>The moment a check crosses its fall threshold the {@link FailoverTrigger} is called, from the loop thread,
 *       while the rest of the round is still in flight. Results that are already in are added first, so targets
 *       failing together are handed over together. Rise crossings are handed over after the round, at most once per
 *       round.</li>
 * </ul>
 *
 * <p>Only the loop thread touches the counters and the pending observations; pool threads only run probes. There is
 * no shared "is it failing" flag to race on (alterNAT's loop has one), and the decision is the reconciler's, under
 * its ownership fencing.
 *
 * <p>Time comes from the injected {@link Clock} and waiting from the injected {@link Sleeper}, so tests drive the
 * loop with a fake clock and count rounds instead of timing them. Probe timeouts are real: they are network I/O.
 */
public final class ProbeLoop implements AutoCloseable {
    /** {@link Observation#source()} of every probe observation. */
    public static final String SOURCE = "probe";

    private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);

    private final Prober prober;
    private final ProbeSettings settings;
    private final Clock clock;
    private final Sleeper sleeper;
    private final FailoverTrigger trigger;
    private final ProbeMetrics metrics;
    private final String probeAz;
    private final ReportWatch watch;
    private final ExecutorService pool;

    private ProbeLoop(Builder b) {
        this.prober = Objects.requireNonNull(b.prober, "prober");
        this.settings = Objects.requireNonNull(b.settings, "settings");
        this.clock = Objects.requireNonNull(b.clock, "clock");
        this.sleeper = Objects.requireNonNull(b.sleeper, "sleeper");
        this.trigger = Objects.requireNonNull(b.trigger, "trigger");
        this.metrics = Objects.requireNonNull(b.metrics, "metrics");
        this.probeAz = b.probeAz;
        this.watch = Objects.requireNonNull(b.watch, "watch");
        this.pool = Executors.newFixedThreadPool(settings.maxConcurrency(), daemonThreads());
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Probes until {@code deadline} (see {@link ProbeSettings#deadline}) or until the thread is interrupted.
     *
     * @param targets targets with their addresses; keys must be unique
     * @param stored  stored states by target key to seed the counters from (missing: UNKNOWN, no history)
     */
    public ProbeRun run(List<ProbeTarget> targets, Map<String, TargetState> stored, Instant deadline) {
        return run(targets, stored, deadline, Tenure.UNBOUNDED);
    }

    /**
     * As {@link #run(List, Map, Instant)}, asking {@code tenure} before every regular round whether this loop may
     * still probe, and until when (a probe lease shared with the next invocation: {@link LeaseTenure}).
     */
    public ProbeRun run(List<ProbeTarget> targets, Map<String, TargetState> stored, Instant deadline, Tenure tenure) {
        return new Run(targets, stored, deadline, Objects.requireNonNull(tenure, "tenure")).loop();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    private final class Run {
        private final List<ProbeSlot> slots = new ArrayList<>();
        private final Instant deadline;
        private final Tenure tenure;
        /** Rounds must end by this too: the tenure's limit (a lease's end), MAX without one. */
        private Instant until = Instant.MAX;
        private final Duration interval;
        private final ProbeRound round;
        private int rounds;
        private int confirmRounds;
        private int skipped, reported;
        /** Targets whose hop changed: their first result after the instant is handed over at once. */
        private final Map<String, Instant> reportAfter = new LinkedHashMap<>();

        Run(List<ProbeTarget> targets, Map<String, TargetState> stored, Instant deadline, Tenure tenure) {
            this.deadline = Objects.requireNonNull(deadline, "deadline");
            this.tenure = tenure;
            this.interval = intervalFor(targets);
            this.round = new ProbeRound(pool, prober, settings, trigger, metrics, probeAz);
            Set<String> keys = new HashSet<>();
            for (ProbeTarget target : targets) {
                if (!keys.add(target.key())) {
                    throw new IllegalArgumentException("target " + target.key() + " is listed twice; merge its checks into one ProbeTarget");
                }
                TargetState state = stored.get(target.key());
                Instant now = clock.instant();
                for (CheckSpec check : target.checks()) {
                    CheckState seed = state == null ? null : state.checks().get(HealthEvaluator.stateKey(check.name(), probeAz));
                    if (forgotten(check, seed, now)) {
                        seed = null;
                    }
                    Duration checkInterval = intervalOf(check);
                    long every = checkInterval == null ? 1 : Math.max(1, Math.round((double) checkInterval.toNanos() / interval.toNanos()));
                    slots.add(new ProbeSlot(target, check, every, seed == null ? CheckState.unknown() : seed));
                }
            }
        }

        ProbeRun loop() {
            if (slots.isEmpty()) {
                // Nothing to probe: return at once rather than idle until the deadline.
                return result(ProbeRun.Stop.DEADLINE);
            }
            Instant start = clock.instant();
            long slotIndex = 0;
            ProbeRun.Stop stop = ProbeRun.Stop.DEADLINE;
            LOG.atInfo().addKeyValue("targets", slots.stream().map(s -> s.target.key()).distinct().count())
                    .addKeyValue("checks", slots.size()).addKeyValue("intervalMs", interval.toMillis()).addKeyValue("deadline", deadline)
                    .addKeyValue("probeAz", probeAz).log("probe loop starting");
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    stop = ProbeRun.Stop.INTERRUPTED;
                    break;
                }
                Instant slotTime = start.plus(interval.multipliedBy(slotIndex));
                if (!confirmations(slotTime)) {
                    stop = ProbeRun.Stop.INTERRUPTED;
                    break;
                }
                Instant now = clock.instant();
                if (now.isBefore(slotTime)) {
                    try {
                        sleeper.sleep(Duration.between(now, slotTime));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        stop = ProbeRun.Stop.INTERRUPTED;
                        break;
                    }
                    now = clock.instant();
                }
                Tenure.Decision decision = tenure.check(now, this::states);
                if (decision instanceof Tenure.Decision.Stop halt) {
                    stop = halt.why();
                    break;
                }
                until = ((Tenure.Decision.Until) decision).until();
                now = clock.instant();
                final long index = slotIndex;
                // A check whose confirmation is still running is probed by it; the round collects its result.
                List<ProbeSlot> due = slots.stream().filter(s -> !s.inFlight && s.due(index)).toList();
                Duration longest = due.stream().map(s -> s.timeout).max(Duration::compareTo).orElse(Duration.ZERO);
                if (now.plus(longest).isAfter(deadline)) {
                    break;
                }
                if (now.plus(longest).isAfter(until)) {
                    // The lease could not be renewed and would end mid-round: stop before someone else may take it.
                    stop = ProbeRun.Stop.LEASE_EXPIRED;
                    break;
                }
                if (!due.isEmpty() || round.inFlight()) {
                    if (!round.run(now, slotIndex, due)) {
                        stop = ProbeRun.Stop.INTERRUPTED;
                        break;
                    }
                    rounds += due.isEmpty() ? 0 : 1;
                    reportNewHops();
                }
                long next = slotIndex + 1;
                long reached = Duration.between(start, clock.instant()).toNanos() / interval.toNanos();
                if (reached >= next) {
                    // The round overran slot(s): skip them rather than start rounds back to back.
                    skipped += (int) (reached - next + 1);
                    next = reached + 1;
                }
                slotIndex = next;
            }
            if (round.inFlight() && stop != ProbeRun.Stop.INTERRUPTED && !round.run(clock.instant(), -1, List.of())) {
                // A confirmation still running when the loop stopped: its verdict counts (it ends before the deadline).
                stop = ProbeRun.Stop.INTERRUPTED;
            }
            LOG.atInfo().addKeyValue("rounds", rounds).addKeyValue("confirmRounds", confirmRounds).addKeyValue("skippedSlots", skipped)
                    .addKeyValue("newHopReports", reported).addKeyValue("stop", stop).addKeyValue("undelivered", round.pending().size())
                    .addKeyValue("probeAz", probeAz).log("probe loop finished");
            return result(stop);
        }

        /**
         * Fast confirmation rounds before the regular slot at {@code nextRegular}: only the checks whose last probe
         * failed short of fall, each {@code confirmSpacing} after the START of the round whose probe failed (at once when
         * that probe took longer: a timeout already spanned the spacing, and waiting more only delays the failover), as
         * long as it STARTS before the regular round and ends before the deadline and the lease. A confirmation whose
         * timeout reaches past the regular round is left running ({@link ProbeRound#run(Instant, long, List, Duration)})
         * and collected by that round, which does not probe its check again: waiting for the regular round instead cost
         * a whole interval (a 500 ms data-path check failing at R + 0.5 s at interval 1 s crossed fall at R + 1.5 s, not
         * R + 1 s). Bounded: every round either ends a streak (a pass) or adds a failure, and at fall the check stops
         * confirming. False when interrupted.
         */
        private boolean confirmations(Instant nextRegular) {
            Duration spacing = settings.confirmSpacing();
            if (spacing == null) {
                return true;
            }
            while (true) {
                Instant now = clock.instant();
                // Each check on its own: a slow check that cannot confirm in time must not hold back a fast one.
                List<ProbeSlot> confirming = slots.stream()
                        .filter(s -> s.confirming && !s.inFlight && fits(confirmAt(s, spacing, now), s.timeout, nextRegular)).toList();
                if (confirming.isEmpty()) {
                    return true;
                }
                Instant at = confirming.stream().map(c -> confirmAt(c, spacing, now)).max(Instant::compareTo).orElse(now);
                Duration longest = confirming.stream().map(s -> s.timeout).max(Duration::compareTo).orElse(Duration.ZERO);
                if (!fits(at, longest, nextRegular)) {
                    return true;
                }
                if (at.isAfter(now)) {
                    try {
                        sleeper.sleep(Duration.between(now, at));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return false;
                    }
                }
                Instant start = clock.instant();
                Duration untilRegular = Duration.between(start, nextRegular);
                if (!round.run(start, -1, confirming, untilRegular.isNegative() ? Duration.ZERO : untilRegular)) {
                    return false;
                }
                confirmRounds++;
            }
        }


        /** Restarts the counters of targets whose hop changed (they were the old hop's) and reports their next result. */
        private void reportNewHops() {
            watch.due(clock.instant()).forEach((key, after) -> {
                slots.stream().filter(s -> s.target.key().equals(key)).forEach(s -> {
                    s.state = CheckState.unknown();
                    s.confirming = false;
                    s.failedAt = null;
                });
                reportAfter.put(key, after);
            });
            List<String> through = reportAfter.entrySet().stream().filter(e -> slots.stream().anyMatch(s -> s.target.key().equals(e.getKey())
                    && s.state.lastAt() != null && s.state.lastAt().isAfter(e.getValue()))).map(Map.Entry::getKey).toList();
            if (!through.isEmpty() && round.flush()) { // a failed hand-over is tried again after the next round
                through.forEach(reportAfter::remove);
                reported++;
            }
        }

        /** When a confirming check may be re-probed: the spacing after its failed probe's start, or now. */
        private static Instant confirmAt(ProbeSlot s, Duration spacing, Instant now) {
            Instant at = s.failedAt == null ? now : s.failedAt.plus(spacing);
            return at.isAfter(now) ? at : now;
        }

        /** Whether a confirmation starting at {@code start} begins before the regular round and ends before the deadline and the lease. */
        private boolean fits(Instant start, Duration timeout, Instant nextRegular) {
            Instant end = start.plus(timeout);
            return start.isBefore(nextRegular) && !end.isAfter(deadline) && !end.isAfter(until);
        }

        /** The counters now, by target key, then check name (what a hand-over passes on). */
        private Map<String, Map<String, CheckState>> states() {
            Map<String, Map<String, CheckState>> states = new LinkedHashMap<>();
            for (ProbeSlot s : slots) {
                states.computeIfAbsent(s.target.key(), k -> new LinkedHashMap<>()).put(s.check.name(), s.state);
            }
            return states;
        }

        private ProbeRun result(ProbeRun.Stop stop) {
            Map<String, Map<String, Integer>> probes = new LinkedHashMap<>();
            Map<String, Map<String, CheckState>> states = new LinkedHashMap<>();
            for (ProbeSlot s : slots) {
                probes.computeIfAbsent(s.target.key(), k -> new LinkedHashMap<>()).put(s.check.name(), s.probes);
                states.computeIfAbsent(s.target.key(), k -> new LinkedHashMap<>()).put(s.check.name(), s.state);
            }
            probes.replaceAll((k, v) -> Map.copyOf(v));
            states.replaceAll((k, v) -> Map.copyOf(v));
            return new ProbeRun(rounds, skipped, probes, states, round.pending(), round.failedCalls(), round.recoveredCalls(),
                    round.triggerErrors(), stop);
        }
    }

    /**
     * Whether a seed is a data-path failure older than the check's {@code forgetAfter}: the planner no longer holds it
     * against the hop (docs/planner.md, "Data path"), so the loop must not either. Seeded UNHEALTHY, a path would
     * never cross {@code fall} again, and a hop failing now (a path's seed is the state its hop stored when it last
     * failed, maybe minutes ago) would never be handed over: the lab's health-only runs that did not recover.
     */
    private static boolean forgotten(CheckSpec check, CheckState seed, Instant now) {
        return check instanceof CheckSpec.DataPath dp && seed != null && seed.health() == Health.UNHEALTHY
                && !DataPaths.fresh(seed.lastAt(), now, dp.forgetAfter());
    }

    private Duration intervalFor(List<ProbeTarget> targets) {
        if (settings.interval() != null) {
            return settings.interval();
        }
        return targets.stream().flatMap(t -> t.checks().stream()).map(ProbeLoop::intervalOf).filter(Objects::nonNull)
                .filter(d -> !d.isZero() && !d.isNegative()).min(Duration::compareTo).orElse(ProbeSettings.DEFAULT_INTERVAL);
    }

    private static Duration intervalOf(CheckSpec check) {
        return switch (check) {
            case CheckSpec.Tcp t -> t.interval();
            case CheckSpec.Http h -> h.interval();
            case CheckSpec.DataPath d -> d.interval();
            default -> null;
        };
    }

    static Duration timeoutOf(CheckSpec check) {
        return switch (check) {
            case CheckSpec.Tcp t -> t.timeout();
            case CheckSpec.Http h -> h.timeout();
            case CheckSpec.DataPath d -> d.timeout();
            default -> null;
        };
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    public static final class Builder {
        private Prober prober;
        private ProbeSettings settings = ProbeSettings.defaults();
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private FailoverTrigger trigger = FailoverTrigger.NONE;
        private ProbeMetrics metrics = ProbeMetrics.NONE;
        private String probeAz;
        private ReportWatch watch = ReportWatch.NONE;

        private Builder() {
        }

        public Builder prober(Prober value) {
            this.prober = value;
            return this;
        }

        public Builder settings(ProbeSettings value) {
            this.settings = value;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder sleeper(Sleeper value) {
            this.sleeper = value;
            return this;
        }

        public Builder trigger(FailoverTrigger value) {
            this.trigger = value;
            return this;
        }

        public Builder metrics(ProbeMetrics value) {
            this.metrics = value;
            return this;
        }

        /** The AZ the probe runs in: a metric dimension and part of each observation's detail. */
        public Builder probeAz(String value) {
            this.probeAz = value;
            return this;
        }

        public Builder reportWatch(ReportWatch value) {
            this.watch = value;
            return this;
        }

        public ProbeLoop build() {
            return new ProbeLoop(this);
        }
    }
}
