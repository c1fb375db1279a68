package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.ports.LeaseLostException;
import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.ports.ProbeLeaseStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One probe invocation's hold on its AZ's lease: how consecutive invocations overlap without a blind gap and
 * without probing twice.
 *
 * <ol>
 *   <li>The next invocation (started by the schedule while the previous one still probes) observes the world first,
 *       then {@link #acquire}s: a free, released or expired lease it takes at once; a live one it asks for
 *       ({@code successor}) and then reads every {@code poll} until it is handed the lease.</li>
 *   <li>The holder renews every {@code renewEvery}, and before every round once a successor may be waiting. A
 *       renewal that shows a successor makes it stop probing (between rounds, nothing in flight) and
 *       {@code handOver}: generation + 1, the successor as holder, its counters stored. The successor's next read
 *       finds itself holder and probes at once, continuing every streak from those counters. The gap is one write
 *       plus at most one poll.</li>
 *   <li>Fencing: every write is conditional on the generation (and holder) its writer saw. A holder whose renewal
 *       loses stops at once ({@link ProbeRun.Stop#LEASE_LOST}). A holder that cannot renew (throttled) probes only
 *       while its last written {@code expiresAt} has not passed, and a successor takes over only after
 *       {@code expiresAt + maxSkew}: with clocks within {@code maxSkew}, never two at once. Route changes are fenced
 *       by the ownership protocol regardless, so even a skew beyond the bound can cost a duplicate probe, not a
 *       duplicate change.</li>
 *   <li>A holder that dies is replaced {@code ttl + maxSkew} after its last renewal at the latest.</li>
 * </ol>
 *
 * <p>The loop thread calls {@link #check} between rounds; a {@link #heartbeat} (another thread, every second) keeps
 * renewing while the loop is busy in a long trigger call (a failover's reconcile can take longer than the ttl when
 * EC2 throttles), so a live holder's lease never lapses for that. Only the loop thread hands over, between rounds.
 */
public final class LeaseTenure implements Tenure {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseTenure.class);

    private final ProbeLeaseStore store;
    private final String scope;
    private final String me;
    private final Clock clock;
    private final Sleeper sleeper;
    private final LeaseSettings settings;
    private final Instant successorFrom;
    private ProbeLease mine;
    private Instant nextRenew = Instant.MIN;
    /** The heartbeat's last renewal showed a successor: the loop hands over before its next round. */
    private boolean successorWaiting;
    private final Counts counts = new Counts();

    /**
     * @param scope           the probe's AZ: one lease per AZ
     * @param me              this invocation's id (unique)
     * @param invocationStart when this invocation started; a successor is expected from {@code successorAfter} later
     */
    public LeaseTenure(ProbeLeaseStore store, String scope, String me, Clock clock, Sleeper sleeper, LeaseSettings settings,
                       Instant invocationStart) {
        this.store = Objects.requireNonNull(store, "store");
        this.scope = Objects.requireNonNull(scope, "scope");
        this.me = Objects.requireNonNull(me, "me");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.successorFrom = invocationStart.plus(settings.successorAfter());
    }

    /** How this invocation came by its lease. */
    public enum How {
        /** No lease item, or a released one. */
        FREE,
        /** The previous holder handed over (its counters came with it). */
        HANDED_OVER,
        /** The previous holder stopped renewing (died, or could not write) and its lease expired. */
        EXPIRED
    }

    /**
     * @param how    how it was taken
     * @param states the counters stored with the lease by the previous holder (empty when none)
     * @param statesAt when those were stored (null: none)
     */
    public record Acquired(How how, long generation, Map<String, Map<String, CheckState>> states, Instant statesAt) {
    }

    /** What this invocation did with the lease, for its summary and for tests. */
    public static final class Counts {
        public int renewals;
        public int renewFailures;
        public int handovers;
        public int handoverFailures;
        public int reads;
        public int acquisitions;
        public boolean lost;

        @Override
        public String toString() {
            return "renewals=" + renewals + " renewFailures=" + renewFailures + " handovers=" + handovers + " handoverFailures="
                    + handoverFailures + " reads=" + reads + " acquisitions=" + acquisitions + " lost=" + lost;
        }
    }

    public synchronized Counts counts() {
        return counts;
    }

    /** The lease as this invocation last wrote or read it while holding it; empty when it does not hold it. */
    public synchronized Optional<ProbeLease> held() {
        return Optional.ofNullable(mine);
    }

    /**
     * Takes the lease, waiting for a hand-over while a live holder probes. Reads and writes that fail are retried
     * after {@code poll}.
     *
     * @param until give up at this instant (the invocation's deadline)
     * @return empty when the lease could not be had before {@code until}
     */
    public synchronized Optional<Acquired> acquire(Instant until) throws InterruptedException {
        boolean asked = false;
        while (true) {
            Instant now = clock.instant();
            if (!now.isBefore(until)) {
                LOG.atWarn().addKeyValue("event", "probe-lease-not-acquired").addKeyValue("scope", scope).addKeyValue("invocation", me)
                        .log("the probe lease stayed with another live invocation until this one's deadline; it did not probe");
                return Optional.empty();
            }
            try {
                counts.reads++;
                Optional<ProbeLease> current = store.read(scope);
                ProbeLease lease = current.orElse(null);
                if (lease != null && lease.heldBy(me)) {
                    return Optional.of(took(How.HANDED_OVER, lease));
                }
                if (lease == null || lease.holder() == null || expired(lease, now)) {
                    How how = lease == null || lease.holder() == null ? How.FREE : How.EXPIRED;
                    ProbeLease taken = store.acquire(scope, lease, me, now.plus(settings.ttl()));
                    if (how == How.EXPIRED) {
                        LOG.atWarn().addKeyValue("event", "probe-lease-expired-takeover").addKeyValue("scope", scope)
                                .addKeyValue("invocation", me).addKeyValue("previous", lease.holder())
                                .addKeyValue("expiredAt", lease.expiresAt().toString())
                                .log("took over an expired probe lease: its holder stopped renewing");
                    }
                    return Optional.of(took(how, withStatesOf(taken, lease)));
                }
                if (!me.equals(lease.successor()) && (lease.successor() == null || staleSuccessor(lease, now))) {
                    store.requestHandover(lease, me, now);
                    asked = true;
                }
            } catch (LeaseLostException e) {
                // Someone wrote between our read and our write: read again.
                continue;
            } catch (RuntimeException e) {
                LOG.atWarn().addKeyValue("event", "probe-lease-read-failed").addKeyValue("scope", scope).addKeyValue("asked", asked)
                        .log("probe lease call failed, retrying: " + e);
            }
            sleeper.sleep(settings.poll());
        }
    }

    private Acquired took(How how, ProbeLease lease) {
        mine = lease;
        counts.acquisitions++;
        nextRenew = Instant.MIN; // renew before the first round: the lease we were handed was written by someone else's clock
        LOG.atInfo().addKeyValue("event", "probe-lease-acquired").addKeyValue("scope", scope).addKeyValue("invocation", me)
                .addKeyValue("how", how.name()).addKeyValue("generation", lease.generation()).log("probe lease acquired");
        return new Acquired(how, lease.generation(), lease.states(), lease.statesAt());
    }

    /** The taken lease with the counters the previous item carried (an acquire write clears nothing it does not own). */
    private static ProbeLease withStatesOf(ProbeLease taken, ProbeLease previous) {
        if (previous == null || !taken.states().isEmpty()) {
            return taken;
        }
        return new ProbeLease(taken.scope(), taken.generation(), taken.holder(), taken.expiresAt(), taken.successor(),
                taken.successorSince(), previous.states(), previous.statesAt());
    }

    private boolean expired(ProbeLease lease, Instant now) {
        return lease.expiresAt() == null || now.isAfter(lease.expiresAt().plus(settings.maxSkew()));
    }

    /** A successor that asked more than a ttl ago and was never handed the lease (it died, or gave up). */
    private boolean staleSuccessor(ProbeLease lease, Instant now) {
        return lease.successorSince() == null || now.isAfter(lease.successorSince().plus(settings.ttl()).plus(settings.maxSkew()));
    }

    /**
     * Renews when due, from a thread other than the loop's; a successor it sees is handed over by the loop's next
     * {@link #check}. Failures are counted and retried at the next beat.
     */
    public synchronized void heartbeat() {
        Instant now = clock.instant();
        if (mine == null || now.isBefore(nextRenew)) {
            return;
        }
        try {
            ProbeLease renewed = store.renew(mine, now.plus(settings.ttl()));
            counts.renewals++;
            mine = renewed;
            nextRenew = now.plus(settings.renewEvery());
            successorWaiting = renewed.successor() != null && !staleSuccessor(renewed, now);
        } catch (LeaseLostException e) {
            lost(e);
        } catch (RuntimeException e) {
            counts.renewFailures++;
            LOG.atWarn().addKeyValue("event", "probe-lease-renew-failed").addKeyValue("scope", scope).addKeyValue("invocation", me)
                    .addKeyValue("validUntil", mine.expiresAt().toString()).log("could not renew the probe lease (heartbeat): " + e);
        }
    }

    @Override
    public synchronized Decision check(Instant now, Supplier<Map<String, Map<String, CheckState>>> states) {
        if (mine == null) {
            return new Decision.Stop(counts.lost ? ProbeRun.Stop.LEASE_LOST : ProbeRun.Stop.HANDED_OVER);
        }
        if (successorWaiting && !staleSuccessor(mine, now)) {
            return handOver(mine, states.get());
        }
        if (!now.isBefore(nextRenew) || !now.isBefore(successorFrom)) {
            try {
                ProbeLease renewed = store.renew(mine, now.plus(settings.ttl()));
                counts.renewals++;
                mine = renewed;
                nextRenew = now.plus(settings.renewEvery());
                if (renewed.successor() != null && !staleSuccessor(renewed, now)) {
                    return handOver(renewed, states.get());
                }
            } catch (LeaseLostException e) {
                return lost(e);
            } catch (RuntimeException e) {
                // Not renewed (throttled, unreachable): probe on while the lease we last wrote is valid, retry next round.
                counts.renewFailures++;
                nextRenew = now;
                LOG.atWarn().addKeyValue("event", "probe-lease-renew-failed").addKeyValue("scope", scope).addKeyValue("invocation", me)
                        .addKeyValue("validUntil", mine.expiresAt().toString()).log("could not renew the probe lease: " + e);
            }
        }
        return new Decision.Until(mine.expiresAt());
    }

    private Decision handOver(ProbeLease lease, Map<String, Map<String, CheckState>> states) {
        Instant at = clock.instant();
        successorWaiting = false;
        try {
            ProbeLease next = store.handOver(lease, at.plus(settings.ttl()), states, at);
            counts.handovers++;
            mine = null;
            LOG.atInfo().addKeyValue("event", "probe-lease-handed-over").addKeyValue("scope", scope).addKeyValue("invocation", me)
                    .addKeyValue("to", next.holder()).addKeyValue("generation", next.generation()).log("probe lease handed over");
            return new Decision.Stop(ProbeRun.Stop.HANDED_OVER);
        } catch (LeaseLostException e) {
            return lost(e);
        } catch (RuntimeException e) {
            // Not handed over: keep probing (no blind time) and try again before the next round.
            counts.handoverFailures++;
            nextRenew = at;
            LOG.atWarn().addKeyValue("event", "probe-lease-handover-failed").addKeyValue("scope", scope).addKeyValue("invocation", me)
                    .log("could not hand the probe lease over, probing on: " + e);
            return new Decision.Until(mine.expiresAt());
        }
    }

    private Decision lost(LeaseLostException e) {
        counts.lost = true;
        mine = null;
        LOG.atWarn().addKeyValue("event", "probe-lease-lost").addKeyValue("scope", scope).addKeyValue("invocation", me)
                .log("probe lease lost, stopping: " + e.getMessage());
        return new Decision.Stop(ProbeRun.Stop.LEASE_LOST);
    }

    /**
     * At the end of the invocation: hand over to a waiting successor, or release the lease with the counters so the
     * next invocation need not wait for it to expire. Failures are logged: the lease then expires by itself.
     */
    public synchronized void finish(Map<String, Map<String, CheckState>> states) {
        if (mine == null) {
            return;
        }
        Instant now = clock.instant();
        try {
            ProbeLease renewed = store.renew(mine, now.plus(settings.ttl()));
            if (renewed.successor() != null && !staleSuccessor(renewed, now)) {
                handOver(renewed, states);
                if (mine == null) {
                    return;
                }
            }
            store.release(mine, states, clock.instant());
            mine = null;
            LOG.atInfo().addKeyValue("event", "probe-lease-released").addKeyValue("scope", scope).addKeyValue("invocation", me)
                    .log("probe lease released at the end of the invocation");
        } catch (RuntimeException e) {
            mine = null;
            LOG.atWarn().addKeyValue("event", "probe-lease-release-failed").addKeyValue("scope", scope).addKeyValue("invocation", me)
                    .log("could not release the probe lease; it expires by itself: " + e);
        }
    }

    /** How often {@link #heartbeat} should be called: twice per renewal interval, so a renewal is at most half late. */
    public Duration heartbeatEvery() {
        return settings.renewEvery().dividedBy(2);
    }
}
