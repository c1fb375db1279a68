package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the Route Failover events say about the changes a reconcile made: the outbox entry ({@link Announcer#entry}) the
 * settle writes, with "forced" taken from the plan's action (as {@code ActionExecution} passes it), never from its reason.
 */
class RouteChangesTest {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final RouteKey KEY = new RouteKey("rtb-a", Destination.parse("0.0.0.0/0"));
    private static final Candidate NAT_B = new Candidate("nat-b", RouteTarget.eni("eni-b", "i-b"), "az-2", List.of(), false);

    private static RouteChange announce(RouteAction action) {
        RouteChange change = Announcer.entry(KEY, action, 5, action.forced(), "unit", T0,
                List.of(NAT_B), T0, Duration.ofSeconds(10)).change();
        assertThat(change.version()).isEqualTo(5);
        assertThat(change.toTarget()).isEqualTo("nat-b");
        return change;
    }

    @Test
    void forcedComesFromTheActionNotFromTheWordsOfItsReason() {
        String quoted = "pinned by ops until 2030-01-01T00:15:00Z (manual failover: forced reboot of nat-a): nat-b";
        RouteChange worded = announce(new RouteAction.Replace(KEY, "egress", RouteTarget.eni("eni-a", "i-a"), NAT_B, quoted, 4, false));
        assertThat(worded.forced()).as("an operator's reason that says 'forced' is not a forced move").isFalse();

        RouteChange forced = announce(new RouteAction.Replace(KEY, "egress", RouteTarget.eni("eni-a", "i-a"), NAT_B,
                "pinned by ops until 2030-01-01T00:15:00Z: nat-b", 4, true));
        assertThat(forced.forced()).as("a forced pin to a healthy target says nothing about force in its reason").isTrue();

        RouteChange repaired = announce(new RouteAction.Create(KEY, "egress", NAT_B, "pinned: nat-b", 4, true));
        assertThat(repaired.forced()).isTrue();
    }
}
