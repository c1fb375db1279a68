package io.github.vpcroutefailover.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckRunnerTest {
    private static final long SEC = 1_000_000_000L;
    private final ExecutorService workers = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        workers.shutdownNow();
    }

    /** A check that returns scripted outcomes in order. */
    private static final class Scripted implements Check {
        final ArrayDeque<Boolean> results;
        final AtomicInteger runs = new AtomicInteger();

        Scripted(Boolean... results) {
            this.results = new ArrayDeque<>(List.of(results));
        }

        public String name() {
            return "scripted";
        }

        public CheckOutcome run(Duration timeout) {
            runs.incrementAndGet();
            return results.poll() ? CheckOutcome.pass("ok") : CheckOutcome.fail("no");
        }
    }

    private static void await(CountDownLatch l) throws InterruptedException {
        assertThat(l).isNotNull();
        assertThat(l.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void riseAndFallGateTheStateButNotTheRawResult() throws Exception {
        Scripted check = new Scripted(true, true, false, false, true, false, false, false);
        CheckRunner r = new CheckRunner(check, Duration.ofSeconds(1), Duration.ofMillis(500), 2, 3, workers);
        boolean[] raw = new boolean[8];
        boolean[] state = new boolean[8];
        for (int i = 0; i < 8; i++) {
            await(r.startIfDue(i * SEC, 0));
            raw[i] = r.latest().passed();
            state[i] = r.latest().up();
        }
        assertThat(raw).containsExactly(true, true, false, false, true, false, false, false);
        // starts down; up after 2 passes; one pass in between resets the failure streak; down after 3 failures
        assertThat(state).containsExactly(false, true, true, true, true, true, true, false);
        assertThat(r.latest().runs()).isEqualTo(8);
    }

    @Test
    void notDueBeforeItsIntervalLessSlack() throws Exception {
        Scripted check = new Scripted(true, true, true);
        CheckRunner r = new CheckRunner(check, Duration.ofSeconds(5), Duration.ofMillis(500), 1, 1, workers);
        await(r.startIfDue(0, SEC / 2));
        assertThat(r.startIfDue(4 * SEC, SEC / 2)).isNull();
        await(r.startIfDue(4 * SEC + SEC / 2, SEC / 2));
        assertThat(check.runs.get()).isEqualTo(2);
    }

    @Test
    void runThatIgnoresItsTimeoutIsFailedAndNeverOverlapped() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch firstStarted = new CountDownLatch(1);
        AtomicInteger starts = new AtomicInteger();
        Check stuck = new Check() {
            public String name() {
                return "stuck";
            }

            public CheckOutcome run(Duration timeout) {
                starts.incrementAndGet();
                firstStarted.countDown();
                try {
                    release.await(); // ignores both its timeout and interruption
                } catch (InterruptedException e) {
                    try {
                        release.await();
                    } catch (InterruptedException again) {
                        Thread.currentThread().interrupt();
                    }
                }
                return CheckOutcome.pass("late");
            }
        };
        CheckRunner r = new CheckRunner(stuck, Duration.ofSeconds(1), Duration.ofMillis(500), 1, 1, workers);
        assertThat(r.startIfDue(0, 0)).isNotNull();
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        r.expireIfOverdue(SEC / 4);
        assertThat(r.latest()).isNull();
        r.expireIfOverdue(SEC);
        assertThat(r.latest().passed()).isFalse();
        assertThat(r.latest().detail()).contains("timed out");
        for (int i = 2; i < 6; i++) {
            assertThat(r.startIfDue(i * SEC, 0)).isNull();
        }
        assertThat(starts.get()).isEqualTo(1);
        release.countDown();
        // the late result of an expired run is not recorded; the next run starts normally
        Object next = null;
        for (int i = 0; i < 100 && (next = r.startIfDue(7 * SEC, 0)) == null; i++) {
            Thread.sleep(20);
        }
        assertThat(next).as("the next run starts once the stuck one has returned").isNotNull();
        // startIfDue hands the run to a worker thread; wait (bounded) for it to begin before counting starts.
        for (int i = 0; i < 100 && starts.get() < 2; i++) {
            Thread.sleep(20);
        }
        assertThat(starts.get()).isEqualTo(2);
    }

    @Test
    void exceptionIsRecordedAsFailure() throws Exception {
        Check throwing = new Check() {
            public String name() {
                return "boom";
            }

            public CheckOutcome run(Duration timeout) throws Exception {
                throw new java.net.ConnectException("Connection refused");
            }
        };
        CheckRunner r = new CheckRunner(throwing, Duration.ofSeconds(1), Duration.ofMillis(500), 1, 1, workers);
        await(r.startIfDue(0, 0));
        assertThat(r.latest().passed()).isFalse();
        assertThat(r.latest().detail()).contains("Connection refused");
    }
}
