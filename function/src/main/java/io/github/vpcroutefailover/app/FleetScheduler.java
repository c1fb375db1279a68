package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.ports.CallDeadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one piece of work per VPC so that no VPC can hold up another beyond a bounded share of the invocation
 * (docs/fleet.md "Isolation"):
 * <ul>
 *   <li>up to {@code parallelism} VPCs run at once, each on its own thread with its own SDK clients and
 *       credentials, so a throttled or slow account only slows its own calls;</li>
 *   <li>each VPC's calls are bounded by its <em>budget</em>: the time left divided by the number of waves
 *       ({@code ceil(VPCs / parallelism)}), never more than the time left. Its SDK calls are sized to that deadline
 *       ({@link CallDeadline}), so a VPC that is still retrying at its deadline gives up and reports failure;</li>
 *   <li>the start order rotates by one VPC each run, so with more VPCs than threads none is always last;</li>
 *   <li>a failure of one VPC (AccessDenied on AssumeRole, throttling, a config that does not fit it) is that VPC's
 *       outcome; the others' outcomes are unaffected.</li>
 * </ul>
 * The scheduler itself is pure: it knows sites only as the work it is handed.
 */
public final class FleetScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(FleetScheduler.class);
    /** Without an invocation deadline (CLI, tests): the whole run's bound. */
    public static final Duration DEFAULT_TOTAL = Duration.ofMinutes(2);
    /** Beyond its budget, how long we still wait for a VPC's thread to notice its deadline before reporting it late. */
    static final Duration GRACE = Duration.ofSeconds(2);

    private final int parallelism;
    private final AtomicInteger rotation = new AtomicInteger();

    public FleetScheduler(int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1, was " + parallelism);
        }
        this.parallelism = parallelism;
    }

    /** One site's outcome: a value, or why there is none. */
    public record Run<S, T>(S site, T value, RuntimeException failure, Duration budget, int startPosition) {
        public boolean ok() {
            return failure == null;
        }
    }

    /** A site's work did not end within its budget (and the grace after it). */
    public static final class OverBudgetException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        OverBudgetException(String message) {
            super(message);
        }
    }

    /** The budget each site gets when {@code sites} share {@code total} on this scheduler's threads. */
    public Duration budget(int sites, Duration total) {
        int waves = (sites + parallelism - 1) / parallelism;
        return total.dividedBy(Math.max(1, waves));
    }

    /** Runs {@code work} for every site; outcomes in the sites' order. Never throws for a site's failure. */
    public <S, T> List<Run<S, T>> run(List<S> sites, Function<S, T> work) {
        Objects.requireNonNull(work, "work");
        int n = sites.size();
        if (n == 0) {
            return List.of();
        }
        Duration total = CallDeadline.remaining().orElse(DEFAULT_TOTAL);
        long invocationDeadline = CallDeadline.current().orElse(System.nanoTime() + total.toNanos());
        Duration budget = budget(n, total);
        int offset = Math.floorMod(rotation.getAndIncrement(), n);
        List<CompletableFuture<T>> futures = new ArrayList<>(java.util.Collections.nCopies(n, null));
        int[] positions = new int[n];
        // A slot is given back when its site ends or when its budget (plus grace) is over, whichever is first: so
        // even work that ignores its deadline (not an SDK call) cannot keep the sites queued behind it from starting.
        Semaphore slots = new Semaphore(parallelism);
        for (int position = 0; position < n; position++) {
            int index = (offset + position) % n;
            positions[index] = position;
            S site = sites.get(index);
            CompletableFuture<T> f = new CompletableFuture<>();
            futures.set(index, f);
            if (!acquire(slots, invocationDeadline)) {
                f.completeExceptionally(new OverBudgetException("not started: the invocation's time ran out while earlier VPCs held every slot"));
                continue;
            }
            // The budget starts when the site starts, not when it is queued, bounded by the invocation's end.
            long now = System.nanoTime();
            long deadline = earlier(invocationDeadline, now + budget.toNanos());
            AtomicBoolean released = new AtomicBoolean();
            f.whenComplete((v, e) -> {
                if (released.compareAndSet(false, true)) {
                    slots.release();
                }
            });
            f.orTimeout(Math.max(0, deadline - now) + GRACE.toNanos(), TimeUnit.NANOSECONDS);
            Thread.ofPlatform().daemon().name("vrf-vpc-" + index).start(() -> {
                try {
                    f.complete(CallDeadline.within(deadline, () -> work.apply(site)));
                } catch (RuntimeException | Error e) {
                    f.completeExceptionally(e);
                }
            });
        }
        List<Run<S, T>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(await(sites.get(i), futures.get(i), budget, positions[i]));
        }
        return out;
    }

    private static boolean acquire(Semaphore slots, long deadline) {
        try {
            return slots.tryAcquire(Math.max(0, deadline - System.nanoTime()) + GRACE.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static <S, T> Run<S, T> await(S site, CompletableFuture<T> future, Duration budget, int position) {
        try {
            // Every future ends: by its work, or by its timeout (budget + grace).
            return new Run<>(site, future.get(), null, budget, position);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                // Its thread may still be running: its SDK calls refuse to start after the deadline, and a claim it
                // holds expires (the ownership protocol), so nothing it does later conflicts with the next run.
                LOG.atError().addKeyValue("event", "vpc-over-budget").addKeyValue("vpc", String.valueOf(site))
                        .log("a VPC's work did not end within its budget; reported failed");
                return new Run<>(site, null, new OverBudgetException("did not end within its budget of " + budget.toMillis()
                        + " ms"), budget, position);
            }
            RuntimeException failure = cause instanceof RuntimeException r ? r : new IllegalStateException(cause);
            return new Run<>(site, null, failure, budget, position);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Run<>(site, null, new IllegalStateException("interrupted while waiting for this VPC"), budget, position);
        }
    }

    private static long earlier(long a, long b) {
        return a - b < 0 ? a : b;
    }
}
