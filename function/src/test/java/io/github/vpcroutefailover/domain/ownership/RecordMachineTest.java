package io.github.vpcroutefailover.domain.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.ownership.RecordMachine.Event;
import io.github.vpcroutefailover.domain.ownership.RecordMachine.Repair;
import io.github.vpcroutefailover.domain.ownership.RecordMachine.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RecordMachineTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(60);
    private static final RouteKey KEY = new RouteKey("rtb-1", Destination.parse("0.0.0.0/0"));
    private static final RouteTarget A = RouteTarget.eni("eni-a", "i-a");
    private static final RouteTarget B = RouteTarget.eni("eni-b", "i-b");

    private static Ownership pending(Instant claimedAt, Instant deadline) {
        return new Ownership(KEY, "r", B, 2, Ownership.ClaimStatus.PENDING, claimedAt, "w", "x", null,
                deadline == null ? null : new Ownership.Claim(2, "c", deadline, A, null, null));
    }

    @Test
    void aPendingClaimIsAbandonedExactlyWhenItsWritersDeadlinePasses() {
        assertThat(RecordMachine.stateOf(pending(NOW.minusSeconds(5), NOW.plusMillis(1)), NOW, LEASE)).isEqualTo(State.PENDING);
        assertThat(RecordMachine.stateOf(pending(NOW.minusSeconds(5), NOW), NOW, LEASE)).isEqualTo(State.ABANDONED);
        // Not the lease: a deadline 5 s after the claim makes it abandoned after 5 s, not 60 s.
        assertThat(RecordMachine.stateOf(pending(NOW.minusSeconds(6), NOW.minusSeconds(1)), NOW, LEASE)).isEqualTo(State.ABANDONED);
        // Records written before claims carried a deadline fall back to the lease.
        assertThat(RecordMachine.stateOf(pending(NOW.minusSeconds(59), null), NOW, LEASE)).isEqualTo(State.PENDING);
        assertThat(RecordMachine.stateOf(pending(NOW.minusSeconds(60), null), NOW, LEASE)).isEqualTo(State.ABANDONED);
        assertThat(RecordMachine.stateOf(null, NOW, LEASE)).isEqualTo(State.ABSENT);
    }

    @Test
    void noStateLetsOnlyALeaseClearAPendingClaim() {
        // Every way out of PENDING is an event some reconcile performs; the deadline (not a fixed lease) makes the
        // record ABANDONED, from which a repair always has an allowed transition.
        assertThat(RecordMachine.next(State.PENDING, Event.CONFIRM)).contains(State.APPLIED);
        assertThat(RecordMachine.next(State.PENDING, Event.RELEASE)).contains(State.FAILED);
        assertThat(RecordMachine.next(State.PENDING, Event.CLAIM)).isEmpty();
        assertThat(RecordMachine.next(State.ABANDONED, Event.CLAIM)).as("repair before claiming over it").isEmpty();
        assertThat(RecordMachine.next(State.ABANDONED, Event.REPAIR_CONFIRM)).contains(State.APPLIED);
        assertThat(RecordMachine.next(State.ABANDONED, Event.REPAIR_SUPERSEDE)).contains(State.SUPERSEDED);
        for (State settled : new State[] {State.ABSENT, State.UNCLAIMED, State.APPLIED, State.FAILED, State.SUPERSEDED}) {
            assertThat(RecordMachine.next(settled, Event.CLAIM)).contains(State.PENDING);
            assertThat(RecordMachine.next(settled, Event.CONFIRM)).isEmpty();
            assertThat(RecordMachine.next(settled, Event.REPAIR_CONFIRM)).isEmpty();
        }
        assertThat(RecordMachine.next(State.PENDING, Event.REPAIR_CONFIRM)).as("never repair a live writer's claim").isEmpty();
    }

    @Test
    void repairDecidesFromWhatTheTableHolds() {
        assertThat(RecordMachine.repair(B, B)).isEqualTo(Repair.CONFIRM);
        assertThat(RecordMachine.repair(B, new RouteTarget(io.github.vpcroutefailover.domain.model.TargetKind.INSTANCE, "i-b", "i-b")))
                .as("EC2 may report the instance only").isEqualTo(Repair.CONFIRM);
        assertThat(RecordMachine.repair(B, A)).isEqualTo(Repair.SUPERSEDE);
        assertThat(RecordMachine.repair(B, null)).isEqualTo(Repair.SUPERSEDE);
        assertThat(RecordMachine.repair(null, null)).as("a withdraw that happened").isEqualTo(Repair.CONFIRM);
        assertThat(RecordMachine.repair(null, A)).isEqualTo(Repair.SUPERSEDE);
    }

    @Test
    void theDocumentedTableIsTheImplementedOne() throws Exception {
        Path doc = Path.of("..", "docs", "ownership-table.md");
        assertThat(Files.readString(doc)).as("docs/ownership-table.md must contain RecordMachine.markdownTable() verbatim")
                .contains(RecordMachine.markdownTable());
    }
}
