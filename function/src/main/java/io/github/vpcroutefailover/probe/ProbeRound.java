package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.HealthEvaluator;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.ports.FailoverTrigger;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.ProbeSample;
import io.github.vpcroutefailover.ports.Prober;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probe round: the due checks probed concurrently on the loop's pool, each result applied to its check's counters
 * as it comes in, and the {@link FailoverTrigger} called the moment a check crosses its fall threshold (results already
 * in travel with it). Holds what the rounds of one invocation have not delivered yet. Confined to the loop thread; the
 * schedule (when rounds run) is {@link ProbeLoop}'s.
 */
final class ProbeRound {
    private static final Logger LOG = LoggerFactory.getLogger(ProbeLoop.class);

    private final ExecutorService pool;
    private final Prober prober;
    private final ProbeSettings settings;
    private final FailoverTrigger trigger;
    private final ProbeMetrics metrics;
    private final String probeAz;
    private final List<Observation> pending = new ArrayList<>();
    /** One completion queue for the loop's lifetime: a probe may be collected by a later call than the one that started it. */
    private final CompletionService<ProbeResult> completions;
    private final Map<Future<ProbeResult>, Flight> flights = new IdentityHashMap<>();
    private boolean fallUndelivered;
    /** A check other than a data path crossed fall and is not handed over yet: nothing waits for data paths in flight. */
    private boolean fellNotDataPath;
    private boolean riseUndelivered;
    private int failedCalls;
    private int recoveredCalls;
    private int triggerErrors;

    ProbeRound(ExecutorService pool, Prober prober, ProbeSettings settings, FailoverTrigger trigger, ProbeMetrics metrics, String probeAz) {
        this.pool = pool;
        this.prober = prober;
        this.settings = settings;
        this.trigger = trigger;
        this.metrics = metrics;
        this.probeAz = probeAz;
        this.completions = new ExecutorCompletionService<>(pool);
    }

    /** A probe in flight: its slot, the start of the round it belongs to, and when it is abandoned (nanoTime). */
    private record Flight(ProbeSlot slot, Instant at, long giveUpAt) {
    }

    /** Observations not yet handed to the trigger (its last call failed). */
    List<Observation> pending() {
        return pending;
    }

    int failedCalls() {
        return failedCalls;
    }

    int recoveredCalls() {
        return recoveredCalls;
    }

    int triggerErrors() {
        return triggerErrors;
    }

    /** Whether probes started by an earlier call are still in flight (collected by the next call). */
    boolean inFlight() {
        return !flights.isEmpty();
    }

    /** As {@link #run(Instant, long, List, Duration)}, waiting for every probe in flight. */
    boolean run(Instant at, long slotIndex, List<ProbeSlot> due) {
        return run(at, slotIndex, due, null);
    }

    /**
     * Runs one round ({@code slotIndex < 0}: a confirmation round, off the regular schedule) and collects the probes an
     * earlier call left in flight; false when interrupted.
     *
     * @param maxWait how long to wait for results (null: until every probe is in or abandoned). Probes still running
     *                then stay in flight and are collected by the next call: a confirmation whose timeout reaches past
     *                the next regular round starts at once instead of waiting a whole interval, and does not delay
     *                that round for the other checks.
     */
    boolean run(Instant at, long slotIndex, List<ProbeSlot> due, Duration maxWait) {
        List<ProbeSample> samples = new ArrayList<>(due.size());
        boolean fell = false;
        long started = System.nanoTime();
        for (ProbeSlot slot : due) {
            if (slotIndex >= 0) {
                slot.lastSlot = slotIndex;
            }
            slot.probes++;
            String address = slot.target.address();
            if (address == null) {
                fell |= record(slot, at, ProbeResult.fail(Duration.ZERO, "cannot probe " + slot.target.key()
                        + ": no private IP known (ENI not observed, or not an instance/ENI target)"), samples);
                continue;
            }
            CheckSpec check = slot.check;
            slot.inFlight = true;
            flights.put(completions.submit(() -> prober.probe(address, check)), new Flight(slot, at, started + slot.timeout.plus(settings.straggleGrace()).toNanos()));
        }
        if (fell) {
            deliver(true);
            fell = false;
        }
        long stopWaiting = maxWait == null ? Long.MAX_VALUE : started + Math.max(0, maxWait.toNanos());
        while (!flights.isEmpty()) {
            long giveUp = flights.values().stream().mapToLong(Flight::giveUpAt).min().orElse(started);
            Future<ProbeResult> done;
            try {
                long wait = Math.min(giveUp, stopWaiting) - System.nanoTime();
                done = wait > 0 ? completions.poll(wait, TimeUnit.NANOSECONDS) : completions.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                flights.forEach((f, flight) -> {
                    f.cancel(true);
                    flight.slot().inFlight = false;
                });
                flights.clear();
                return false;
            }
            if (done == null) {
                long now = System.nanoTime();
                // Abandon the probes past their own timeout plus grace; the others keep their time.
                for (var it = flights.entrySet().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    Future<ProbeResult> future = e.getKey();
                    Flight flight = e.getValue();
                    ProbeSlot slot = flight.slot();
                    if (flight.giveUpAt() - now <= 0) {
                        it.remove();
                        future.cancel(true);
                        slot.inFlight = false;
                        boolean f = record(slot, flight.at(), ProbeResult.fail(slot.timeout.plus(settings.straggleGrace()),
                                "probe did not finish within " + slot.timeout.plus(settings.straggleGrace()).toMillis() + " ms (abandoned)"), samples);
                        fell |= f;
                        fellNotDataPath |= f && !(slot.check instanceof CheckSpec.DataPath);
                    }
                }
                if (maxWait != null && now - stopWaiting >= 0) {
                    break;
                }
            }
            // Take every result that is already in before handing over, so simultaneous failures travel together.
            while (done != null) {
                Flight flight = flights.remove(done);
                if (flight != null) { // null: a probe cancelled earlier, reported by the completion queue now
                    flight.slot().inFlight = false;
                    boolean f = record(flight.slot(), flight.at(), outcome(done, flight.slot()), samples);
                    fell |= f;
                    fellNotDataPath |= f && !(flight.slot().check instanceof CheckSpec.DataPath);
                }
                done = completions.poll();
            }
            // A data path that crossed fall waits for the other data paths in flight (they share one timeout): when the
            // destination itself is down they all fail together, and handing over one path's failure alone would
            // move its route before the planner can see that every candidate fails (docs/planner.md, "Data path").
            if (fell && (fellNotDataPath || flights.values().stream().noneMatch(x -> x.slot().check instanceof CheckSpec.DataPath))) {
                deliver(true);
                fell = false;
                fellNotDataPath = false;
            }
        }
        // Data paths still in flight (a confirmation the next round collects) share the timeout of the one that fell:
        // hand the fall over with them, as above.
        boolean waitForPaths = !fellNotDataPath && flights.values().stream().anyMatch(x -> x.slot().check instanceof CheckSpec.DataPath);
        if (fell || fallUndelivered) {
            if (!waitForPaths) {
                deliver(true);
            }
        } else if (riseUndelivered) {
            deliver(false);
        }
        try {
            metrics.publish(samples);
        } catch (RuntimeException e) {
            LOG.atWarn().addKeyValue("error", e.toString()).log("probe metrics could not be published");
        }
        return true;
    }

    private ProbeResult outcome(Future<ProbeResult> done, ProbeSlot slot) {
        try {
            return done.get();
        } catch (ExecutionException e) {
            return ProbeResult.fail(Duration.ZERO, "probe of check '" + slot.check.name() + "' failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.fail(Duration.ZERO, "probe interrupted");
        } catch (java.util.concurrent.CancellationException e) {
            return ProbeResult.fail(Duration.ZERO, "probe cancelled");
        }
    }

    /** Applies one result; true when it made the check cross its fall threshold. */
    private boolean record(ProbeSlot slot, Instant at, ProbeResult result, List<ProbeSample> samples) {
        String detail = probeAz == null ? result.detail() : result.detail() + " (probe in " + probeAz + ")";
        // Keyed check@az: each AZ's probe keeps its own counters in the stored state (see HealthEvaluator#health).
        Observation observation = new Observation(slot.target.key(), HealthEvaluator.stateKey(slot.check.name(), probeAz),
                result.passed(), false, at, ProbeLoop.SOURCE, detail);
        CheckState before = slot.state;
        CheckState after = HealthEvaluator.step(before, slot.check, observation);
        slot.state = after;
        boolean pathFailingAgain = refail(slot.check, before, after) || unsettled(slot, before, after, at);
        slot.confirming = !result.passed() && (after.health() != Health.UNHEALTHY
                || (slot.check instanceof CheckSpec.DataPath && after.failures() < slot.check.fall()));
        if (!result.passed()) {
            slot.failedAt = at;
        }
        pending.add(observation);
        samples.add(new ProbeSample(slot.target.key(), slot.check.name(), slot.target.address(), at, result));
        if ((before.health() != Health.UNHEALTHY && after.health() == Health.UNHEALTHY) || pathFailingAgain) {
            if (!unsettled(slot, before, after, at)) {
                slot.fellAt = at;
            }
            LOG.atWarn().addKeyValue("target", slot.target.key()).addKeyValue("check", slot.check.name())
                    .addKeyValue("from", before.health()).addKeyValue("failures", after.failures()).addKeyValue("detail", detail)
                    .log("probe check crossed fall threshold");
            fallUndelivered = true;
            return true;
        }
        if (before.health() != Health.HEALTHY && after.health() == Health.HEALTHY) {
            LOG.atInfo().addKeyValue("target", slot.target.key()).addKeyValue("check", slot.check.name())
                    .addKeyValue("from", before.health()).addKeyValue("passes", after.passes()).addKeyValue("detail", detail)
                    .log("probe check crossed rise threshold");
            riseUndelivered = true;
        }
        return false;
    }

    /**
     * A data path still UNHEALTHY that passed and then failed {@code fall} times in a row: a new failure, handed over
     * like a fall crossing. A path's counters outlive the hop under it: after its failure moved the route, they stay
     * UNHEALTHY until {@code rise} passes through the new hop, and a new hop failing before that (or the same hop
     * failing again) would never cross {@code fall}, so nobody would hand it over (the lab's health-only runs that did
     * not recover: the trigger and post-flip verification took ~2.3 s, one pass came in, then the next fault). Failures
     * that never saw a pass (the destination itself down: nothing moved) are not handed over again and again.
     */
    private static boolean refail(CheckSpec check, CheckState before, CheckState after) {
        return check instanceof CheckSpec.DataPath && before.health() == Health.UNHEALTHY && after.health() == Health.UNHEALTHY
                && after.failures() == check.fall() && before.failures() == check.fall() - 1;
    }

    /**
     * A data path still failing, at every further {@code fall}-th failure while the streak is within {@code settle +
     * fall x interval} of its hand-over: handed over again. The planner does not count a path's results made within
     * {@code settle} after its route changed (the VPC router may still have used the old hop), so the failures handed
     * over at the crossing may not be enough to fail the new hop (a drill's move to a broken standby, or a route moved
     * just before the fault: the lab's DrillIT then waited in vain), and the loop, already UNHEALTHY, would never hand
     * over more. Bounded: about {@code settle / (fall x interval) + 1} extra hand-overs per failure (when the destination
     * itself is down, as many reconciles that keep the routes).
     */
    private static boolean unsettled(ProbeSlot slot, CheckState before, CheckState after, Instant at) {
        if (!(slot.check instanceof CheckSpec.DataPath dp) || slot.fellAt == null || before.health() != Health.UNHEALTHY
                || after.health() != Health.UNHEALTHY || after.failures() <= dp.fall() || after.failures() % dp.fall() != 0) {
            return false;
        }
        Duration settle = dp.settle() == null ? Duration.ZERO : dp.settle();
        Duration interval = dp.interval() == null ? ProbeSettings.DEFAULT_INTERVAL : dp.interval();
        return !at.isAfter(slot.fellAt.plus(settle).plus(interval.multipliedBy(dp.fall())));
    }

    /**
     * Hands the pending observations over now, outside a rise/fall crossing (the loop's {@link ReportWatch} saw a
     * target's hop change); true when nothing was pending or the trigger took them.
     */
    boolean flush() {
        if (pending.isEmpty()) {
            return true;
        }
        int errors = triggerErrors;
        deliver(fallUndelivered);
        return triggerErrors == errors;
    }

    /** Hands every pending observation to the trigger; on failure keeps them for the next attempt. */
    private void deliver(boolean failed) {
        List<Observation> batch = List.copyOf(pending);
        try {
            if (failed) {
                trigger.targetsFailed(batch);
                failedCalls++;
            } else {
                trigger.targetsRecovered(batch);
                recoveredCalls++;
            }
            pending.subList(0, batch.size()).clear();
            fallUndelivered = false;
            fellNotDataPath = false;
            riseUndelivered = false;
        } catch (RuntimeException e) {
            triggerErrors++;
            LOG.atError().addKeyValue("event", failed ? "targetsFailed" : "targetsRecovered").addKeyValue("observations", batch.size())
                    .addKeyValue("error", e.toString()).setCause(e).log("failover trigger failed; observations kept and retried after the next round");
        }
    }
}
