package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.OwnershipStore.Unannounced;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * What the Route Failover events say about the changes a reconcile made, through the code that decides it (the
 * reconciler's settle and repair paths, with ReconcilerTest's in-memory ports), not by building an event by hand:
 * one event per change that reached EC2 (APPLIED and REPAIRED, none for a FAILED or RELEASED claim), written to the
 * outbox in the same settle that records the change, and "forced" taken from the plan's action or the record's
 * pin, never from the words of a reason.
 */
class RouteChangesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Destination DEFAULT = Destination.parse("0.0.0.0/0");
    private static final RouteKey A = new RouteKey("rtb-a", DEFAULT);
    private static final RouteKey B = new RouteKey("rtb-b", DEFAULT);
    private static final RouteTarget NAT_A = RouteTarget.eni("eni-a", "i-a");
    private static final RouteTarget NAT_B = RouteTarget.eni("eni-b", "i-b");
    private static final String QUOTED = "pinned by ops until 2030-01-01T00:15:00Z (manual failover: forced reboot of nat-a): nat-b";

    private final ReconcilerTest.FakeEc2 ec2 = new ReconcilerTest.FakeEc2();
    private final ReconcilerTest.FakeOwnership owners = new ReconcilerTest.FakeOwnership();
    private final FailoverConfig config = new FailoverConfig("vpc-1", Map.of("ec2", new CheckSpec.Ec2Status("ec2", false, 1, 1)),
            Map.of("nat-a", new TargetSpec.Instance("nat-a", "i-a", null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.IGNORE),
                    "nat-b", new TargetSpec.Instance("nat-b", "i-b", null, 0, List.of("ec2"), TargetSpec.SourceDestCheck.IGNORE)),
            List.of(new RouteSpec("default-egress", DEFAULT, List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false)),
                    List.of("nat-a", "nat-b"), List.of(), RoutePolicy.defaults())));

    /** Both tables move from nat-a to nat-b; {@code edit} rewrites each action the stand-in planner makes. */
    private ReconcileResult reconcile(UnaryOperator<RouteAction> edit) {
        StandInPlanner standIn = new StandInPlanner().want("default-egress", "nat-b");
        Reconciler r = Reconciler.builder().routeTables(ec2).instances(ec2).ownership(owners).targetStates(new ReconcilerTest.FakeStates())
                .planner(in -> {
                    Plan p = standIn.plan(in);
                    return new Plan(p.actions().stream().map(edit).toList(), p.notes(), p.routes());
                })
                .stateUpdater(new LatestObservationUpdater()).clock(new MutableClock(T0)).build();
        return r.reconcile(config, ReconcileOptions.apply("unit"));
    }

    /** The stand-in's Replace with the reason and force the test wants for its table. */
    private static UnaryOperator<RouteAction> replaceWith(Map<RouteKey, String> reasons, Map<RouteKey, Boolean> forced) {
        return a -> {
            RouteAction.Replace r = (RouteAction.Replace) a;
            return new RouteAction.Replace(r.key(), r.routeName(), r.from(), r.to(), reasons.get(r.key()), r.expectedVersion(),
                    forced.get(r.key()));
        };
    }

    /** The one event announced for {@code key}; it is the outbox entry the settle that recorded the change wrote. */
    private RouteChange announced(ReconcileResult r, RouteKey key) {
        List<Unannounced> mine = r.announcements().stream().filter(u -> u.key().equals(key)).toList();
        assertThat(mine).as("one event per change that reached EC2").hasSize(1);
        Unannounced u = mine.get(0);
        List<OwnershipStore.Settlement> withIt = owners.settled.stream().filter(s -> s.key().equals(key) && s.announce() != null).toList();
        assertThat(withIt).as("written to the outbox by the settle that recorded the change").singleElement().satisfies(s -> {
            assertThat(s.announce()).isEqualTo(u);
            assertThat(s.status()).isEqualTo(Ownership.ClaimStatus.APPLIED);
            assertThat(s.claimVersion()).isEqualTo(u.version());
        });
        RouteChange c = u.change();
        assertThat(c.version()).as("the change's version").isEqualTo(u.version());
        assertThat(c.routeTableId()).isEqualTo(key.routeTableId());
        assertThat(c.destination()).isEqualTo("0.0.0.0/0");
        assertThat(c.to()).isEqualTo(NAT_B);
        assertThat(c.toTarget()).isEqualTo("nat-b");
        assertThat(c.from()).isEqualTo(NAT_A);
        assertThat(c.fromTarget()).as("the name of the hop the route left").isEqualTo("nat-a");
        assertThat(c.invocationId()).isEqualTo("unit");
        assertThat(c.dryRun()).isFalse();
        return c;
    }

    @Test
    void forcedComesFromTheActionNotFromTheWordsOfItsReason() {
        ReconcileResult r = reconcile(replaceWith(
                Map.of(A, QUOTED, B, "pinned by ops until 2030-01-01T00:15:00Z: nat-b"),
                Map.of(A, false, B, true)));

        assertThat(r.actions()).extracting(ActionOutcome::status).containsExactly(Status.APPLIED, Status.APPLIED);
        assertThat(r.announcements()).hasSize(2);
        RouteChange worded = announced(r, A);
        assertThat(worded.forced()).as("an operator's reason that says 'forced' is not a forced move").isFalse();
        assertThat(worded.reason()).isEqualTo(QUOTED);
        RouteChange forced = announced(r, B);
        assertThat(forced.forced()).as("a forced pin to a healthy target says nothing about force in its reason").isTrue();
        ActionOutcome applied = r.actions().stream().filter(o -> o.key().equals(B)).findFirst().orElseThrow();
        assertThat(forced.version()).as("the version the outcome reports").isEqualTo(applied.version());
    }

    @Test
    void aChangeThatDidNotReachEc2IsNotAnnounced() {
        ec2.failTable = "rtb-a";

        ReconcileResult r = reconcile(UnaryOperator.identity());

        assertThat(r.failed()).singleElement().satisfies(o -> assertThat(o.key()).isEqualTo(A));
        assertThat(r.announcements()).extracting(Unannounced::key).containsExactly(B);
        announced(r, B);
        assertThat(owners.settled).filteredOn(s -> s.key().equals(A)).singleElement().satisfies(s -> {
            assertThat(s.status()).isEqualTo(Ownership.ClaimStatus.FAILED);
            assertThat(s.announce()).as("a released claim writes no event").isNull();
        });
    }

    @Test
    void aRepairedChangeIsAnnouncedOnceWithForcedFromThePinNotFromTheReason() {
        // Dead writers' claims past their deadline whose changes reached EC2: A under an active forced pin, B under
        // no pin but with "forced" in its reason; an abandoned claim on a third route never reached EC2.
        Instant claimedAt = T0.minusSeconds(120);
        Ownership.Pin forcedPin = new Ownership.Pin("nat-b", T0.plusSeconds(3600), true, "alice", "drill");
        owners.records.put(A, pending(A, forcedPin, "pinned by alice: nat-b", claimedAt));
        owners.records.put(B, pending(B, null, QUOTED, claimedAt));
        ec2.tables.get("rtb-a").put(DEFAULT, NAT_B);
        ec2.tables.get("rtb-b").put(DEFAULT, NAT_B);

        ReconcileResult r = reconcile(UnaryOperator.identity());

        assertThat(r.actions()).extracting(ActionOutcome::status).containsExactly(Status.REPAIRED, Status.REPAIRED);
        assertThat(r.announcements()).hasSize(2);
        assertThat(announced(r, A).forced()).as("the pin was forced when the claim was made").isTrue();
        assertThat(announced(r, B).forced()).as("'forced' in the reason text is not a forced move").isFalse();
        assertThat(announced(r, A).version()).isEqualTo(4);
    }

    @Test
    void aReleasedAbandonedClaimIsNotAnnounced() {
        // The dead writer's change never reached EC2 (the tables still hold nat-a): released, no event for it.
        Instant claimedAt = T0.minusSeconds(120);
        owners.records.put(A, pending(A, null, "nat-a unhealthy", claimedAt));
        owners.records.put(B, pending(B, null, "nat-a unhealthy", claimedAt));

        ReconcileResult r = reconcile(UnaryOperator.identity());

        assertThat(r.actions()).filteredOn(o -> o.status() == Status.RELEASED).hasSize(2);
        assertThat(owners.settled).filteredOn(s -> s.status() == Ownership.ClaimStatus.SUPERSEDED)
                .hasSize(2).allSatisfy(s -> assertThat(s.announce()).isNull());
        // The move that followed the release is a change of its own: announced once per table, at its own version.
        assertThat(r.actions()).filteredOn(o -> o.status() == Status.APPLIED).hasSize(2);
        assertThat(r.announcements()).hasSize(2).allSatisfy(u -> assertThat(u.version()).isEqualTo(5));
        announced(r, A);
        announced(r, B);
    }

    /** A PENDING claim to nat-b at version 4 whose writer vanished (its deadline long past). */
    private static Ownership pending(RouteKey key, Ownership.Pin pin, String reason, Instant at) {
        return new Ownership(key, "default-egress", NAT_B, 4, Ownership.ClaimStatus.PENDING, at, "dead-writer", reason, pin,
                new Ownership.Claim(4, "claim-" + Objects.hash(key), at.plusSeconds(20), NAT_A, null, null));
    }
}
