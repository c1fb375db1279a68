package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.health.CheckState;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The probe lease (see {@link ProbeLease}). Every write is conditional on the lease the writer last saw, so a stale
 * writer loses with {@link LeaseLostException} and never overwrites a newer holder. A write whose response was lost
 * is recognised by reading the lease back (each write carries a unique id); when even that fails the call throws the
 * original error and the caller treats the lease as not written.
 */
public interface ProbeLeaseStore {

    /** Strongly consistent read. */
    Optional<ProbeLease> read(String scope);

    /**
     * Takes a free, released or expired lease: generation {@code seen.generation + 1} (1 when {@code seen} is null),
     * holder {@code holder}, successor cleared. Conditional on the lease still being exactly {@code seen} (absent when null).
     */
    ProbeLease acquire(String scope, ProbeLease seen, String holder, Instant expiresAt);

    /** Extends the holder's lease. Conditional on generation and holder; returns the lease as written (a successor shows). */
    ProbeLease renew(ProbeLease mine, Instant expiresAt);

    /**
     * Registers {@code successor} as ready to take over. Conditional on the generation seen and on the successor field
     * being what {@code seen} had (so of two waiting invocations one asks, the other sees it).
     */
    ProbeLease requestHandover(ProbeLease seen, String successor, Instant at);

    /**
     * The holder hands over to its successor: generation + 1, holder = the successor, the holder's counters stored.
     * Conditional on generation, holder and successor. The old holder has stopped probing before it calls this.
     */
    ProbeLease handOver(ProbeLease mine, Instant expiresAt, Map<String, Map<String, CheckState>> states, Instant at);

    /** The holder ends without a successor: holder cleared, lease expired at once, its counters stored. Conditional on generation and holder. */
    ProbeLease release(ProbeLease mine, Map<String, Map<String, CheckState>> states, Instant at);
}
