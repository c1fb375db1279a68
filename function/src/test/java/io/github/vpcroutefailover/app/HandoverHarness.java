package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbProbeLeaseStore;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.ports.ProbeLeaseStore;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.probe.LeaseSettings;
import io.github.vpcroutefailover.probe.LeaseTenure;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.probe.Sleeper;
import io.github.vpcroutefailover.testsupport.LocalAws;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Consecutive probe invocations driven the way the schedule drives them: invocation {@code i} starts at
 * {@code i x period} on its own thread with its own {@link ProbeCycle} (its own execution environment), probes real
 * 127.0.0.1 listeners behind the two NAT instances of a {@link Scenario}, and takes the probe lease in DynamoDB Local.
 * Every probe is recorded with its invocation, a global sequence number and its start time, so a test can check
 * across every invocation boundary who probed when.
 */
final class HandoverHarness implements AutoCloseable {
    /** One probe of check {@code check} by invocation {@code invocation}. */
    record Probe(int invocation, long seq, long startNanos, String check) {
    }

    /** One invocation's outcome. */
    record Invocation(int index, long startNanos, ProbeCycle.Result result, Throwable failure) {
    }

    /** Across one boundary: the old invocation's last probe and the new one's first (of the check measured). */
    record Boundary(int from, Probe lastOld, Probe firstNew, long doubleProbes) {
        double gapMs() {
            return (firstNew.startNanos() - lastOld.startNanos()) / 1e6;
        }
    }

    final Scenario s;
    final FailoverConfig config;
    final DynamoDbClient ddb;
    private final LoopbackListener a;
    private final LoopbackListener b;
    private final CheckProber real = new CheckProber();
    final List<Probe> probes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong seq = new AtomicLong();

    HandoverHarness(LocalAws aws) throws Exception {
        this.s = new Scenario(aws, Instant.now());
        this.a = LoopbackListener.open();
        this.b = LoopbackListener.open();
        real.warmUp();
        this.ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        this.config = ConfigLoader.parse("""
                version: 1
                vpc: %s
                checks:
                  tcp-a: {type: tcp, port: %d}
                  tcp-b: {type: tcp, port: %d}
                targets:
                  nat-a: {instance: %s, checks: [tcp-a], sourceDestCheck: fix}
                  nat-b: {instance: %s, checks: [tcp-b], sourceDestCheck: fix}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                """.formatted(s.net.vpcId(), a.port(), b.port(), s.natA, s.natB), "handover.yaml");
    }

    /**
     * Runs {@code count} invocations, one every {@code period}, each probing for at most {@code maxRun}.
     *
     * @param killAfter for the invocations {@code dies} selects: how long after its first probe (it holds the lease
     *                  then) the invocation dies: its thread is interrupted and its lease calls fail from then on, as
     *                  if the process were gone; null: none dies
     */
    List<Invocation> drive(int count, Duration period, Duration maxRun, LeaseSettings lease, IntPredicate dies, Duration killAfter)
            throws InterruptedException {
        Invocation[] out = new Invocation[count];
        List<Thread> threads = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) {
            long startAt = t0 + period.toNanos() * i;
            long wait = startAt - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            int index = i;
            AtomicBoolean dead = new AtomicBoolean();
            CountDownLatch probing = new CountDownLatch(1);
            Thread t = new Thread(() -> out[index] = invoke(index, maxRun, lease, dead, probing), "invocation-" + i);
            t.start();
            threads.add(t);
            if (killAfter != null && dies.test(i)) {
                Thread killer = new Thread(() -> {
                    try {
                        probing.await();
                        Thread.sleep(killAfter);
                    } catch (InterruptedException e) {
                        return;
                    }
                    dead.set(true);
                    t.interrupt();
                }, "killer-" + i);
                killer.setDaemon(true);
                killer.start();
            }
        }
        for (Thread t : threads) {
            t.join(Duration.ofMinutes(5));
        }
        return List.of(out);
    }

    private Invocation invoke(int index, Duration maxRun, LeaseSettings settings, AtomicBoolean dead, CountDownLatch probing) {
        long start = System.nanoTime();
        Prober recording = new Prober() {
            @Override
            public ProbeResult probe(String address, CheckSpec check) {
                if (!dead.get()) {
                    probes.add(new Probe(index, seq.incrementAndGet(), System.nanoTime(), check.name()));
                    probing.countDown();
                }
                return real.probe(address, check);
            }
        };
        Clock clock = Clock.systemUTC();
        ProbeLoop.Builder loop = ProbeLoop.builder().prober(recording).settings(ProbeSettings.defaults()).clock(clock)
                .sleeper(Sleeper.SYSTEM).metrics(ProbeMetrics.NONE).probeAz(s.net.zone(0));
        ProbeLeaseStore store = new Dying(new DynamoDbProbeLeaseStore(ddb, s.table), dead);
        try (ProbeCycle cycle = new ProbeCycle(s.reconciler(), loop, t -> new ProbeTarget(t.key(), "127.0.0.1", t.checks()))
                .lease(store, s.net.zone(0), settings, clock, Sleeper.SYSTEM)) {
            ProbeCycle.Result r = cycle.run(config, "invocation-" + index, clock.instant().plus(maxRun));
            return new Invocation(index, start, r, null);
        } catch (RuntimeException e) {
            return new Invocation(index, start, null, e);
        }
    }

    /** The boundaries between consecutive invocations, measured on {@code check}'s probes. */
    List<Boundary> boundaries(int count, String check) {
        List<Probe> all;
        synchronized (probes) {
            all = new ArrayList<>(probes);
        }
        List<Boundary> out = new ArrayList<>();
        for (int i = 0; i + 1 < count; i++) {
            int from = i;
            Optional<Probe> lastOld = all.stream().filter(p -> p.invocation() == from && p.check().equals(check))
                    .max((x, y) -> Long.compare(x.startNanos(), y.startNanos()));
            Optional<Probe> firstNew = all.stream().filter(p -> p.invocation() == from + 1 && p.check().equals(check))
                    .min((x, y) -> Long.compare(x.startNanos(), y.startNanos()));
            if (lastOld.isEmpty() || firstNew.isEmpty()) {
                continue;
            }
            // Probes of the old invocation after the new one's first, or of the new one before the old one's last.
            long doubles = all.stream().filter(p -> (p.invocation() == from && p.seq() > firstNew.get().seq())
                    || (p.invocation() == from + 1 && p.seq() < lastOld.get().seq())).count();
            out.add(new Boundary(from, lastOld.get(), firstNew.get(), doubles));
        }
        return out;
    }

    Optional<ProbeLease> lease() {
        return new DynamoDbProbeLeaseStore(ddb, s.table).read(s.net.zone(0));
    }

    @Override
    public void close() throws Exception {
        real.close();
        a.close();
        b.close();
    }

    /** The lease store of an invocation whose process is gone once {@code dead} is set: every call fails. */
    private record Dying(ProbeLeaseStore delegate, AtomicBoolean dead) implements ProbeLeaseStore {
        private void alive() {
            if (dead.get()) {
                throw new IllegalStateException("the invocation is dead");
            }
        }

        @Override
        public Optional<ProbeLease> read(String scope) {
            alive();
            return delegate.read(scope);
        }

        @Override
        public ProbeLease acquire(String scope, ProbeLease seen, String holder, Instant expiresAt) {
            alive();
            return delegate.acquire(scope, seen, holder, expiresAt);
        }

        @Override
        public ProbeLease renew(ProbeLease mine, Instant expiresAt) {
            alive();
            return delegate.renew(mine, expiresAt);
        }

        @Override
        public ProbeLease requestHandover(ProbeLease seen, String successor, Instant at) {
            alive();
            return delegate.requestHandover(seen, successor, at);
        }

        @Override
        public ProbeLease handOver(ProbeLease mine, Instant expiresAt, Map<String, Map<String, CheckState>> states, Instant at) {
            alive();
            return delegate.handOver(mine, expiresAt, states, at);
        }

        @Override
        public ProbeLease release(ProbeLease mine, Map<String, Map<String, CheckState>> states, Instant at) {
            alive();
            return delegate.release(mine, states, at);
        }
    }

    static LeaseTenure.How how(Invocation i) {
        return i.result() == null || i.result().lease() == null ? null : i.result().lease().acquired();
    }
}
