package io.github.vpcroutefailover.probe;

import static net.logstash.logback.argument.StructuredArguments.kv;

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
    private boolean fallUndelivered;
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

    /** Runs one round ({@code slotIndex < 0}: a confirmation round, off the regular schedule); false when interrupted. */
    boolean run(Instant at, long slotIndex, List<ProbeSlot> due) {
        CompletionService<ProbeResult> completions = new ExecutorCompletionService<>(pool);
        Map<Future<ProbeResult>, ProbeSlot> inFlight = new IdentityHashMap<>();
        List<ProbeSample> samples = new ArrayList<>(due.size());
        boolean fell = false;
        Duration longest = Duration.ZERO;
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
            longest = longest.compareTo(slot.timeout) < 0 ? slot.timeout : longest;
            CheckSpec check = slot.check;
            inFlight.put(completions.submit(() -> prober.probe(address, check)), slot);
        }
        if (fell) {
            deliver(true);
            fell = false;
        }
        long giveUpAt = System.nanoTime() + longest.plus(settings.straggleGrace()).toNanos();
        boolean fellNotDataPath = false;
        boolean interrupted = false;
        while (!inFlight.isEmpty()) {
            Future<ProbeResult> done;
            try {
                long wait = giveUpAt - System.nanoTime();
                done = wait > 0 ? completions.poll(wait, TimeUnit.NANOSECONDS) : completions.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                interrupted = true;
                break;
            }
            if (done == null) {
                break;
            }
            // Take every result that is already in before handing over, so simultaneous failures travel together.
            while (done != null) {
                ProbeSlot slot = inFlight.remove(done);
                boolean f = record(slot, at, outcome(done, slot), samples);
                fell |= f;
                fellNotDataPath |= f && !(slot.check instanceof CheckSpec.DataPath);
                done = completions.poll();
            }
            // A data path that crossed fall waits for this round's other data paths (they share one timeout): when the
            // destination itself is down they all fail together, and handing over one path's failure alone would
            // move its route before the planner can see that every candidate fails (docs/planner.md, "Data path").
            if (fell && (fellNotDataPath || inFlight.values().stream().noneMatch(x -> x.check instanceof CheckSpec.DataPath))) {
                deliver(true);
                fell = false;
                fellNotDataPath = false;
            }
        }
        if (interrupted) {
            inFlight.keySet().forEach(f -> f.cancel(true));
            return false;
        }
        for (Map.Entry<Future<ProbeResult>, ProbeSlot> straggler : inFlight.entrySet()) {
            straggler.getKey().cancel(true);
            ProbeSlot slot = straggler.getValue();
            fell |= record(slot, at, ProbeResult.fail(slot.timeout.plus(settings.straggleGrace()), "probe did not finish within "
                    + slot.timeout.plus(settings.straggleGrace()).toMillis() + " ms (abandoned)"), samples);
        }
        if (fell || fallUndelivered) {
            deliver(true);
        } else if (riseUndelivered) {
            deliver(false);
        }
        try {
            metrics.publish(samples);
        } catch (RuntimeException e) {
            LOG.warn("probe metrics could not be published", kv("error", e.toString()));
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
        slot.confirming = !result.passed() && after.health() != Health.UNHEALTHY;
        if (!result.passed()) {
            slot.failedAt = at;
        }
        pending.add(observation);
        samples.add(new ProbeSample(slot.target.key(), slot.check.name(), slot.target.address(), at, result));
        if (before.health() != Health.UNHEALTHY && after.health() == Health.UNHEALTHY) {
            LOG.warn("probe check crossed fall threshold", kv("target", slot.target.key()), kv("check", slot.check.name()),
                    kv("from", before.health()), kv("failures", after.failures()), kv("detail", detail));
            fallUndelivered = true;
            return true;
        }
        if (before.health() != Health.HEALTHY && after.health() == Health.HEALTHY) {
            LOG.info("probe check crossed rise threshold", kv("target", slot.target.key()), kv("check", slot.check.name()),
                    kv("from", before.health()), kv("passes", after.passes()), kv("detail", detail));
            riseUndelivered = true;
        }
        return false;
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
            riseUndelivered = false;
        } catch (RuntimeException e) {
            triggerErrors++;
            LOG.error("failover trigger failed; observations kept and retried after the next round",
                    kv("event", failed ? "targetsFailed" : "targetsRecovered"), kv("observations", batch.size()), kv("error", e.toString()), e);
        }
    }
}
