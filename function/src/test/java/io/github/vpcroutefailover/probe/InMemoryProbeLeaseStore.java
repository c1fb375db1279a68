package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.ports.LeaseLostException;
import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.ports.ProbeLeaseStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * The lease port's conditions, in memory (DynamoDbProbeLeaseStoreIT holds the real adapter to the same rules).
 * {@code failWhen} makes matching calls throw as a throttled write would, without writing.
 */
final class InMemoryProbeLeaseStore implements ProbeLeaseStore {
    private final Map<String, ProbeLease> leases = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    volatile Predicate<String> failWhen = call -> false;

    private synchronized void call(String name) {
        calls.add(name);
        if (failWhen.test(name)) {
            throw new IllegalStateException("ThrottlingException (injected) on " + name);
        }
    }

    synchronized long count(String name) {
        return calls.stream().filter(name::equals).count();
    }

    /** Test hook: what another writer would have written. */
    synchronized void put(ProbeLease lease) {
        leases.put(lease.scope(), lease);
    }

    @Override
    public synchronized Optional<ProbeLease> read(String scope) {
        call("read");
        return Optional.ofNullable(leases.get(scope));
    }

    @Override
    public synchronized ProbeLease acquire(String scope, ProbeLease seen, String holder, Instant expiresAt) {
        call("acquire");
        ProbeLease cur = leases.get(scope);
        boolean same = seen == null ? cur == null
                : cur != null && cur.generation() == seen.generation() && Objects.equals(cur.expiresAt(), seen.expiresAt());
        if (!same) {
            throw new LeaseLostException("acquire", cur);
        }
        ProbeLease next = new ProbeLease(scope, seen == null ? 1 : seen.generation() + 1, holder, expiresAt, null, null,
                cur == null ? Map.of() : cur.states(), cur == null ? null : cur.statesAt());
        leases.put(scope, next);
        return next;
    }

    @Override
    public synchronized ProbeLease renew(ProbeLease mine, Instant expiresAt) {
        call("renew");
        ProbeLease cur = held(mine, "renew");
        ProbeLease next = new ProbeLease(cur.scope(), cur.generation(), cur.holder(), expiresAt, cur.successor(), cur.successorSince(),
                cur.states(), cur.statesAt());
        leases.put(cur.scope(), next);
        return next;
    }

    @Override
    public synchronized ProbeLease requestHandover(ProbeLease seen, String successor, Instant at) {
        call("requestHandover");
        ProbeLease cur = leases.get(seen.scope());
        if (cur == null || cur.generation() != seen.generation() || !Objects.equals(cur.successor(), seen.successor())) {
            throw new LeaseLostException("hand-over request", cur);
        }
        ProbeLease next = new ProbeLease(cur.scope(), cur.generation(), cur.holder(), cur.expiresAt(), successor, at, cur.states(), cur.statesAt());
        leases.put(cur.scope(), next);
        return next;
    }

    @Override
    public synchronized ProbeLease handOver(ProbeLease mine, Instant expiresAt, Map<String, Map<String, CheckState>> states, Instant at) {
        call("handOver");
        ProbeLease cur = held(mine, "hand-over");
        if (!Objects.equals(cur.successor(), mine.successor())) {
            throw new LeaseLostException("hand-over", cur);
        }
        ProbeLease next = new ProbeLease(cur.scope(), cur.generation() + 1, mine.successor(), expiresAt, null, null, states, at);
        leases.put(cur.scope(), next);
        return next;
    }

    @Override
    public synchronized ProbeLease release(ProbeLease mine, Map<String, Map<String, CheckState>> states, Instant at) {
        call("release");
        ProbeLease cur = held(mine, "release");
        ProbeLease next = new ProbeLease(cur.scope(), cur.generation(), null, at, null, null, states, at);
        leases.put(cur.scope(), next);
        return next;
    }

    private ProbeLease held(ProbeLease mine, String what) {
        ProbeLease cur = leases.get(mine.scope());
        if (cur == null || cur.generation() != mine.generation() || !Objects.equals(cur.holder(), mine.holder())) {
            throw new LeaseLostException(what, cur);
        }
        return cur;
    }
}
