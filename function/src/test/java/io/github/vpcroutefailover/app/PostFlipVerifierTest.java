package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.domain.plan.Plan;
import io.github.vpcroutefailover.domain.plan.RouteAction;
import io.github.vpcroutefailover.ports.ProbeResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Post-flip verification on plain values: the reconcile path and the prober are the app's own ports, faked by hand;
 * counts are asserted (probes, reconciles, sleeps), never durations.
 */
class PostFlipVerifierTest {
    static final String VPC = "vpc-0123456789abcdef0";
    static final String RTB = "rtb-0aaaaaaaaaaaaaaaa";
    static final String ZONE = "us-east-1a";
    static final RouteTarget B = RouteTarget.eni("eni-0bbbbbbbbbbbbbbbb", "i-0bbbbbbbbbbbbbbbb");
    /** The config's text, for tests that vary one setting of it. */
    static final String YAML = """
            version: 1
            vpc: %s
            checks:
              tcp: {type: tcp, port: 22}
              egress-path: {type: data-path, routes: [egress], endpoints: ["tcp://198.19.1.200:80"], timeout: 500ms, interval: 1s, rise: 2, fall: 3}
            targets:
              nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
              nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [tcp]}
            routes:
              - name: egress
                destination: 0.0.0.0/0
                routeTables: [{id: %s}]
                targets: [nat-a, nat-b]
            """.formatted(VPC, RTB);
    static final FailoverConfig CONFIG = ConfigLoader.parse(YAML, "t");

    final List<String> probed = new ArrayList<>();
    final List<Duration> slept = new ArrayList<>();
    final List<List<Observation>> reconciled = new ArrayList<>();
    final Deque<Boolean> answers = new ArrayDeque<>();
    final Deque<ReconcileResult> next = new ArrayDeque<>();
    Instant now = Instant.parse("2026-03-01T12:00:00Z");
    boolean throwOnReconcile;

    final ProbeCycle.Backend backend = new ProbeCycle.Backend() {
        @Override
        public Reconciler.World observe(FailoverConfig config) {
            ObservedRouteTable t = new ObservedRouteTable(RTB, VPC, Map.of(), Set.of("subnet-0aaaaaaaaaaaaaaaa"), false, ZONE,
                    List.of(new ObservedRoute(Destination.parse("0.0.0.0/0"), B, false, "CreateRoute")));
            return new Reconciler.World(List.of(t), List.of(), List.of(), Map.of(), Map.of());
        }

        @Override
        public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations) {
            if (throwOnReconcile) {
                throw new IllegalStateException("ThrottlingException: Rate exceeded (after the SDK's retries)");
            }
            reconciled.add(observations);
            return next.isEmpty() ? result(false) : next.poll();
        }
    };

    PostFlipVerifier verifier() {
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new PostFlipVerifier((address, check) -> {
            probed.add(address + " " + ((CheckSpec.DataPath) check).endpoints());
            boolean ok = answers.isEmpty() ? false : answers.poll();
            return ok ? ProbeResult.pass(Duration.ofMillis(3), "connected") : ProbeResult.fail(Duration.ofMillis(500), "timed out");
        }, clock, d -> {
            slept.add(d);
            now = now.plus(d);
        }, ZONE, Duration.ofMillis(100), 3);
    }

    static ReconcileResult result(boolean movedRoute) {
        RouteKey key = new RouteKey(RTB, Destination.parse("0.0.0.0/0"));
        List<ReconcileResult.ActionOutcome> actions = !movedRoute ? List.of() : List.of(new ReconcileResult.ActionOutcome(key,
                new RouteAction.Replace(key, "egress", null, new Candidate("nat-b", B, "us-east-1b", List.of("tcp"), false), "test", 1, false),
                ReconcileResult.Status.APPLIED, 2, "applied"));
        return new ReconcileResult(Instant.EPOCH, "t", false, new Plan(List.of(), List.of(), List.of()), actions, List.of(), 0, 0, !movedRoute);
    }

    @Test
    void aNewHopFailingVerificationIsReportedFallTimesUnderItsPathThenTheNextMoveIsVerifiedToo() {
        answers.addAll(List.of(false, false, false, true));
        next.add(result(true)); // the reconcile fed with the failures moves the route again
        List<ReconcileResult> out = verifier().verify(CONFIG, result(true), Set.of(ZONE), backend, "probe:x#1", now.plusSeconds(50));
        assertThat(out).hasSize(2);
        assertThat(reconciled.get(0)).hasSize(3).allSatisfy(o -> {
            assertThat(o.targetKey()).isEqualTo(DataPaths.key("egress", RTB));
            assertThat(o.check()).isEqualTo("egress-path@" + ZONE);
            assertThat(o.passed()).isFalse();
            assertThat(o.detail()).contains("post-flip verification of " + B);
        });
        assertThat(reconciled.get(1)).singleElement().satisfies(o -> assertThat(o.passed()).isTrue());
        assertThat(probed).hasSize(4).allMatch(p -> p.startsWith("via " + RTB));
        // Each step waits the check's settle (2s) once; failed attempts are spaced by 100 ms.
        assertThat(slept).filteredOn(d -> d.compareTo(Duration.ofSeconds(2)) > 0).hasSize(2);
        assertThat(slept).filteredOn(d -> d.equals(Duration.ofMillis(100))).hasSize(2);
    }

    @Test
    void aPassingNewHopIsReportedOnceAndNothingMore() {
        answers.add(true);
        List<ReconcileResult> out = verifier().verify(CONFIG, result(true), Set.of(ZONE), backend, "c", now.plusSeconds(50));
        assertThat(out).hasSize(1);
        assertThat(probed).hasSize(1);
    }

    @Test
    void nothingMovedOrNotOurZoneOrPastTheDeadlineMeansNoProbeAndNoReconcile() {
        assertThat(verifier().verify(CONFIG, result(false), Set.of(ZONE), backend, "c", now.plusSeconds(50))).isEmpty();
        assertThat(verifier().verify(CONFIG, result(true), Set.of("us-east-1b"), backend, "c", now.plusSeconds(50))).isEmpty();
        assertThat(verifier().verify(CONFIG, result(true), Set.of(ZONE), backend, "c", now)).isEmpty();
        assertThat(probed).isEmpty();
        assertThat(reconciled).isEmpty();
    }

    @Test
    void movesAreBoundedEvenWhenEveryNewHopFails() {
        for (int i = 0; i < 10; i++) {
            next.add(result(true));
        }
        List<ReconcileResult> out = verifier().verify(CONFIG, result(true), Set.of(ZONE), backend, "c", now.plusSeconds(50));
        assertThat(out).as("maxMoves 3").hasSize(3);
        assertThat(probed).hasSize(9);
    }

    @Test
    void aThrottledReconcileSurfacesAfterBoundedProbing() {
        throwOnReconcile = true;
        assertThatThrownBy(() -> verifier().verify(CONFIG, result(true), Set.of(ZONE), backend, "c", now.plusSeconds(50)))
                .hasMessageContaining("Throttling");
        assertThat(probed).hasSize(3);
    }
}
