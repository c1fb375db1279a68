package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.plan.DataPaths;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.probe.ProbeLoop;
import io.github.vpcroutefailover.probe.ProbeSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A probe invocation as long as production's (a minute) reports a data path's first result through a new hop at
 * once, not at its end, when the hop under it changes (issue #14: a drill or a controller's move must conclude
 * within the controller's 60 s). Fake clock and sleeper: counts of reads, reconciles and rounds are asserted, never
 * durations.
 */
class HopChangeReportTest {
    /** rise 5: a report within a round or two of the change is the watch's, not a rise crossing's. */
    static final FailoverConfig CONFIG = io.github.vpcroutefailover.config.ConfigLoader.parse(
            PostFlipVerifierTest.YAML.replace("rise: 2, fall: 3", "rise: 5, fall: 3"), "t");
    static final RouteKey KEY = new RouteKey(PostFlipVerifierTest.RTB, Destination.parse("0.0.0.0/0"));
    static final RouteTarget A = RouteTarget.eni("eni-0aaaaaaaaaaaaaaaa", "i-0aaaaaaaaaaaaaaaa");
    static {
        // Guards the replace above: the report must come from the watch, not from a rise crossing at the second pass.
        if (!PostFlipVerifierTest.YAML.contains("rise: 2, fall: 3")) {
            throw new IllegalStateException("PostFlipVerifierTest.YAML changed: set rise 5 here another way");
        }
    }
    static final String PATH = DataPaths.key("egress", PostFlipVerifierTest.RTB);
    /** The check's default settle: results this soon after the move are not attributed. */
    static final Duration SETTLE = CONFIG.checks().values().stream().filter(c -> c instanceof io.github.vpcroutefailover.domain.config.CheckSpec.DataPath)
            .map(c -> ((io.github.vpcroutefailover.domain.config.CheckSpec.DataPath) c).settle()).findFirst().orElseThrow();

    final Instant start = Instant.parse("2026-03-01T12:00:00Z");
    final MutableClock clock = new MutableClock(start);
    final List<Instant> reads = new ArrayList<>();
    final List<String> callers = new ArrayList<>();
    final List<Instant> reconciledAt = new ArrayList<>();
    final List<List<Observation>> reconciled = new ArrayList<>();
    /** What the records read returns at a time (the test's script of the controller's writes). */
    Function<Instant, Ownership> record = at -> settled(1, start.minusSeconds(300), PostFlipVerifierTest.B);
    int failReads;

    static Ownership settled(long claim, Instant at, RouteTarget hop) {
        return new Ownership(KEY, "egress", hop, claim, Ownership.ClaimStatus.APPLIED, at, "controller", "test", null,
                new Ownership.Claim(claim, "c" + claim, at, null, "controller", "s" + claim));
    }

    final ProbeCycle.Backend backend = new ProbeCycle.Backend() {
        @Override
        public Reconciler.World observe(FailoverConfig config) {
            ObservedRouteTable t = new ObservedRouteTable(PostFlipVerifierTest.RTB, PostFlipVerifierTest.VPC, Map.of(),
                    Set.of("subnet-0aaaaaaaaaaaaaaaa"), false, PostFlipVerifierTest.ZONE,
                    List.of(new ObservedRoute(Destination.parse("0.0.0.0/0"), PostFlipVerifierTest.B, false, "CreateRoute")));
            // The hop's stored data-path state is HEALTHY (the path's counters are seeded from it): steady passes cross nothing.
            io.github.vpcroutefailover.domain.health.TargetState b = new io.github.vpcroutefailover.domain.health.TargetState(
                    PostFlipVerifierTest.B.key(), Map.of("egress-path@" + PostFlipVerifierTest.ZONE, new io.github.vpcroutefailover.domain.health.CheckState(
                    io.github.vpcroutefailover.domain.health.Health.HEALTHY, 9, 0, start.minusSeconds(5), start.minusSeconds(60), "ok")), null, null, 1);
            return new Reconciler.World(List.of(t), List.of(), List.of(), Map.of(KEY, record.apply(clock.instant())),
                    Map.of(PostFlipVerifierTest.B.key(), b));
        }

        @Override
        public ReconcileResult reconcile(FailoverConfig config, ReconcileOptions options, List<Observation> observations) {
            callers.add(options.caller());
            reconciledAt.add(clock.instant());
            reconciled.add(List.copyOf(observations));
            return PostFlipVerifierTest.result(false);
        }

        @Override
        public Map<RouteKey, Ownership> records(Collection<RouteKey> keys) {
            reads.add(clock.instant());
            assertThat(keys).containsExactly(KEY);
            if (failReads > 0) {
                failReads--;
                throw new IllegalStateException("ProvisionedThroughputExceededException (after the SDK's retries)");
            }
            return Map.of(KEY, record.apply(clock.instant()));
        }
    };

    ProbeCycle.Result invocation(boolean watch) {
        ProbeLoop.Builder loop = ProbeLoop.builder().prober((address, check) -> ProbeResult.pass(Duration.ofMillis(3), "200 OK"))
                .settings(ProbeSettings.defaults().withInterval(Duration.ofSeconds(1))).clock(clock)
                .sleeper(d -> clock.advance(d)).probeAz(PostFlipVerifierTest.ZONE);
        try (ProbeCycle cycle = new ProbeCycle(backend, loop, t -> t).dataPathZones(Set.of(PostFlipVerifierTest.ZONE))) {
            if (watch) {
                cycle.watchHops(Duration.ofSeconds(2));
            }
            return cycle.run(CONFIG, "probe:t", start.plusSeconds(60));
        }
    }

    @Test
    void aMoveByAnotherFunctionIsReportedThroughTheNewHopWithinARoundOrTwoOfTheReadThatSawIt() {
        Instant moved = start.plusMillis(19_500); // a drill's pin and reconcile, in the controller
        record = at -> at.isBefore(moved) ? settled(1, start.minusSeconds(300), PostFlipVerifierTest.B) : settled(2, moved, A);

        ProbeCycle.Result r = invocation(true);

        assertThat(r.run().rounds()).isEqualTo(60);
        assertThat(reads).as("one read per 2 s, the first at the first round: not one per round").hasSize(30);
        // The counters restart at the change (they were the old hop's), so the new hop's rise is reported too.
        assertThat(callers).as("the prompt report, the new hop's rise crossing, the invocation's final report").hasSize(3);
        assertThat(callers.get(2)).endsWith("#final");
        Instant first = reconciledAt.get(0);
        assertThat(first).as("reported at the first round after the read at 20 s and the settle, not at the end")
                .isAfter(moved.plus(SETTLE)).isBeforeOrEqualTo(moved.plus(SETTLE).plusSeconds(2));
        assertThat(reconciled.get(0)).filteredOn(o -> o.targetKey().equals(PATH) && o.at().isAfter(moved.plus(SETTLE)))
                .as("with a pass the reconcile can attribute to the new hop").isNotEmpty().allMatch(Observation::passed);
    }

    @Test
    void withoutAWatchTheSamePassesWaitForTheEndOfTheInvocation() {
        Instant moved = start.plusMillis(19_500);
        record = at -> at.isBefore(moved) ? settled(1, start.minusSeconds(300), PostFlipVerifierTest.B) : settled(2, moved, A);

        invocation(false);

        assertThat(reads).isEmpty();
        assertThat(callers).singleElement().satisfies(c -> assertThat(c).endsWith("#final"));
    }

    @Test
    void aPinAClaimStillPendingAndAFailedReadReportNothingEarlyAndCostNoMoreReads() {
        Instant pinned = start.plusSeconds(10);
        Instant claimed = start.plusSeconds(30);
        record = at -> {
            Ownership base = settled(1, start.minusSeconds(300), PostFlipVerifierTest.B);
            if (at.isBefore(pinned)) {
                return base;
            }
            Ownership.Pin pin = new Ownership.Pin("nat-b", start.plusSeconds(600), false, "ops", "maintenance");
            // A pin raises the version but moves nothing; from 30 s a claim sits PENDING (its writer is slow).
            return at.isBefore(claimed)
                    ? new Ownership(KEY, "egress", PostFlipVerifierTest.B, 2, Ownership.ClaimStatus.APPLIED, pinned, "ops", "pin", pin, base.claim())
                    : new Ownership(KEY, "egress", A, 3, Ownership.ClaimStatus.PENDING, claimed, "controller", "move", pin,
                    new Ownership.Claim(3, "c3", claimed.plusSeconds(30), PostFlipVerifierTest.B, null, null));
        };
        failReads = 3;

        invocation(true);

        assertThat(reads).as("a failed read is tried again one period later, not at once").hasSize(30);
        assertThat(callers).as("nothing settled a move: only the final report").singleElement()
                .satisfies(c -> assertThat(c).endsWith("#final"));
    }
}
