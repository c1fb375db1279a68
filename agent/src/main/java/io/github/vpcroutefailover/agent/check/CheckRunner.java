package io.github.vpcroutefailover.agent.check;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one check on its own interval, never two runs at once, and keeps its latest result. A run that
 * outlives its timeout is recorded as failed and interrupted; while it is still stuck the check does not start
 * again, so a wedged probe keeps reporting failure instead of piling up threads.
 */
public final class CheckRunner {
    private static final Logger LOG = LoggerFactory.getLogger(CheckRunner.class);

    private final Check check;
    private final long intervalNanos;
    private final Duration timeout;
    private final RiseFall riseFall;
    private final ExecutorService workers;

    private Future<?> inFlight;
    private long generation;
    private boolean expired;
    private long startedNanos;
    private boolean everStarted;
    private long runs;
    private volatile CheckSnapshot latest;

    public CheckRunner(Check check, Duration interval, Duration timeout, int rise, int fall, ExecutorService workers) {
        this.check = check;
        this.intervalNanos = interval.toNanos();
        this.timeout = timeout;
        this.riseFall = new RiseFall(rise, fall);
        this.workers = workers;
    }

    public String name() {
        return check.name();
    }

    /**
     * Starts a run if the interval has elapsed (less {@code slackNanos}, so a check on the same interval as the
     * publish cycle runs every cycle despite scheduling jitter) and no run is in flight.
     *
     * @return a latch released when this run has a result, or null if no run was started
     */
    public synchronized CountDownLatch startIfDue(long nowNanos, long slackNanos) {
        if (inFlight != null || (everStarted && nowNanos - startedNanos < intervalNanos - slackNanos)) {
            return null;
        }
        everStarted = true;
        startedNanos = nowNanos;
        expired = false;
        long gen = ++generation;
        CountDownLatch done = new CountDownLatch(1);
        inFlight = workers.submit(() -> {
            long t0 = System.nanoTime();
            CheckOutcome outcome;
            try {
                outcome = check.run(timeout);
            } catch (InterruptedException e) {
                outcome = CheckOutcome.fail("interrupted");
            } catch (Exception | LinkageError e) {
                outcome = CheckOutcome.fail(e.getClass().getSimpleName() + ": " + e.getMessage());
            }
            complete(gen, outcome, System.nanoTime() - t0);
            done.countDown();
        });
        return done;
    }

    /** Backstop for a check that ignores its own timeout: judged failed once the timeout has passed. */
    public synchronized void expireIfOverdue(long nowNanos) {
        if (inFlight != null && !expired && nowNanos - startedNanos > timeout.toNanos()) {
            expired = true;
            record(CheckOutcome.fail("timed out after " + timeout.toMillis() + " ms (run abandoned)"), timeout.toNanos());
            inFlight.cancel(true);
        }
    }

    private synchronized void complete(long gen, CheckOutcome outcome, long elapsedNanos) {
        if (gen != generation) {
            return;
        }
        if (!expired) {
            record(outcome, elapsedNanos);
        }
        inFlight = null;
    }

    private void record(CheckOutcome outcome, long elapsedNanos) {
        boolean wasUp = riseFall.up();
        boolean changed = riseFall.record(outcome.passed());
        runs++;
        if (changed || latest == null || latest.passed() != outcome.passed()) {
            LOG.atInfo().addKeyValue("check", name()).addKeyValue("passed", outcome.passed()).addKeyValue("state", riseFall.up() ? "up" : "down")
                    .addKeyValue("previousState", wasUp ? "up" : "down").addKeyValue("detail", outcome.detail())
                    .log(changed ? "check state changed" : "check result changed");
        }
        latest = new CheckSnapshot(name(), outcome.passed(), elapsedNanos / 1_000_000.0, riseFall.up(), outcome.detail(), runs);
    }

    /** The latest result, or null before the first run completes. */
    public CheckSnapshot latest() {
        return latest;
    }
}
