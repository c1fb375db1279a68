package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ClaimStep.Done;
import io.github.vpcroutefailover.app.ClaimStep.Lost;
import io.github.vpcroutefailover.app.ClaimStep.Released;
import io.github.vpcroutefailover.app.Reconciler.World;
import java.util.concurrent.ConcurrentHashMap;
import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.PlanInput;
import io.github.vpcroutefailover.domain.plan.PlanNote;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.Instances;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.RoutePlanner;
import io.github.vpcroutefailover.ports.RouteTables.ApplyOutcome;
import io.github.vpcroutefailover.ports.RouteTables;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.ports.OutcomeUnknownException;
import io.github.vpcroutefailover.domain.ownership.RecordMachine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reconcile phase 3, apply: one reconcile's execution of its actions, shared by the table workers. Each action is
 * checked (source/dest), claimed under a deadline, changed in EC2 and handed to {@link ClaimSettler}; a lost or
 * released claim is re-read and re-planned.
 */
final class ActionExecution {
    /** Less time than this left in the invocation: no new claim (claim, EC2 change and settle each need a call). */
    static final Duration MIN_CLAIM_TIME = Duration.ofSeconds(3);

    /** The adapters an execution works through; one set per reconciler. */
    record Ports(RouteTables routeTables, Instances instances, OwnershipStore ownership, RoutePlanner planner, Clock clock) {
    }

    private final RouteTables routeTables;
    private final Instances instances;
    private final OwnershipStore ownership;
    private final RoutePlanner planner;
    private final Clock clock;
    private final FailoverConfig config;
    private final ReconcileOptions options;
    private final PlanInput input;
    private final World world;
    private final Instant now;
    private final ActionLog log;
    private final AtomicInteger lost;
    private final ClaimSettler settler;
    /** ENIs whose source/dest check this reconcile has disabled; concurrent workers wait for the one doing it. */
    private final ConcurrentHashMap<String, Boolean> fixedEnis = new ConcurrentHashMap<>();

    ActionExecution(Ports ports, FailoverConfig config, ReconcileOptions options, PlanInput input, World world, Instant now,
                    List<PlanNote> notes, AtomicInteger lost) {
        this.routeTables = ports.routeTables();
        this.instances = ports.instances();
        this.ownership = ports.ownership();
        this.planner = ports.planner();
        this.clock = ports.clock();
        this.config = config;
        this.options = options;
        this.input = input;
        this.world = world;
        this.now = now;
        this.log = new ActionLog(notes, options);
        this.lost = lost;
        this.settler = new ClaimSettler(ownership, clock, options, now, log);
    }

    ActionOutcome run(RouteAction first) {
        RouteAction action = first;
        PlanInput current = input;
        for (int attempt = 1; ; attempt++) {
            Optional<ActionOutcome> refused = checkSourceDest(action);
            if (refused.isPresent()) {
                return refused.get();
            }
            if (options.dryRun()) {
                return dryRun(action);
            }
            Optional<Duration> left = CallDeadline.remaining();
            if (left.isPresent() && left.get().compareTo(MIN_CLAIM_TIME) < 0) {
                String msg = "not claimed: " + Math.max(0, left.get().toMillis()) + " ms left in this invocation, less than the "
                        + MIN_CLAIM_TIME.toMillis() + " ms a claim needs to finish; the next reconcile does it";
                note(PlanNote.Level.WARN, action, msg);
                log(action, "deferred", action.expectedVersion(), msg);
                return new ActionOutcome(action.key(), action, Status.DEFERRED, action.expectedVersion(), msg);
            }
            Duration budget = left.isPresent() && left.get().compareTo(options.claimBudget()) < 0 ? left.get() : options.claimBudget();
            ClaimStep step = attempt(action, budget);
            switch (step) {
                case Done d -> {
                    return d.outcome();
                }
                case Lost l -> {
                    lost.incrementAndGet();
                    log(action, "claim-lost", action.expectedVersion(), l.e().getMessage());
                    if (attempt >= options.maxClaimAttempts()) {
                        note(PlanNote.Level.WARN, action, "gave up after " + attempt + " lost claims; the next reconcile retries");
                        return new ActionOutcome(action.key(), action, Status.LOST, action.expectedVersion(), l.e().getMessage());
                    }
                    current = reread(current, action.key(), l.e().current());
                }
                case Released r -> {
                    if (!r.transientFault() || attempt >= options.maxClaimAttempts()) {
                        return r.outcome();
                    }
                    try {
                        current = reread(current, action.key(), null);
                    } catch (RuntimeException e) {
                        return r.outcome();
                    }
                    log(action, "retry", r.outcome().version(), "the change did not reach EC2 (" + r.outcome().detail()
                            + "); claim released; retrying on fresh state");
                }
            }
            Optional<RouteAction> again = planner.plan(current).actions().stream()
                    .filter(a -> a.key().equals(first.key())).findFirst();
            if (again.isEmpty()) {
                log(action, "superseded", action.expectedVersion(), "another writer settled this route");
                return new ActionOutcome(action.key(), action, Status.SUPERSEDED, action.expectedVersion(),
                        "another writer changed the route; re-planned on its result: nothing left to do");
            }
            action = again.get();
        }
    }

    /**
     * Claim, change EC2, settle: one pass of the protocol. The claim and the EC2 change run under the claim's
     * deadline (no EC2 call can start after it, so a repairer reading the table after it sees the final state);
     * the settle may run after it, under the invocation's deadline only: it is conditional on the claim still
     * being PENDING, so if a repairer got there first it loses and finds the repairer's record.
     */
    private ClaimStep attempt(RouteAction action, Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        Object phase = CallDeadline.within(System.nanoTime() + budget.toNanos(), () -> claimAndChange(action, deadline));
        if (phase instanceof ClaimStep step) {
            return step;
        }
        return settler.settle(action, (ClaimSettler.Change) phase);
    }

    private Object claimAndChange(RouteAction action, Instant deadline) {
        String claimId = UUID.randomUUID().toString();
        Ownership claimed;
        try {
            claimed = ownership.claim(new OwnershipStore.Claim(action.key(), action.routeName(),
                    action.to() == null ? null : action.to().target(), action.from(), action.expectedVersion(), now,
                    options.caller(), action.reason(), deadline, claimId));
        } catch (ClaimLostException e) {
            return new Lost(e);
        } catch (OutcomeUnknownException e) {
            note(PlanNote.Level.ERROR, action, e.getMessage());
            log(action, "claim-unknown", action.expectedVersion(), e.getMessage());
            return new Done(new ActionOutcome(action.key(), action, Status.UNKNOWN, action.expectedVersion() + 1, e.getMessage()));
        } catch (RuntimeException e) {
            // Read back and found unchanged: nothing was written, nothing to release.
            String msg = "claim failed, nothing written: " + e.getMessage();
            note(PlanNote.Level.ERROR, action, msg);
            log(action, "claim-failed", action.expectedVersion(), msg);
            return new Done(new ActionOutcome(action.key(), action, Status.FAILED, action.expectedVersion(), msg));
        }
        CrashPoints.reached("after-claim");
        return change(action, claimed);
    }

    /** After a lost claim or a released one: ownership first, then the table, so an APPLIED record is never paired with an older table. */
    private PlanInput reread(PlanInput in, RouteKey key, Ownership known) {
        Map<RouteKey, Ownership> owners = new HashMap<>(in.ownership());
        Optional<Ownership> record = known != null ? Optional.of(known) : ownership.load(key);
        record.ifPresentOrElse(o -> owners.put(key, o), () -> owners.remove(key));
        List<ObservedRouteTable> fresh = WorldObserver.enrich(routeTables.describeTables(List.of(key.routeTableId())), in.instances(), in.enis());
        List<ObservedRouteTable> tables = new ArrayList<>();
        for (ObservedRouteTable t : in.tables()) {
            if (t.id().equals(key.routeTableId())) {
                fresh.stream().filter(f -> f.id().equals(t.id())).findFirst().ifPresent(tables::add);
            } else {
                tables.add(t);
            }
        }
        return new PlanInput(in.config(), tables, in.instances(), in.enis(), in.targetStates(), owners, in.now(), in.claimLease());
    }

    private Optional<ActionOutcome> checkSourceDest(RouteAction action) {
        if (action.to() == null) {
            return Optional.empty();
        }
        TargetSpec.SourceDestCheck policy = policy(action.to());
        ObservedEni eni = eni(action.to().target());
        if (policy == TargetSpec.SourceDestCheck.VERIFY && eni != null && eni.sourceDestCheck()) {
            String msg = "refused to point " + action.key().id() + " at " + action.to().target() + ": source/destination check "
                    + "is enabled on " + eni.eniId() + ", so it would drop forwarded traffic; disable it "
                    + "(aws ec2 modify-network-interface-attribute --network-interface-id " + eni.eniId()
                    + " --no-source-dest-check) or set sourceDestCheck: fix on target " + action.to().targetName();
            note(PlanNote.Level.ERROR, action, msg);
            log(action, "refused", action.expectedVersion(), msg);
            return Optional.of(new ActionOutcome(action.key(), action, Status.REFUSED, action.expectedVersion(), msg));
        }
        return Optional.empty();
    }

    private boolean needsFix(RouteAction action) {
        if (action.to() == null || policy(action.to()) != TargetSpec.SourceDestCheck.FIX) {
            return false;
        }
        ObservedEni eni = eni(action.to().target());
        return eni != null && eni.sourceDestCheck();
    }

    private ActionOutcome dryRun(RouteAction action) {
        String detail = "dry run: would " + describe(action);
        if (options.validateWithEc2DryRun()) {
            try {
                if (needsFix(action)) {
                    instances.disableSourceDestCheck(action.to().target().id(), true);
                }
                ApplyOutcome o = ec2(action, true);
                detail = detail + "; " + o.detail();
            } catch (RuntimeException e) {
                note(PlanNote.Level.ERROR, action, "EC2 dry run failed: " + e.getMessage());
                log(action, "dry-run-failed", action.expectedVersion(), e.getMessage());
                return new ActionOutcome(action.key(), action, Status.FAILED, action.expectedVersion(), e.getMessage());
            }
        }
        log(action, "dry-run", action.expectedVersion(), detail);
        return new ActionOutcome(action.key(), action, Status.DRY_RUN, action.expectedVersion(), detail);
    }

    private Object change(RouteAction action, Ownership claimed) {
        long version = claimed.claim() == null ? claimed.version() : claimed.claim().version();
        boolean forced = claimed.pin() != null && claimed.pin().force() && claimed.pin().activeAt(now);
        RouteTarget wanted = action.to() == null ? null : action.to().target();
        try {
            if (needsFix(action)) {
                String eniId = action.to().target().id();
                fixedEnis.computeIfAbsent(eniId, id -> {
                    instances.disableSourceDestCheck(id, false);
                    log(action, "source-dest-check-disabled", version, "disabled source/dest check on " + id + " before routing to it");
                    return Boolean.TRUE;
                });
            }
            CrashPoints.reached("before-ec2");
            ApplyOutcome outcome = ec2(action, false);
            CrashPoints.reached("after-ec2");
            return new ClaimSettler.Change(version, forced, true, wanted, outcome.operation() + ": " + outcome.detail(), null);
        } catch (RuntimeException e) {
            // Whatever EC2 (or the network) said, what counts is what the table holds now: a lost response or a
            // timeout may hide a change that happened, an error response one that did not.
            RouteTarget holds;
            try {
                holds = observeRoute(action.key());
            } catch (RuntimeException readFailed) {
                e.addSuppressed(readFailed);
                String msg = "EC2 change failed (" + e.getMessage() + ") and the route table could not be re-read ("
                        + readFailed.getMessage() + "); the claim stays PENDING until its deadline, then the next reconcile"
                        + " settles it from what EC2 holds";
                note(PlanNote.Level.ERROR, action, msg);
                log(action, "outcome-unknown", version, msg);
                return new Done(new ActionOutcome(action.key(), action, Status.UNKNOWN, version, msg));
            }
            if (RecordMachine.repair(wanted, holds) != RecordMachine.Repair.CONFIRM) {
                return new ClaimSettler.Change(version, forced, false, holds, null, e);
            }
            String detail = "EC2 reported " + e.getMessage() + ", but the route table holds the change: it reached EC2";
            note(PlanNote.Level.WARN, action, detail);
            log(action, "applied-despite-error", version, detail);
            return new ClaimSettler.Change(version, forced, true, holds, detail, null);
        }
    }

    /** What the table holds for the route now (null: no route), read fresh. */
    private RouteTarget observeRoute(RouteKey key) {
        List<ObservedRouteTable> fresh = WorldObserver.enrich(routeTables.describeTables(List.of(key.routeTableId())), world.instances(), world.enis());
        return fresh.stream().filter(t -> t.id().equals(key.routeTableId())).findFirst()
                .flatMap(t -> t.route(key.destination())).map(ObservedRoute::target).orElse(null);
    }

    private ApplyOutcome ec2(RouteAction action, boolean dryRun) {
        RouteKey k = action.key();
        return switch (action) {
            case RouteAction.Delete d -> routeTables.delete(k.routeTableId(), k.destination(), dryRun);
            case RouteAction.Create c -> routeTables.upsert(k.routeTableId(), k.destination(), c.to().target(), false, dryRun);
            case RouteAction.Replace r -> routeTables.upsert(k.routeTableId(), k.destination(), r.to().target(), true, dryRun);
        };
    }

    private TargetSpec.SourceDestCheck policy(Candidate c) {
        return switch (config.targets().get(c.targetName())) {
            case TargetSpec.Instance i -> i.sourceDestCheck();
            case TargetSpec.Eni e -> e.sourceDestCheck();
            case null, default -> TargetSpec.SourceDestCheck.IGNORE;
        };
    }

    private ObservedEni eni(RouteTarget target) {
        for (ObservedInstance i : world.instances()) {
            for (ObservedEni e : i.enis()) {
                if (e.eniId().equals(target.id())) {
                    return e;
                }
            }
        }
        return world.enis().stream().filter(e -> e.eniId().equals(target.id())).findFirst().orElse(null);
    }

    private void note(PlanNote.Level level, RouteAction action, String message) {
        log.note(level, action, message);
    }

    private void log(RouteAction action, String event, long version, String detail) {
        log.log(action, event, version, detail);
    }

    private static String describe(RouteAction a) {
        return switch (a) {
            case RouteAction.Create c -> "create " + c.key().id() + " -> " + c.to().target();
            case RouteAction.Replace r -> "replace " + r.key().id() + " " + r.from() + " -> " + r.to().target();
            case RouteAction.Delete d -> "delete " + d.key().id() + " (was " + d.from() + ")";
        } + " (" + a.reason() + ")";
    }
}
