package io.github.vpcroutefailover.testsupport.lab;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * Continuous client traffic from one private namespace: a small HTTP request to the internet server every
 * {@code every} (each on a new TCP connection, so a route change takes effect for the next request). Times are
 * {@link System#nanoTime()} values (CLOCK_MONOTONIC, shared with the agent).
 */
public final class Traffic implements AutoCloseable {
    /**
     * One request.
     * @param via the NAT that carried it (from the source address the server saw), or null when it failed
     */
    public record Sample(long startNanos, long endNanos, boolean ok, String via) {
    }

    /**
     * Traffic continuity around a fault.
     * @param outage     last success before the fault to the first success after it (ZERO if no request failed)
     * @param recovered  false when no request succeeded after the failures (outage then runs to the end of the samples)
     * @param failed     requests that failed in between
     */
    public record Outage(Duration outage, boolean recovered, int failed, long lastOkNanos, long firstOkNanos) {
    }

    private final String subnet;
    private final Agent agent;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final Thread reader;

    Traffic(String subnet, Agent agent, java.util.function.Function<String, String> natByPublicAddress) {
        this.subnet = subnet;
        this.agent = agent;
        this.reader = Thread.ofPlatform().daemon().name("lab-traffic-" + subnet).start(() -> {
            String line;
            while ((line = agent.readLine()) != null) {
                String[] w = line.split(" ");
                if (w.length >= 3) {
                    boolean ok = "ok".equals(w[2]);
                    samples.add(new Sample(Long.parseLong(w[0]), Long.parseLong(w[1]), ok,
                            ok && w.length > 3 ? natByPublicAddress.apply(w[3]) : null));
                }
            }
        });
    }

    public String subnet() {
        return subnet;
    }

    /** Every request so far whose answer (or failure) has come back, in start order. */
    public List<Sample> samples() {
        List<Sample> s = new ArrayList<>(samples);
        s.sort(Comparator.comparingLong(Sample::startNanos));
        return s;
    }

    /** Requests started at or after {@code nanos}. */
    public List<Sample> since(long nanos) {
        return samples().stream().filter(s -> s.startNanos() >= nanos).toList();
    }

    /**
     * Blocks until a request started at or after {@code fromNanos} matches, at most {@code timeout}.
     * @return the sample, or empty after the timeout
     */
    public Optional<Sample> await(long fromNanos, Predicate<Sample> match, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        do {
            for (Sample s : samples) {
                if (s.startNanos() >= fromNanos && match.test(s)) {
                    return Optional.of(s);
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < until);
        return Optional.empty();
    }

    /** Waits until {@code n} consecutive requests started after {@code fromNanos} succeeded through {@code nat}. */
    public boolean awaitSteady(long fromNanos, String nat, int n, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        do {
            int run = 0;
            for (Sample s : since(fromNanos)) {
                run = s.ok() && nat.equals(s.via()) ? run + 1 : 0;
                if (run >= n) {
                    return true;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < until);
        return false;
    }

    /** Outage around a fault applied at {@code faultNanos}, from the samples so far. */
    public Outage outage(long faultNanos) {
        return outage(samples(), faultNanos);
    }

    /**
     * Pure: the outage in {@code samples} around a fault at {@code faultNanos}: the longest gap between two consecutive
     * successes (by completion) from the last success before the fault on, or from it to the last sample when no
     * success followed (not recovered). Zero when no request that finished after the fault failed. Requests overlap
     * (a slow one may finish after a later one), so gaps between completions are what "traffic stopped" means.
     */
    public static Outage outage(List<Sample> samples, long faultNanos) {
        if (samples.stream().noneMatch(s -> !s.ok() && s.endNanos() >= faultNanos)) {
            return new Outage(Duration.ZERO, true, 0, 0, 0);
        }
        List<Sample> oks = samples.stream().filter(Sample::ok).sorted(Comparator.comparingLong(Sample::endNanos)).toList();
        long prev = oks.stream().filter(s -> s.endNanos() < faultNanos).mapToLong(Sample::endNanos).max()
                .orElse(samples.getFirst().startNanos());
        long bestFrom = prev;
        long bestTo = prev;
        for (Sample s : oks) {
            if (s.endNanos() >= faultNanos) {
                if (s.endNanos() - prev > bestTo - bestFrom) {
                    bestFrom = prev;
                    bestTo = s.endNanos();
                }
                prev = s.endNanos();
            }
        }
        long lastEnd = samples.stream().mapToLong(Sample::endNanos).max().orElse(prev);
        // Still out: a request started after the last successful one failed (a straggler from before does not count).
        long lastOkStart = oks.stream().filter(s -> s.endNanos() >= faultNanos).mapToLong(Sample::startNanos).max().orElse(Long.MIN_VALUE);
        boolean recovered = samples.stream().noneMatch(s -> !s.ok() && s.startNanos() > lastOkStart);
        if (!recovered) {
            bestFrom = prev;
            bestTo = lastEnd;
        }
        long from = bestFrom;
        long to = bestTo;
        int failed = (int) samples.stream().filter(s -> !s.ok() && s.endNanos() > from && s.startNanos() < to).count();
        return new Outage(Duration.ofNanos(Math.max(0, to - from)), recovered, failed, from, recovered ? to : 0);
    }

    /**
     * One character per {@code bucket} from {@code fromNanos} to {@code toNanos} by request start: '.' all requests
     * succeeded, 'x' all failed, ':' both, ' ' none started.
     */
    public String timeline(long fromNanos, long toNanos, Duration bucket) {
        return timeline(samples(), fromNanos, toNanos, bucket);
    }

    public static String timeline(List<Sample> samples, long fromNanos, long toNanos, Duration bucket) {
        long b = bucket.toNanos();
        int n = (int) Math.max(0, Math.min(10_000, (toNanos - fromNanos + b - 1) / b));
        int[] ok = new int[n];
        int[] fail = new int[n];
        for (Sample s : samples) {
            long i = (s.startNanos() - fromNanos) / b;
            if (s.startNanos() >= fromNanos && i < n) {
                if (s.ok()) {
                    ok[(int) i]++;
                } else {
                    fail[(int) i]++;
                }
            }
        }
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ok[i] > 0 && fail[i] > 0 ? ':' : ok[i] > 0 ? '.' : fail[i] > 0 ? 'x' : ' ');
        }
        return sb.toString();
    }

    @Override
    public void close() {
        agent.close();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
