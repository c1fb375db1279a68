package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.OwnershipStore.Unannounced;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The "Announce" step of the protocol (docs/ownership-table.md): Route Failover events are at least once. Each event
 * is written to the outbox (on the route's record) in the same transaction that records its change; after the
 * reconcile, this publishes the events the reconcile recorded and the overdue ones it found in the listing, removes
 * each confirmed one from the outbox, and makes each failed one due at once so the next reconcile re-sends it.
 *
 * <p>An overdue entry is leased first (a conditional move of its due time), so of several concurrent reconciles one
 * re-sends it. A duplicate remains possible only when a publish's response is lost (EventBridge took it, we could
 * not know) or the process dies between publish and removal; it carries the same idempotency key.
 */
public final class Announcer {
    private static final Logger LOG = LoggerFactory.getLogger(Announcer.class);
    /** A re-sender's lease on an overdue entry: longer than a publish and a removal take, short enough to retry soon. */
    static final Duration RESEND_LEASE = Duration.ofSeconds(30);

    private final OwnershipStore store;
    private final RouteChangeNotifier notifier;
    private final Clock clock;

    public Announcer(OwnershipStore store, RouteChangeNotifier notifier, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What one announce step did. */
    public record Announced(int published, int failed, int resent, int leaseLost) {
    }

    /** Publishes what {@code result} recorded and the overdue outbox entries it found; nothing for a dry run. */
    public Announced announce(ReconcileResult result) {
        if (result.dryRun()) {
            return new Announced(0, 0, 0, 0);
        }
        return announce(result.announcements(), result.overdue());
    }

    /**
     * @param own     entries the caller itself settled (its own, still due in the future: no lease needed)
     * @param overdue entries found past their due time (another writer's, or our earlier failed publish)
     */
    public Announced announce(List<Unannounced> own, List<Unannounced> overdue) {
        Instant now = clock.instant();
        List<Unannounced> send = new ArrayList<>();
        int leaseLost = 0;
        for (Unannounced u : overdue) {
            Instant until = now.plus(RESEND_LEASE);
            try {
                if (store.reschedule(u, u.due(), until)) {
                    send.add(new Unannounced(u.key(), u.version(), u.change(), until));
                } else {
                    leaseLost++;
                }
            } catch (RuntimeException e) {
                leaseLost++;
                LOG.atWarn().addKeyValue("event", "announce-lease-failed").addKeyValue("key", u.key().id())
                        .addKeyValue("version", u.version()).log("could not lease an overdue Route Failover event: " + e.getMessage());
            }
        }
        int resent = send.size();
        send.addAll(own);
        if (send.isEmpty()) {
            return new Announced(0, 0, 0, leaseLost);
        }
        CrashPoints.reached("before-announce");
        List<Boolean> ok = notifier.publish(send.stream().map(Unannounced::change).toList());
        int failed = 0;
        List<Unannounced> sentOnes = new ArrayList<>();
        for (int i = 0; i < send.size(); i++) {
            Unannounced u = send.get(i);
            if (i < ok.size() && Boolean.TRUE.equals(ok.get(i))) {
                sentOnes.add(u);
                continue;
            }
            failed++;
            try {
                // Due at once: the next reconcile re-sends it rather than waiting out the writer's deadline.
                store.reschedule(u, u.due(), clock.instant());
            } catch (RuntimeException e) {
                outboxUpdateFailed(u, false, e);
            }
        }
        int published = sentOnes.size();
        try {
            // One write for all of them (issue #17: a failover's cost must not grow by a removal per moved table).
            store.markAnnounced(sentOnes);
        } catch (RuntimeException batch) {
            for (Unannounced u : sentOnes) {
                try {
                    store.markAnnounced(u);
                } catch (RuntimeException e) {
                    outboxUpdateFailed(u, true, e);
                }
            }
        }
        LOG.atInfo().addKeyValue("event", "announced").addKeyValue("published", published).addKeyValue("failed", failed)
                .addKeyValue("resent", resent).addKeyValue("leaseLost", leaseLost).log("Route Failover events published");
        return new Announced(published, failed, resent, leaseLost);
    }

    /**
     * The outbox entry of a change about to be recorded. Due when the writer is provably gone: the end of its
     * invocation when known, and never sooner than one claim budget from now (the writer publishes right after the
     * reconcile, which may still be applying other tables' actions).
     */
    private static void outboxUpdateFailed(Unannounced u, boolean published, RuntimeException e) {
        LOG.atWarn().addKeyValue("event", "outbox-update-failed").addKeyValue("key", u.key().id())
                .addKeyValue("version", u.version()).addKeyValue("published", published)
                .log("could not update the outbox entry (it is re-sent after " + u.due() + ", with the same idempotency key): "
                        + e.getMessage());
    }

    static Unannounced entry(RouteKey key, RouteAction action, long version, boolean forced, String caller, Instant at,
                             List<Candidate> candidates, Instant now, Duration claimBudget) {
        Instant due = now.plus(claimBudget);
        Optional<Duration> left = CallDeadline.remaining();
        if (left.isPresent() && now.plus(left.get()).isAfter(due)) {
            due = now.plus(left.get());
        }
        RouteTarget from = action.from();
        String fromName = from == null ? null : candidates.stream().filter(c -> c.target().sameHopAs(from))
                .map(Candidate::targetName).filter(Objects::nonNull).findFirst().orElse(null);
        RouteChange change = new RouteChange(key.routeTableId(), key.destination().toString(), action.routeName(), from, fromName,
                action.to() == null ? null : action.to().target(), action.to() == null ? null : action.to().targetName(),
                action.reason(), version, forced, false, caller, at);
        return new Unannounced(key, version, change, due);
    }
}
