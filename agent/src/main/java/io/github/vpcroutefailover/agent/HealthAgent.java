package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.check.CheckRunner;
import io.github.vpcroutefailover.agent.check.CheckSnapshot;
import io.github.vpcroutefailover.agent.publish.CloudWatchPublisher;
import io.github.vpcroutefailover.agent.publish.MetricContract;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.github.vpcroutefailover.agent.publish.MetricDatum;

/**
 * The agent's cycle: start the checks that are due, wait at most half a cycle for their results, then publish
 * every check's latest result plus Heartbeat and Draining in one PutMetricData. Checks run concurrently on
 * worker threads, so a slow check delays neither the others nor the heartbeat.
 */
public final class HealthAgent {
    private static final Logger LOG = LoggerFactory.getLogger(HealthAgent.class);

    private final Duration interval;
    private final List<CheckRunner> runners;
    private final CloudWatchPublisher publisher;
    private final MetricContract contract;
    private final Maintenance maintenance;
    private final Duration holdFor;
    private final Duration shutdownPublishTimeout;
    private final LinkedBlockingQueue<Object> wake = new LinkedBlockingQueue<>(1);

    private volatile boolean stopRequested;
    private volatile long stopRequestedNanos;
    private long cycles;
    private long droppedReported;
    private String lastDrainReason;

    public HealthAgent(Duration interval, List<CheckRunner> runners, CloudWatchPublisher publisher, MetricContract contract,
            Maintenance maintenance, Duration holdFor, Duration shutdownPublishTimeout) {
        this.interval = interval;
        this.runners = List.copyOf(runners);
        this.publisher = publisher;
        this.contract = contract;
        this.maintenance = maintenance;
        this.holdFor = holdFor;
        this.shutdownPublishTimeout = shutdownPublishTimeout;
    }

    /** What one cycle did, for tests and the debug log. */
    public record Cycle(long number, int checksStarted, List<CheckSnapshot> published, boolean draining, CloudWatchPublisher.Result publish) {
    }

    public Cycle runCycle() {
        long start = System.nanoTime();
        long half = interval.toNanos() / 2;
        List<CountDownLatch> started = new ArrayList<>();
        for (CheckRunner r : runners) {
            r.expireIfOverdue(start);
            CountDownLatch l = r.startIfDue(start, half);
            if (l != null) {
                started.add(l);
            }
        }
        awaitResults(started, start + half);
        long now = System.nanoTime();
        runners.forEach(r -> r.expireIfOverdue(now));
        List<CheckSnapshot> snapshots = runners.stream().map(CheckRunner::latest).filter(Objects::nonNull).toList();
        boolean draining = draining();
        long dropped = publisher.dropped();
        List<MetricDatum> datums = contract.cycle(Instant.now(), snapshots, draining, dropped - droppedReported);
        droppedReported = dropped;
        CloudWatchPublisher.Result result = publisher.publish(datums);
        cycles++;
        if (LOG.isDebugEnabled()) {
            LOG.atDebug().addKeyValue("cycle", cycles).addKeyValue("checksStarted", started.size()).addKeyValue("datums", datums.size())
                    .addKeyValue("calls", result.calls()).addKeyValue("buffered", result.buffered()).addKeyValue("draining", draining).log("cycle");
        }
        return new Cycle(cycles, started.size(), snapshots, draining, result);
    }

    private static void awaitResults(List<CountDownLatch> started, long untilNanos) {
        try {
            for (CountDownLatch l : started) {
                long left = untilNanos - System.nanoTime();
                if (left <= 0 || !l.await(left, TimeUnit.NANOSECONDS)) {
                    return; // the rest are published next cycle; the heartbeat must not wait on a slow check
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean draining() {
        String reason = maintenance.reason();
        if (!Objects.equals(reason, lastDrainReason)) {
            if (reason != null) {
                LOG.atWarn().addKeyValue("reason", reason).log("instance is draining");
            } else {
                LOG.info("instance is no longer draining");
            }
            lastDrainReason = reason;
        }
        return reason != null;
    }

    /**
     * Runs cycles on a fixed schedule until {@link #requestStop()}, then keeps cycling (Draining=1) for
     * {@code holdFor}, then makes the bounded final publish. Missed ticks are skipped, not bunched up.
     */
    public void run() {
        long origin = System.nanoTime();
        long step = interval.toNanos();
        long tick = 0;
        while (true) {
            runCycle();
            long now = System.nanoTime();
            if (stopRequested && now - stopRequestedNanos >= holdFor.toNanos()) {
                break;
            }
            tick = Math.max(tick + 1, (now - origin) / step + 1);
            long sleep = origin + tick * step - now;
            if (stopRequested) {
                sleep = Math.min(sleep, stopRequestedNanos + holdFor.toNanos() - now);
            }
            try {
                wake.poll(Math.max(0, sleep), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        finalPublish();
    }

    /** Marks the instance draining and ends {@link #run()} after the hold; safe to call from a signal handler. */
    public void requestStop() {
        maintenance.terminating();
        if (!stopRequested) {
            stopRequestedNanos = System.nanoTime();
            stopRequested = true;
        }
        wake.offer(Boolean.TRUE);
    }

    /** Publishes Draining=1 with the latest results, within the configured shutdown budget. */
    CloudWatchPublisher.Result finalPublish() {
        List<CheckSnapshot> snapshots = runners.stream().map(CheckRunner::latest).filter(Objects::nonNull).toList();
        List<MetricDatum> datums = contract.cycle(Instant.now(), snapshots, true, publisher.dropped() - droppedReported);
        CloudWatchPublisher.Result r = publisher.publishFinal(datums, shutdownPublishTimeout);
        if (r.failed() || r.sent() == 0) {
            LOG.atError().addKeyValue("buffered", r.buffered())
                    .log("could not publish the draining signal before exit; the controller will see this instance's metrics go stale instead");
        } else {
            LOG.atInfo().addKeyValue("datums", r.sent()).addKeyValue("calls", r.calls()).addKeyValue("unsent", r.buffered())
                    .log("published draining signal before exit");
        }
        return r;
    }

    public long cycles() {
        return cycles;
    }
}
