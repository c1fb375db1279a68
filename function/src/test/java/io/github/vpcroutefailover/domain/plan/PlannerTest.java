package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.*;
import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static io.github.vpcroutefailover.domain.plan.World.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.model.Ownership;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PlannerTest {
    @Test
    void convergedInputYieldsNoActions() {
        Plan p = natConverged("{}").plan();
        assertThat(p.actions()).isEmpty();
        assertThat(p.converged()).isTrue();
        RouteStatus s = status(p, key(RTB_A));
        assertThat(s.current()).isEqualTo(hop('a'));
        assertThat(s.desired()).isEqualTo(hop('a'));
        assertThat(s.zone()).isEqualTo("us-east-1a");
        assertThat(s.reason()).contains("nat-a (" + A + ") holds the route and is healthy");
        assertThat(s.candidates()).extracting(RouteStatus.CandidateHealth::health).containsExactly(Health.HEALTHY, Health.HEALTHY, Health.HEALTHY);
        assertThat(s.candidates().get(2).candidate().fallback()).isTrue();
        assertThat(p.routes()).hasSize(2);
    }

    @Nested
    class ZoneAffinity {
        @Test
        void createsMissingRoutesToTheSameZoneCandidate() {
            Plan p = nat("{}").plan();
            assertThat(p.actions()).hasSize(2).allMatch(a -> a instanceof RouteAction.Create);
            assertThat(p.actions().get(0).key()).isEqualTo(key(RTB_A));
            assertThat(p.actions().get(0).to().target()).isEqualTo(hop('a'));
            assertThat(p.actions().get(0).expectedVersion()).isZero();
            assertThat(p.actions().get(0).reason()).isEqualTo("route is missing; creating it to nat-a (" + A + ") in us-east-1a (same zone preferred)");
            assertThat(p.actions().get(1).to().target()).isEqualTo(hop('b'));
        }

        @Test
        void unhealthyHolderMovesToTheHealthyCandidateWithAHumanReason() {
            World w = natConverged("{}").unhealthy(A, "tcp", "connect refused");
            RouteAction a = only(w.plan());
            assertThat(a).isInstanceOf(RouteAction.Replace.class);
            assertThat(a.key()).isEqualTo(key(RTB_A));
            assertThat(a.from()).isEqualTo(hop('a'));
            assertThat(a.to().target()).isEqualTo(hop('b'));
            assertThat(a.reason()).isEqualTo("nat-a (" + A + ") UNHEALTHY: check tcp failed 3x (connect refused); moving to nat-b (" + B
                    + ") in us-east-1b (no healthy candidate in us-east-1a; least loaded: 1 other table(s))");
        }

        @Test
        void leastLoadedSpreadsTablesWithoutASameZoneCandidate() {
            World w = nat("{}");
            w.tables.clear();
            w.table(RTB_A, "us-east-1c", PRIVATE).table(RTB_B, "us-east-1c", PRIVATE).table(RTB_C, "us-east-1c", PRIVATE);
            Plan p = w.plan();
            assertThat(p.actions()).extracting(a -> a.to().target()).containsExactly(hop('a'), hop('b'), hop('a'));
        }

        @Test
        void leastLoadedCountsRoutesThatStayPut() {
            World w = nat("{}");
            w.tables.clear();
            w.table(RTB_A, "us-east-1c", PRIVATE).table(RTB_B, "us-east-1c", PRIVATE).table(RTB_C, "us-east-1c", PRIVATE);
            w.route(RTB_C, "0.0.0.0/0", hop('a'));
            Plan p = w.plan();
            // a already serves rtb-c, so b gets the first new table; the tie for the last goes to config order.
            assertThat(p.actions()).extracting(RouteAction::key).containsExactly(key(RTB_A), key(RTB_B));
            assertThat(p.actions()).extracting(a -> a.to().target()).containsExactly(hop('b'), hop('a'));
        }

        @Test
        void sameZoneKeysAreDecidedBeforeLeastLoadedOnes() {
            // rtb-a (1c) sorts before rtb-b (1a), but rtb-b's same-zone choice of a must count first: rtb-a gets b.
            World w = nat("{}");
            w.tables.clear();
            w.table(RTB_A, "us-east-1c", PRIVATE).table(RTB_B, "us-east-1a", PRIVATE);
            Plan p = w.plan();
            assertThat(p.actions()).extracting(a -> a.key().routeTableId() + "->" + a.to().target().instanceId())
                    .containsExactly(RTB_A + "->" + B, RTB_B + "->" + A);
        }

        @Test
        void withoutZoneAffinityTheFirstHealthyInPreferenceOrderWins() {
            Plan p = nat("{zoneAffinity: false}").plan();
            assertThat(p.actions()).extracting(a -> a.to().target()).containsExactly(hop('a'), hop('a'));
            assertThat(p.actions().get(1).reason()).endsWith("(first healthy in preference order)");
        }
    }

    @Nested
    class FailBack {
        World bHoldsA(String policy, Instant aHealthySince) {
            return nat(policy).route(RTB_A, "0.0.0.0/0", hop('b')).route(RTB_B, "0.0.0.0/0", hop('b')).healthy(A, aHealthySince, "tcp");
        }

        @Test
        void waitsForTheHoldTime() {
            assertThat(bHoldsA("{failBack: {after: 5m}}", NOW.minus(Duration.ofMinutes(4))).plan().actions()).isEmpty();
            RouteAction a = only(bHoldsA("{failBack: {after: 5m}}", NOW.minus(Duration.ofMinutes(5))).plan());
            assertThat(a.to().target()).isEqualTo(hop('a'));
            assertThat(a.reason()).startsWith("fail back to nat-a (" + A + "): healthy since " + NOW.minus(Duration.ofMinutes(5)) + " (≥ hold 5m)")
                    .endsWith("(same zone us-east-1a)");
        }

        @Test
        void neverMeansNever() {
            assertThat(bHoldsA("{failBack: never}", LONG_AGO.minus(Duration.ofDays(30))).plan().actions()).isEmpty();
        }

        @Test
        void preemptFalseNeverTakesARouteFromAHealthyHolderButTakesItFromAnUnhealthyOne() {
            assertThat(bHoldsA("{preempt: false}", LONG_AGO).plan().actions()).isEmpty();
            World w = nat("{preempt: false}").route(RTB_A, "0.0.0.0/0", hop('a')).route(RTB_B, "0.0.0.0/0", hop('b')).unhealthy(B, "tcp", "timeout");
            assertThat(only(w.plan()).to().target()).isEqualTo(hop('a'));
        }

        @Test
        void crossZoneHoldersAreNotShuffledByPreferenceOrder() {
            World w = nat("{}");
            w.tables.clear();
            w.table(RTB_C, "us-east-1c", PRIVATE).route(RTB_C, "0.0.0.0/0", hop('b'));
            assertThat(w.plan().actions()).as("least-loaded placement stands").isEmpty();
            World noAffinity = nat("{zoneAffinity: false}");
            noAffinity.tables.clear();
            noAffinity.table(RTB_C, "us-east-1c", PRIVATE).route(RTB_C, "0.0.0.0/0", hop('b'));
            assertThat(only(noAffinity.plan()).to().target()).isEqualTo(hop('a'));
        }

        @Test
        void leavingTheFallbackIsImmediate() {
            World w = nat("{whenNoneHealthy: fallback}").route(RTB_A, "0.0.0.0/0", NAT_GW).route(RTB_B, "0.0.0.0/0", hop('b'))
                    .healthy(A, NOW.minusSeconds(1), "tcp");
            RouteAction a = only(w.plan());
            assertThat(a.to().target()).isEqualTo(hop('a'));
            assertThat(a.reason()).startsWith("leaving fallback nat-gw (nat-0cccccccccccccccc): nat-a (" + A + ") is healthy");
        }
    }

    @Nested
    class WhenNoneHealthy {
        World bothDown(String policy) {
            return natConverged(policy).unhealthy(A, "tcp", "timeout").unhealthy(B, "tcp", "timeout");
        }

        @Test
        void keepLeavesTheRouteAndWarns() {
            Plan p = bothDown("{whenNoneHealthy: keep}").plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).filteredOn(n -> n.level() == PlanNote.Level.WARN).hasSize(2)
                    .allSatisfy(n -> assertThat(n.message()).contains("no eligible candidate (nat-a (" + A + ") UNHEALTHY, nat-b (" + B + ") UNHEALTHY)"));
            assertThat(status(p, key(RTB_A)).desired()).isNull();
        }

        @Test
        void fallbackUsesTheFallbackTarget() {
            Plan p = bothDown("{whenNoneHealthy: fallback}").plan();
            assertThat(p.actions()).hasSize(2).allSatisfy(a -> {
                assertThat(a.to().target()).isEqualTo(NAT_GW);
                assertThat(a.to().fallback()).isTrue();
                assertThat(a.reason()).contains("using fallback nat-gw");
            });
        }

        @Test
        void fallbackWithNoEligibleFallbackKeepsAndReportsAnError() {
            World w = bothDown("{whenNoneHealthy: fallback}");
            w.config = new World(natConfig("{whenNoneHealthy: fallback}").replace("fallback: [nat-gw]", "fallback: [nat-c]")).config;
            w.unhealthy(C, "tcp", "down");
            Plan p = w.plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).filteredOn(n -> n.level() == PlanNote.Level.ERROR).hasSize(2);
        }

        @Test
        void withdrawDeletesAndThenStaysQuiet() {
            World w = bothDown("{whenNoneHealthy: withdraw}");
            Plan p = w.plan();
            assertThat(p.actions()).hasSize(2).allSatisfy(a -> {
                assertThat(a).isInstanceOf(RouteAction.Delete.class);
                assertThat(a.reason()).endsWith("withdrawing the route so a less specific one takes over");
            });
            assertThat(w.apply(p).plan().actions()).isEmpty();
            // Recovery re-creates it.
            w.healthy(A, NOW, "tcp");
            assertThat(w.plan().actions()).hasSize(2).allMatch(a -> a instanceof RouteAction.Create);
        }
    }

    @Nested
    class PinsAndDrains {
        Ownership pin(String target, boolean force, Instant expires) {
            return new Ownership(key(RTB_A), "egress", hop('a'), 4, Ownership.ClaimStatus.APPLIED, LONG_AGO, "planner", "x",
                    new Ownership.Pin(target, expires, force, "alice", "maintenance"));
        }

        @Test
        void pinMovesTheRouteEvenFromAHealthyHolder() {
            RouteAction a = only(natConverged("{}").own(key(RTB_A), pin(B, false, NOW.plusSeconds(60))).plan());
            assertThat(a.to().target()).isEqualTo(hop('b'));
            assertThat(a.expectedVersion()).isEqualTo(4);
            assertThat(a.reason()).startsWith("pinned by alice until").contains("(maintenance)");
        }

        @Test
        void pinToAnUnhealthyTargetIsIgnoredUnlessForced() {
            World w = natConverged("{}").unhealthy(B, "tcp", "down").own(key(RTB_A), pin(B, false, NOW.plusSeconds(60)));
            Plan p = w.plan();
            assertThat(p.actions()).extracting(RouteAction::key).containsExactly(key(RTB_B));
            assertThat(p.notes()).anySatisfy(n -> assertThat(n.message()).startsWith("ignoring pin to nat-b").contains("pin with force"));
            w.own(key(RTB_A), pin(B, true, NOW.plusSeconds(60)));
            assertThat(w.plan().actions()).filteredOn(a -> a.key().equals(key(RTB_A))).singleElement()
                    .satisfies(a -> assertThat(a.reason()).contains("forced although UNHEALTHY"));
        }

        @Test
        void onlyThePinsForceFlagMakesAMoveForcedNeverItsReasonText() {
            Ownership worded = new Ownership(key(RTB_A), "egress", hop('a'), 4, Ownership.ClaimStatus.APPLIED, LONG_AGO, "planner", "x",
                    new Ownership.Pin(B, NOW.plusSeconds(60), false, "alice", "forced reboot of nat-a"));
            RouteAction unforced = only(natConverged("{}").own(key(RTB_A), worded).plan());
            assertThat(unforced.reason()).contains("forced reboot of nat-a");
            assertThat(unforced.forced()).isFalse();

            // Forced to a healthy target: nothing in the reason says so ("forced although" is only for an unhealthy one).
            RouteAction forced = only(natConverged("{}").own(key(RTB_A), pin(B, true, NOW.plusSeconds(60))).plan());
            assertThat(forced.reason()).doesNotContain("forced");
            assertThat(forced.forced()).isTrue();
        }

        @Test
        void expiredPinIsIgnored() {
            assertThat(natConverged("{}").own(key(RTB_A), pin(B, true, NOW)).plan().actions()).isEmpty();
        }

        @Test
        void drainedHolderHandsOverAndDrainedCandidatesNeverReceiveRoutes() {
            World w = natConverged("{}").drained(A);
            RouteAction a = only(w.plan());
            assertThat(a.to().target()).isEqualTo(hop('b'));
            assertThat(a.reason()).startsWith("nat-a (" + A + ") drained: drained by ops");
            World fresh = nat("{}").drained(A);
            assertThat(fresh.plan().actions()).extracting(x -> x.to().target()).containsOnly(hop('b'));
        }
    }

}
