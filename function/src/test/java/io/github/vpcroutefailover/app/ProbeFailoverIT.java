package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.net.CheckProber;
import io.github.vpcroutefailover.ports.ProbeMetrics;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import io.github.vpcroutefailover.probe.ProbeTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The in-VPC probe end to end: real {@link ProbeLoop} and TCP prober against real listeners on 127.0.0.1 (the
 * probe's addressing points every target there), a fake clock that the loop's sleeper advances, and every reconcile
 * against the emulators (moto instances and route tables, DynamoDB Local ownership and state).
 *
 * <p>Each probe invocation here gets a budget of exactly one round (deadline = now + the check timeout), so the test
 * counts probes, not time: the route must flip on the {@code fall}-th failed probe and not before, and fail back only
 * after {@code rise} passes and the hold time.
 */
@ExtendWith(LocalAwsExtension.class)
class ProbeFailoverIT {
    private static final String DEFAULT = "0.0.0.0/0";

    /** Records every probe result per port. */
    static final class CountingProber implements Prober {
        final Prober delegate;
        final List<String> results = new CopyOnWriteArrayList<>();

        CountingProber(Prober delegate) {
            this.delegate = delegate;
        }

        @Override
        public ProbeResult probe(String address, CheckSpec check) {
            ProbeResult r = delegate.probe(address, check);
            results.add(check.name() + ":" + (r.passed() ? "pass" : "fail"));
            return r;
        }

        long count(String check, String outcome) {
            return results.stream().filter((check + ":" + outcome)::equals).count();
        }
    }

    @Test
    void routeFlipsOnTheFallthFailedProbeAndFailsBackAfterRisePassesPlusTheHold(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws);
        try (LoopbackListener a = LoopbackListener.open(); LoopbackListener b = LoopbackListener.open();
             CheckProber real = new CheckProber()) {
            real.warmUp();
            FailoverConfig config = ConfigLoader.parse("""
                    version: 1
                    vpc: %s
                    checks:
                      tcp-a: {type: tcp, port: %d, timeout: 500ms, interval: 1s, rise: 2, fall: 2}
                      tcp-b: {type: tcp, port: %d, timeout: 500ms, interval: 1s, rise: 2, fall: 2}
                    targets:
                      nat-a: {instance: %s, checks: [tcp-a], sourceDestCheck: fix}
                      nat-b: {instance: %s, checks: [tcp-b], sourceDestCheck: fix}
                    routes:
                      - name: default-egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a, nat-b]
                        policy: {zoneAffinity: true, failBack: {after: 5m}}
                    """.formatted(s.net.vpcId(), a.port(), b.port(), s.natA, s.natB), "probe.yaml");
            CountingProber prober = new CountingProber(real);
            ProbeSettings settings = ProbeSettings.defaults().withInterval(Duration.ofSeconds(1));
            ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(settings).clock(s.clock)
                    .sleeper(s.clock::advance).metrics(ProbeMetrics.NONE).probeAz(s.net.zone(0));
            try (ProbeCycle cycle = new ProbeCycle(s.reconciler(), loop,
                    t -> new ProbeTarget(t.key(), "127.0.0.1", t.checks()))) {

                // Two passes each (rise 2): the second invocation's rise crossing reconciles the routes into place.
                ProbeCycle.Result first = oneRound(s, cycle, config, "it:1");
                assertThat(first.targets()).extracting(ProbeTarget::key).containsExactlyInAnyOrder(s.natA, s.natB);
                assertThat(first.run().rounds()).isEqualTo(1);
                assertThat(s.route(s.rtbA, DEFAULT)).as("UNKNOWN after one pass: nothing to route to yet").isEmpty();
                ProbeCycle.Result second = oneRound(s, cycle, config, "it:2");
                assertThat(second.run().recoveredCalls()).isEqualTo(1);
                assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
                assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));

                // Kill nat-a's listener. Failed probe 1 of fall 2: no route change (the count is stored for the next invocation).
                a.kill();
                aws.calls().reset();
                ProbeCycle.Result third = oneRound(s, cycle, config, "it:3");
                assertThat(prober.count("tcp-a", "fail")).isEqualTo(1);
                assertThat(third.run().failedCalls()).isZero();
                assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
                assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));

                // Failed probe 2 = fall: the trigger fires mid-round and its reconcile flips table a to nat-b.
                aws.calls().reset();
                ProbeCycle.Result fourth = oneRound(s, cycle, config, "it:4");
                assertThat(prober.count("tcp-a", "fail")).isEqualTo(2);
                assertThat(fourth.run().failedCalls()).isEqualTo(1);
                assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(1);
                assertThat(fourth.reconciles().get(0).applied()).singleElement()
                        .satisfies(o -> assertThat(o.key().routeTableId()).isEqualTo(s.rtbA));
                assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));
                assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
                assertThat(s.states.load(List.of(s.natA)).get(s.natA).checks())
                        .as("stored per probe AZ").containsKey("tcp-a@" + s.net.zone(0));

                // Back: one pass, then the second (rise) makes it HEALTHY, but the 5 minute hold has not passed.
                a.revive();
                aws.calls().reset();
                oneRound(s, cycle, config, "it:5");
                ProbeCycle.Result sixth = oneRound(s, cycle, config, "it:6");
                assertThat(sixth.run().recoveredCalls()).isEqualTo(1);
                assertThat(sixth.run().health(s.natA, "tcp-a")).isEqualTo(Health.HEALTHY);
                assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
                assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natB));

                // Past the hold: the next invocation's reconcile fails table a back to nat-a.
                s.clock.advance(Duration.ofMinutes(5));
                aws.calls().reset();
                ProbeCycle.Result seventh = oneRound(s, cycle, config, "it:7");
                assertThat(seventh.reconciles()).as("the final reconcile stores the passes").hasSize(1);
                assertThat(seventh.reconciles().get(0).plan().routes()).filteredOn(st -> st.key().routeTableId().equals(s.rtbA))
                        .singleElement().satisfies(st -> assertThat(st.desired().instanceId()).isEqualTo(s.natA));
                assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isEqualTo(1);
                assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
                assertThat(s.hop(s.rtbB, DEFAULT)).isEqualTo(s.eni(s.natB));
                s.unmanaged.assertUnchanged(DEFAULT);
            }
        }
    }

    @Test
    void withinOneInvocationTheFlipHappensInTheFallthRound(LocalAws aws) throws Exception {
        Scenario s = new Scenario(aws);
        try (LoopbackListener a = LoopbackListener.open(); LoopbackListener b = LoopbackListener.open();
             CheckProber real = new CheckProber()) {
            FailoverConfig config = ConfigLoader.parse("""
                    version: 1
                    vpc: %s
                    checks:
                      tcp-a: {type: tcp, port: %d, timeout: 500ms, interval: 1s, rise: 1, fall: 3}
                      tcp-b: {type: tcp, port: %d, timeout: 500ms, interval: 1s, rise: 1, fall: 3}
                    targets:
                      nat-a: {instance: %s, checks: [tcp-a], sourceDestCheck: fix}
                      nat-b: {instance: %s, checks: [tcp-b], sourceDestCheck: fix}
                    routes:
                      - name: default-egress
                        destination: 0.0.0.0/0
                        routeTables: [{tags: {tier: private}}]
                        targets: [nat-a, nat-b]
                    """.formatted(s.net.vpcId(), a.port(), b.port(), s.natA, s.natB), "probe.yaml");
            CountingProber prober = new CountingProber(real);
            // The route table's state is sampled at every sleep between rounds: which round's trigger flipped it.
            List<String> hopBeforeRound = new CopyOnWriteArrayList<>();
            ProbeLoop.Builder loop = ProbeLoop.builder().prober(prober).settings(ProbeSettings.defaults().withInterval(Duration.ofSeconds(1)).withConfirmSpacing(null)) // counts regular rounds
                    .clock(s.clock).metrics(ProbeMetrics.NONE).probeAz(s.net.zone(0))
                    .sleeper(d -> {
                        hopBeforeRound.add(prober.count("tcp-a", "fail") + ":" + s.hop(s.rtbA, DEFAULT));
                        s.clock.advance(d);
                    });
            try (ProbeCycle cycle = new ProbeCycle(s.reconciler(), loop, t -> new ProbeTarget(t.key(), "127.0.0.1", t.checks()))) {
                oneRound(s, cycle, config, "it:up");
                assertThat(s.hop(s.rtbA, DEFAULT)).isEqualTo(s.eni(s.natA));
                a.kill();
                hopBeforeRound.clear();
                Instant now = s.clock.instant();
                ProbeCycle.Result r = cycle.run(config, "it:down", now.plusSeconds(4).plusMillis(500));
                assertThat(r.run().rounds()).isEqualTo(5);
                assertThat(r.run().failedCalls()).isEqualTo(1);
                String natA = s.eni(s.natA);
                String natB = s.eni(s.natB);
                // After 1 and 2 failed probes the route is still on nat-a; after the 3rd (fall) it is on nat-b.
                // (The fifth sample is the wait before the slot the deadline then ruled out.)
                assertThat(hopBeforeRound).containsExactly("1:" + natA, "2:" + natA, "3:" + natB, "4:" + natB, "5:" + natB);
            }
        }
    }

    /** One probe invocation with a budget of exactly one round, one second after the previous one. */
    private static ProbeCycle.Result oneRound(Scenario s, ProbeCycle cycle, FailoverConfig config, String caller) {
        s.clock.advance(Duration.ofSeconds(1));
        return cycle.run(config, caller, s.clock.instant().plusMillis(500));
    }
}
