package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The NAT failover story end to end with the real planner and health evaluator against the emulators: zone affinity,
 * failover on a real StopInstances, fail-back only after the hold time (a clock the test moves, never a sleep), the
 * NAT gateway fallback, {@code keep} and {@code withdraw}; unmanaged routes untouched throughout.
 */
@ExtendWith(LocalAwsExtension.class)
class NatFailoverScenarioIT {
    private static final String DEFAULT = "0.0.0.0/0";

    private static ReconcileResult reconcile(Scenario s, Reconciler r, FailoverConfig config, String caller) {
        s.aws.calls().reset();
        ReconcileResult result = r.reconcile(config, ReconcileOptions.apply(caller));
        return result;
    }

    @Test
    void zoneAffinityFailoverHoldThenFailBackThenFallbackToTheNatGateway(LocalAws aws) {
        Scenario s = new Scenario(aws);
        FailoverConfig config = s.natConfig("fallback", "5m");
        Reconciler r = s.reconciler();

        // Initial: each AZ's table points at its own AZ's NAT instance.
        ReconcileResult first = reconcile(s, r, config, "it:initial");
        assertThat(aws.calls().calls("Ec2.CreateRoute")).isEqualTo(2);
        assertThat(first.applied()).hasSize(2);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
        s.unmanaged.assertUnchanged(DEFAULT);

        // Converged: nothing to write anywhere.
        s.clock.advance(Duration.ofSeconds(10));
        ReconcileResult again = reconcile(s, r, config, "it:converged");
        assertThat(again.converged()).isTrue();
        assertThat(aws.calls().mutations()).isEmpty();

        // nat-a stops (a real StopInstances): both tables use nat-b.
        s.net.stopInstance(s.natA);
        s.clock.advance(Duration.ofSeconds(10));
        ReconcileResult failover = reconcile(s, r, config, "it:failover");
        assertThat(aws.calls().mutations()).containsEntry("Ec2.ReplaceRoute", 1L).doesNotContainKey("Ec2.CreateRoute")
                .doesNotContainKey("Ec2.DeleteRoute");
        assertThat(failover.applied()).singleElement().satisfies(a -> assertThat(a.key().routeTableId()).isEqualTo(s.rtbA));
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(s.version(s.rtbA, DEFAULT)).isEqualTo(2);
        assertThat(s.version(s.rtbB, DEFAULT)).isEqualTo(1);
        s.unmanaged.assertUnchanged(DEFAULT);

        // nat-a is back: healthy from now, but not for the 5 minute hold yet.
        s.net.startInstance(s.natA);
        s.clock.advance(Duration.ofSeconds(10));
        reconcile(s, r, config, "it:recovered");
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
        s.clock.advance(Duration.ofMinutes(4));
        ReconcileResult held = reconcile(s, r, config, "it:held");
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
        assertThat(held.plan().routes()).filteredOn(st -> st.key().routeTableId().equals(s.rtbA)).singleElement()
                .satisfies(st -> assertThat(st.reason()).contains("holds the route"));
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));

        // Past the hold: table a fails back to its own AZ's NAT, table b is untouched.
        s.clock.advance(Duration.ofMinutes(1).plusSeconds(1));
        ReconcileResult failBack = reconcile(s, r, config, "it:fail-back");
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(1);
        assertThat(failBack.applied()).singleElement().satisfies(a -> assertThat(a.key().routeTableId()).isEqualTo(s.rtbA));
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));

        // Both NAT instances down: both tables go to the NAT gateway fallback.
        s.net.stopInstance(s.natA);
        s.net.stopInstance(s.natB);
        s.clock.advance(Duration.ofSeconds(10));
        ReconcileResult bothDown = reconcile(s, r, config, "it:both-down");
        assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(2);
        assertThat(bothDown.applied()).hasSize(2);
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.natGw);
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.natGw);
        s.unmanaged.assertUnchanged(DEFAULT);

        // And converged again on the fallback.
        s.clock.advance(Duration.ofSeconds(10));
        assertThat(reconcile(s, r, config, "it:fallback-converged").converged()).isTrue();
        assertThat(aws.calls().mutations()).isEmpty();
    }

    @Test
    void whenNoneHealthyKeepChangesNothingAndWithdrawDeletesTheRoute(LocalAws aws) {
        Scenario s = new Scenario(aws);
        Reconciler r = s.reconciler();
        reconcile(s, r, s.natConfig("keep", "5m"), "it:initial");
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));

        s.net.stopInstance(s.natA);
        s.net.stopInstance(s.natB);
        s.clock.advance(Duration.ofSeconds(10));
        // keep: the health change is stored (the next reconcile must know), but no route and no ownership is touched.
        ReconcileResult kept = reconcile(s, r, s.natConfig("keep", "5m"), "it:keep");
        assertThat(kept.actions()).isEmpty();
        assertThat(aws.calls().mutations()).doesNotContainKeys("Ec2.ReplaceRoute", "Ec2.CreateRoute", "Ec2.DeleteRoute",
                "Ec2.ModifyNetworkInterfaceAttribute");
        assertThat(aws.calls().mutations().keySet()).allMatch(k -> k.startsWith("DynamoDb."));
        assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
        assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
        assertThat(s.version(s.rtbA, DEFAULT)).isEqualTo(1);
        // Nothing changed since: zero mutations of any kind.
        s.clock.advance(Duration.ofSeconds(10));
        assertThat(reconcile(s, r, s.natConfig("keep", "5m"), "it:keep-again").converged()).isTrue();
        assertThat(aws.calls().mutations()).isEmpty();

        // withdraw: the route is deleted so a less specific route (none here) takes over.
        s.clock.advance(Duration.ofSeconds(10));
        ReconcileResult withdrawn = reconcile(s, r, s.natConfig("withdraw", "5m"), "it:withdraw");
        assertThat(aws.calls().calls("Ec2.DeleteRoute")).isEqualTo(2);
        assertThat(withdrawn.applied()).hasSize(2);
        assertThat(s.route(s.rtbA, DEFAULT)).isEmpty();
        assertThat(s.route(s.rtbB, DEFAULT)).isEmpty();
        assertThat(s.version(s.rtbA, DEFAULT)).isEqualTo(2);
        s.unmanaged.assertUnchanged(DEFAULT);
        s.clock.advance(Duration.ofSeconds(10));
        assertThat(reconcile(s, r, s.natConfig("withdraw", "5m"), "it:withdrawn-converged").converged()).isTrue();
        assertThat(aws.calls().mutations()).isEmpty();
        assertThat(Map.copyOf(aws.calls().snapshot())).doesNotContainKey("Ec2.DeleteRoute");
    }
}
