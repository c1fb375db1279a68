package io.github.vpcroutefailover.probe;

import static io.github.vpcroutefailover.probe.ProbeFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.probe.ProbeFixtures.FakeClock;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The lease protocol between consecutive probe invocations, on simulated clocks: the interleaving of the two
 * invocations is fixed by running the holder's between-round checks inside the successor's waits.
 */
class LeaseTenureTest {
    private static final String AZ = "eu-west-1a";
    private static final LeaseSettings SETTINGS = LeaseSettings.defaults();
    private static final Map<String, Map<String, CheckState>> COUNTERS = Map.of("i-nat-a",
            Map.of("tcp", new CheckState(Health.HEALTHY, 0, 1, T0, T0, "refused (probe in " + AZ + ")")));

    private final FakeClock clock = FakeClock.fixed();
    private final InMemoryProbeLeaseStore store = new InMemoryProbeLeaseStore();

    private LeaseTenure tenure(String me, Clock c, Sleeper sleeper) {
        return new LeaseTenure(store, AZ, me, c, sleeper, SETTINGS, c.instant());
    }

    private static Instant until(Tenure.Decision d) {
        assertThat(d).isInstanceOf(Tenure.Decision.Until.class);
        return ((Tenure.Decision.Until) d).until();
    }

    private static ProbeRun.Stop stop(Tenure.Decision d) {
        assertThat(d).isInstanceOf(Tenure.Decision.Stop.class);
        return ((Tenure.Decision.Stop) d).why();
    }

    @Test
    void aFreeLeaseIsTakenWithOneReadAndOneWrite() throws Exception {
        LeaseTenure a = tenure("a", clock, d -> clock.advance(d));
        Optional<LeaseTenure.Acquired> got = a.acquire(T0.plusSeconds(60));
        assertThat(got).get().extracting(LeaseTenure.Acquired::how, LeaseTenure.Acquired::generation)
                .containsExactly(LeaseTenure.How.FREE, 1L);
        assertThat(store.calls).containsExactly("read", "acquire");
        assertThat(until(a.check(clock.instant(), Map::of))).isEqualTo(clock.instant().plus(SETTINGS.ttl()));
    }

    @Test
    void aWaitingSuccessorIsHandedTheLeaseAndTheCountersAndTheOldHolderStopsFirst() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        // The holder probes a round a second; the successor starts a minute later.
        for (int s = 1; s < 60; s++) {
            clock.advance(Duration.ofSeconds(1));
            until(holder.check(clock.instant(), () -> COUNTERS));
        }
        List<String> order = new ArrayList<>();
        int[] holderRounds = {0};
        LeaseTenure successor = new LeaseTenure(store, AZ, "s", clock, d -> {
            clock.advance(d);
            // The holder's loop: a check before each round, one round a second (20 successor polls).
            if (clock.instant().toEpochMilli() % 1000 == 0 && holder.held().isPresent()) {
                Tenure.Decision decision = holder.check(clock.instant(), () -> COUNTERS);
                if (decision instanceof Tenure.Decision.Stop s) {
                    order.add("holder stopped: " + s.why());
                } else {
                    holderRounds[0]++;
                }
            }
        }, SETTINGS, clock.instant());
        Optional<LeaseTenure.Acquired> got = successor.acquire(clock.instant().plusSeconds(90));
        order.add("successor probes");

        assertThat(got).get().extracting(LeaseTenure.Acquired::how, LeaseTenure.Acquired::generation)
                .containsExactly(LeaseTenure.How.HANDED_OVER, 2L);
        assertThat(got.get().states()).isEqualTo(COUNTERS);
        assertThat(order).containsExactly("holder stopped: HANDED_OVER", "successor probes");
        assertThat(holderRounds[0]).as("the holder probed on while the successor waited, then handed over within a round").isZero();
        assertThat(holder.counts().handovers).isOne();
        assertThat(store.count("requestHandover")).isOne();
        assertThat(stop(holder.check(clock.instant(), Map::of))).isEqualTo(ProbeRun.Stop.HANDED_OVER);
        assertThat(until(successor.check(clock.instant(), Map::of))).isAfter(clock.instant());
    }

    @Test
    void beforeASuccessorIsExpectedTheHolderRenewsEveryTwoSecondsThenBeforeEveryRound() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        for (int s = 0; s < 54; s++) {
            until(holder.check(clock.instant(), Map::of));
            clock.advance(Duration.ofSeconds(1));
        }
        assertThat(holder.counts().renewals).as("54 rounds in 54 s, renewed every 2 s").isEqualTo(27);
        for (int s = 0; s < 10; s++) {
            clock.advance(Duration.ofSeconds(1));
            until(holder.check(clock.instant(), Map::of));
        }
        assertThat(holder.counts().renewals).as("from 55 s on, before every round").isEqualTo(37);
    }

    @Test
    void aHolderThatDiedIsReplacedOnlyAfterItsLeasePlusTheSkewBound() throws Exception {
        LeaseTenure dead = tenure("dead", clock, d -> clock.advance(d));
        dead.acquire(T0.plusSeconds(90));
        Instant expiry = dead.held().orElseThrow().expiresAt();
        clock.advance(Duration.ofSeconds(1));
        Instant[] takenAt = new Instant[1];
        LeaseTenure next = new LeaseTenure(store, AZ, "next", clock, d -> clock.advance(d), SETTINGS, clock.instant());
        Optional<LeaseTenure.Acquired> got = next.acquire(clock.instant().plusSeconds(90));
        takenAt[0] = clock.instant();

        assertThat(got).get().extracting(LeaseTenure.Acquired::how, LeaseTenure.Acquired::generation)
                .containsExactly(LeaseTenure.How.EXPIRED, 2L);
        assertThat(takenAt[0]).isAfter(expiry.plus(SETTINGS.maxSkew()))
                .isBefore(expiry.plus(SETTINGS.maxSkew()).plus(SETTINGS.poll()).plusMillis(1));
        assertThat(stop(dead.check(clock.instant(), Map::of))).as("if it comes back, it has lost").isEqualTo(ProbeRun.Stop.LEASE_LOST);
    }

    @Test
    void aHolderWhoseRenewalsAreThrottledProbesOnlyUntilItsLastLeaseEndsAndNobodyTakesItBefore() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        Instant lastWritten = until(holder.check(clock.instant(), Map::of));
        store.failWhen = "renew"::equals;
        clock.advance(Duration.ofSeconds(2));
        assertThat(until(holder.check(clock.instant(), Map::of))).as("probes on the lease it last wrote").isEqualTo(lastWritten);
        assertThat(holder.counts().renewFailures).isOne();
        clock.advance(Duration.ofSeconds(1));
        until(holder.check(clock.instant(), Map::of));
        assertThat(holder.counts().renewFailures).as("retried before every round once one failed").isEqualTo(2);

        // A successor whose clock runs a full skew bound ahead reads the lease as still live up to lastWritten + 1 s,
        // on its own clock: that is lastWritten on the holder's, where the holder already stopped.
        Clock ahead = Clock.offset(clock, SETTINGS.maxSkew());
        LeaseTenure successor = new LeaseTenure(store, AZ, "s", ahead, d -> clock.advance(d), SETTINGS, ahead.instant());
        successor.acquire(ahead.instant().plusSeconds(90));
        assertThat(clock.instant()).as("taken over after the holder's lease ended on the holder's own clock").isAfter(lastWritten);
    }

    @Test
    void aClockSkewBeyondTheBoundCostsAtMostOneRenewalIntervalOfDoubleProbingAndTheOldHolderStops() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        until(holder.check(clock.instant(), Map::of));
        // 10 s ahead: ten times the bound. It takes the lease while the holder thinks it still has 6 s.
        Clock farAhead = Clock.offset(clock, Duration.ofSeconds(10));
        LeaseTenure early = new LeaseTenure(store, AZ, "early", farAhead, d -> clock.advance(d), SETTINGS, farAhead.instant());
        assertThat(early.acquire(farAhead.instant().plusSeconds(90))).get().extracting(LeaseTenure.Acquired::how)
                .isEqualTo(LeaseTenure.How.EXPIRED);
        int doubleRounds = 0;
        while (true) {
            clock.advance(Duration.ofSeconds(1));
            if (holder.check(clock.instant(), Map::of) instanceof Tenure.Decision.Stop s) {
                assertThat(s.why()).isEqualTo(ProbeRun.Stop.LEASE_LOST);
                break;
            }
            doubleRounds++;
        }
        assertThat(doubleRounds).as("rounds both probed: until the holder's next renewal").isLessThanOrEqualTo(1);
    }

    @Test
    void aThrottledHandOverKeepsTheHolderProbingAndIsRetriedBeforeTheNextRound() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        clock.advance(Duration.ofSeconds(58));
        ProbeLease live = store.read(AZ).orElseThrow();
        store.requestHandover(live, "s", clock.instant());
        store.failWhen = "handOver"::equals;
        until(holder.check(clock.instant(), () -> COUNTERS));
        assertThat(holder.counts().handoverFailures).isOne();
        store.failWhen = call -> false;
        clock.advance(Duration.ofSeconds(1));
        assertThat(stop(holder.check(clock.instant(), () -> COUNTERS))).isEqualTo(ProbeRun.Stop.HANDED_OVER);
        assertThat(store.read(AZ).orElseThrow()).extracting(ProbeLease::holder, ProbeLease::generation).containsExactly("s", 2L);
    }

    @Test
    void theEndOfAnInvocationReleasesWithItsCountersOrHandsOverToAWaitingSuccessor() throws Exception {
        LeaseTenure first = tenure("first", clock, d -> clock.advance(d));
        first.acquire(T0.plusSeconds(90));
        first.finish(COUNTERS);
        LeaseTenure second = tenure("second", clock, d -> clock.advance(d));
        Optional<LeaseTenure.Acquired> got = second.acquire(T0.plusSeconds(90));
        assertThat(got).get().extracting(LeaseTenure.Acquired::how).isEqualTo(LeaseTenure.How.FREE);
        assertThat(got.get().states()).as("a released lease still carries the counters").isEqualTo(COUNTERS);

        store.requestHandover(store.read(AZ).orElseThrow(), "third", clock.instant());
        second.finish(Map.of());
        assertThat(store.read(AZ).orElseThrow()).extracting(ProbeLease::holder, ProbeLease::generation).containsExactly("third", 3L);
    }

    @Test
    void aSecondWaitingInvocationDoesNotDisplaceAFreshSuccessorAndNeverHoldsAtTheSameTime() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        store.requestHandover(store.read(AZ).orElseThrow(), "s1", clock.instant());
        LeaseTenure s2 = new LeaseTenure(store, AZ, "s2", clock, d -> clock.advance(d), SETTINGS, clock.instant());
        // s1 asked a moment ago and the holder has not handed over yet: s2 waits behind s1 and gives up at its deadline.
        assertThat(s2.acquire(clock.instant().plus(Duration.ofMillis(500)))).isEmpty();
        assertThat(store.read(AZ).orElseThrow()).extracting(ProbeLease::holder, ProbeLease::successor).containsExactly("h", "s1");
    }

    @Test
    void theHeartbeatKeepsTheLeaseWhileTheLoopIsBusyAndTheLoopHandsOverToTheSuccessorItSaw() throws Exception {
        LeaseTenure holder = tenure("h", clock, d -> clock.advance(d));
        holder.acquire(T0.plusSeconds(90));
        until(holder.check(clock.instant(), Map::of));
        // The loop is stuck in a 10 s trigger call (a throttled failover); the heartbeat beats every second.
        for (int i = 0; i < 10; i++) {
            clock.advance(holder.heartbeatEvery());
            holder.heartbeat();
        }
        assertThat(holder.counts().renewals).as("renewed every 2 s by the heartbeat alone").isEqualTo(1 + 5);
        assertThat(store.read(AZ).orElseThrow().expiresAt()).isAfter(clock.instant());
        store.requestHandover(store.read(AZ).orElseThrow(), "s", clock.instant());
        clock.advance(Duration.ofSeconds(2));
        holder.heartbeat();
        long writes = store.count("renew");
        assertThat(stop(holder.check(clock.instant(), () -> COUNTERS))).isEqualTo(ProbeRun.Stop.HANDED_OVER);
        assertThat(store.count("renew")).as("handed over on what the heartbeat saw, without another renewal").isEqualTo(writes);
        holder.heartbeat();
        assertThat(store.count("renew")).as("no beat after the hand-over").isEqualTo(writes);
    }
}
