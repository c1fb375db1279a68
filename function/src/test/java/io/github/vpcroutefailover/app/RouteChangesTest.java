package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.app.ReconcileResult.Status;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Route Failover events say about the changes a reconcile made ({@link Announcer#entry}). */
class RouteChangesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final RouteKey KEY = new RouteKey("rtb-a", Destination.parse("0.0.0.0/0"));
    private static final Candidate NAT_B = new Candidate("nat-b", RouteTarget.eni("eni-b", "i-b"), "az-2", List.of(), false);

    /**
     * The event as the settle writes it into the outbox since issue #10: ClaimSettler and Repairer pass the action's
     * (or record's) {@code forced}, never anything read from the reason text. ({@code Controller.changes} is gone.)
     */
    private static RouteChange announce(RouteAction action, Status status) {
        return Announcer.entry(KEY, action, 5, action.forced(), "unit", T0, List.of(NAT_B), T0, java.time.Duration.ofSeconds(20)).change();
    }

    @Test
    void forcedComesFromTheActionNotFromTheWordsOfItsReason() {
        String quoted = "pinned by ops until 2030-01-01T00:15:00Z (manual failover: forced reboot of nat-a): nat-b";
        RouteChange worded = announce(new RouteAction.Replace(KEY, "egress", RouteTarget.eni("eni-a", "i-a"), NAT_B, quoted, 4, false),
                Status.APPLIED);
        assertThat(worded.forced()).as("an operator's reason that says 'forced' is not a forced move").isFalse();

        RouteChange forced = announce(new RouteAction.Replace(KEY, "egress", RouteTarget.eni("eni-a", "i-a"), NAT_B,
                "pinned by ops until 2030-01-01T00:15:00Z: nat-b", 4, true), Status.APPLIED);
        assertThat(forced.forced()).as("a forced pin to a healthy target says nothing about force in its reason").isTrue();

        RouteChange repaired = announce(new RouteAction.Create(KEY, "egress", NAT_B, "pinned: nat-b", 4, true), Status.REPAIRED);
        assertThat(repaired.forced()).isTrue();
    }
}
