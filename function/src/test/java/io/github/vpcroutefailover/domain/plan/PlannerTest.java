package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static io.github.vpcroutefailover.domain.plan.World.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PlannerTest {
    static final String RTB_A = "rtb-0000000000000000a";
    static final String RTB_B = "rtb-0000000000000000b";
    static final String RTB_C = "rtb-0000000000000000c";
    static final String A = instanceId('a');
    static final String B = instanceId('b');
    static final String C = instanceId('c');
    static final RouteTarget NAT_GW = RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0cccccccccccccccc");
    static final Map<String, String> PRIVATE = Map.of("tier", "private");
    static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));

    static RouteKey key(String table) {
        return key(table, "0.0.0.0/0");
    }

    static RouteKey key(String table, String dest) {
        return new RouteKey(table, Destination.parse(dest));
    }

    static String natConfig(String policy) {
        return """
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  tcp: {type: tcp, port: 22}
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
                  nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [tcp]}
                  nat-c: {instance: i-0cccccccccccccccc, checks: [tcp]}
                  nat-gw: {natGateway: nat-0cccccccccccccccc}
                routes:
                  - name: egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                    fallback: [nat-gw]
                    policy: %s
                """.formatted(policy);
    }

    /** Tables in 1a and 1b, NAT instances a (1a) and b (1b), both healthy for an hour. */
    static World nat(String policy) {
        return new World(natConfig(policy))
                .table(RTB_A, "us-east-1a", PRIVATE).table(RTB_B, "us-east-1b", PRIVATE)
                .instance('a', "us-east-1a").instance('b', "us-east-1b").instance('c', "us-east-1c")
                .healthy(A, LONG_AGO, "tcp").healthy(B, LONG_AGO, "tcp");
    }

    static World natConverged(String policy) {
        return nat(policy).route(RTB_A, "0.0.0.0/0", hop('a')).route(RTB_B, "0.0.0.0/0", hop('b'));
    }

    static RouteAction only(Plan p) {
        assertThat(p.actions()).hasSize(1);
        return p.actions().get(0);
    }

    static RouteStatus status(Plan p, RouteKey k) {
        return p.routes().stream().filter(s -> s.key().equals(k)).findFirst().orElseThrow();
    }

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

    @Nested
    class ClaimsAndIgnorance {
        Ownership pending(Instant at) {
            return new Ownership(key(RTB_A), "egress", hop('b'), 9, Ownership.ClaimStatus.PENDING, at, "invocation-7", "moving", null);
        }

        @Test
        void freshPendingClaimBlocksWithAnInfoNote() {
            Plan p = natConverged("{}").unhealthy(A, "tcp", "down").own(key(RTB_A), pending(NOW.minusSeconds(30))).plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> {
                assertThat(n.level()).isEqualTo(PlanNote.Level.INFO);
                assertThat(n.message()).contains("invocation-7").contains("its deadline " + NOW.plusSeconds(90));
            });
        }

        @Test
        void anAbandonedClaimIsLeftToTheRepairNotPlannedOver() {
            // The reconciler settles abandoned claims (with their history) before planning; one that reaches the
            // planner could not be settled, and a claim over it would be refused, so the planner waits with a WARN.
            Plan p = natConverged("{}").unhealthy(A, "tcp", "down").own(key(RTB_A), pending(NOW.minus(Duration.ofMinutes(2)))).plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> {
                assertThat(n.level()).isEqualTo(PlanNote.Level.WARN);
                assertThat(n.message()).contains("abandoned").contains("next reconcile repairs it");
            });
        }

        @Test
        void holderWithUnknownHealthKeepsTheRoute() {
            World w = natConverged("{}");
            w.states.remove(A);
            Plan p = w.plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> assertThat(n.message()).contains("health is UNKNOWN (no result yet from check tcp)"));
        }

        @Test
        void blackholedRouteIsReplacedEvenIfItsHolderIsUnknown() {
            World w = natConverged("{}").route(RTB_A, "0.0.0.0/0", hop('a'), true);
            w.states.remove(A);
            RouteAction a = only(w.plan());
            assertThat(a).isInstanceOf(RouteAction.Replace.class);
            assertThat(a.reason()).startsWith("route is a blackhole");
        }

        @Test
        void blackholedHopIsNotChosenAgainEvenIfItsChecksLookHealthy() {
            // Stale health can say a hop is fine while EC2 already reports the route to it as a blackhole. Re-choosing that
            // hop would be a silent no-op (same hop, no action) and leave the route broken.
            World w = natConverged("{}").route(RTB_A, "0.0.0.0/0", hop('a'), true);
            RouteAction a = only(w.plan());
            assertThat(a.to().target()).isEqualTo(hop('b'));
            // Once EC2 agrees (instance stopped), the state is consistent and stays put after the move.
            w.instance('a', "us-east-1a", "stopped", Map.of(), Instant.EPOCH);
            assertThat(w.apply(w.plan()).plan().actions()).isEmpty();
            World keep = natConverged("{zoneAffinity: false}").route(RTB_A, "0.0.0.0/0", hop('a'), true).unhealthy(B, "tcp", "down");
            Plan p = keep.plan();
            assertThat(p.actions()).filteredOn(x -> x.key().equals(key(RTB_A))).isEmpty();
            assertThat(status(p, key(RTB_A)).reason()).startsWith("route is a blackhole").contains("keeping the route as it is");
        }

        @Test
        void routeHeldByANonCandidateIsTakenOver() {
            RouteAction a = only(natConverged("{}").route(RTB_A, "0.0.0.0/0", RouteTarget.gateway(TargetKind.GATEWAY, "igw-01234567")).plan());
            assertThat(a.reason()).startsWith("route points at igw-01234567, which is not a target of route 'egress'");
        }

        @Test
        void freshAppliedRecordTheTableDoesNotShowYetIsReadAfterWriteLagNotASecondChange() {
            // Another invocation replaced a -> b 10 s ago and marked it applied; EC2's read still shows a (which is down).
            Ownership applied = new Ownership(key(RTB_A), "egress", hop('b'), 4, Ownership.ClaimStatus.APPLIED, NOW.minusSeconds(10), "invocation-9", "a down", null);
            Plan p = natConverged("{}").unhealthy(A, "tcp", "down").own(key(RTB_A), applied).plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> {
                assertThat(n.level()).isEqualTo(PlanNote.Level.INFO);
                assertThat(n.message()).contains("waiting for EC2 to catch up").contains("invocation-9");
            });
        }

        @Test
        void appliedRecordOlderThanTheLeaseIsNoLongerTrustedOverTheTable() {
            Ownership applied = new Ownership(key(RTB_A), "egress", hop('b'), 4, Ownership.ClaimStatus.APPLIED, NOW.minus(Duration.ofMinutes(3)), "x", "y", null);
            RouteAction a = only(natConverged("{}").unhealthy(A, "tcp", "down").own(key(RTB_A), applied).plan());
            assertThat(a.to().target()).isEqualTo(hop('b'));
            assertThat(a.expectedVersion()).isEqualTo(4);
        }

        @Test
        void outOfBandChangeIsReported() {
            World w = natConverged("{}").own(key(RTB_A), new Ownership(key(RTB_A), "egress", hop('b'), 3, Ownership.ClaimStatus.APPLIED, LONG_AGO, "x", "y", null));
            assertThat(w.plan().notes()).anySatisfy(n -> assertThat(n.message()).startsWith("route was changed outside vpc-route-failover"));
        }
    }

    @Nested
    class TablesAndScope {
        @Test
        void neverTouchesTheLocalRouteOrOtherVpcsOrUnmanagedRoutes() {
            World w = new World(natConfig("{}").replace("0.0.0.0/0", "10.0.0.0/16"))
                    .table(RTB_A, "us-east-1a", PRIVATE).instance('a', "us-east-1a").instance('b', "us-east-1b")
                    .healthy(A, LONG_AGO, "tcp").healthy(B, LONG_AGO, "tcp");
            w.tables.put(RTB_B, new ObservedRouteTable(RTB_B, "vpc-0999999999999999f", PRIVATE, Set.of(), false, "us-east-1a", List.of()));
            Plan p = w.plan();
            assertThat(p.actions()).isEmpty();
            assertThat(p.notes()).anySatisfy(n -> assertThat(n.message()).contains("local route or a propagated route"));
            assertThat(p.routes()).isEmpty();
        }

        @Test
        void twoRoutesOnOneKeyIsAnErrorAndNeitherActs() {
            World w = new World(natConfig("{}") + """
                      - name: egress-too
                        destination: 0.0.0.0/0
                        routeTables: [{id: rtb-0000000000000000a}]
                        targets: [nat-b]
                    """).table(RTB_A, "us-east-1a", PRIVATE).table(RTB_B, "us-east-1b", PRIVATE)
                    .instance('a', "us-east-1a").instance('b', "us-east-1b").healthy(A, LONG_AGO, "tcp").healthy(B, LONG_AGO, "tcp");
            Plan p = w.plan();
            assertThat(p.actions()).extracting(RouteAction::key).containsExactly(key(RTB_B));
            assertThat(p.notes()).anySatisfy(n -> {
                assertThat(n.level()).isEqualTo(PlanNote.Level.ERROR);
                assertThat(n.key()).isEqualTo(key(RTB_A));
                assertThat(n.message()).contains("'egress' and 'egress-too'");
            });
        }

        @Test
        void selectorMatchingNothingIsAnErrorButOtherSelectorsStillApply() {
            World w = new World(natConfig("{}").replace("routeTables: [{tags: {tier: private}}]",
                    "routeTables: [{tags: {tier: private}}, {id: rtb-0000000000000000f}, {tags: {x: y}, optional: true}]"))
                    .table(RTB_A, "us-east-1a", PRIVATE).instance('a', "us-east-1a").healthy(A, LONG_AGO, "tcp");
            Plan p = w.plan();
            assertThat(p.actions()).extracting(RouteAction::key).containsExactly(key(RTB_A));
            assertThat(p.notes()).filteredOn(n -> n.level() == PlanNote.Level.ERROR && n.message().startsWith("selector")).singleElement()
                    .satisfies(n -> assertThat(n.message()).contains("selector id rtb-0000000000000000f").contains("optional: true"));
        }

        @Test
        void notTagsExcludeTables() {
            World w = new World(natConfig("{}").replace("routeTables: [{tags: {tier: private}}]",
                    "routeTables: [{tags: {tier: private}, notTags: {nat: '*'}}]"))
                    .table(RTB_A, "us-east-1a", PRIVATE).table(RTB_B, "us-east-1b", Map.of("tier", "private", "nat", "unmanaged"))
                    .instance('a', "us-east-1a").healthy(A, LONG_AGO, "tcp");
            assertThat(w.plan().actions()).extracting(RouteAction::key).containsExactly(key(RTB_A));
        }

        @Test
        void missingInstanceIsAnErrorNamingItAndTheOtherCandidateServes() {
            World w = nat("{}");
            w.instances.remove(A);
            Plan p = w.plan();
            assertThat(p.notes()).anySatisfy(n -> {
                assertThat(n.level()).isEqualTo(PlanNote.Level.ERROR);
                assertThat(n.message()).contains("instance " + A + " was not found").contains("targets.nat-a.instance");
            });
            assertThat(p.actions()).extracting(a -> a.to().target()).containsOnly(hop('b'));
        }

        @Test
        void stoppedInstanceAndSourceDestCheckBlockEligibility() {
            World w = nat("{}");
            w.instance('a', "us-east-1a", "stopped", Map.of(), Instant.EPOCH);
            ObservedInstance b = w.instances.get(B);
            w.instances.put(B, new ObservedInstance(B, "running", "us-east-1b", Instant.EPOCH, Map.of(),
                    List.of(new ObservedEni(World.eniId('b'), B, 0, "us-east-1b", "subnet-x", "10.0.0.2", true, "in-use")), false));
            Plan p = w.plan();
            assertThat(p.actions()).isEmpty();
            assertThat(status(p, key(RTB_A)).candidates().get(0).detail()).isEqualTo("instance " + A + " is stopped");
            assertThat(p.notes()).anySatisfy(n -> assertThat(n.message()).contains("source/dest check is enabled on " + World.eniId('b')));
            assertThat(b).isNotNull();
        }
    }

    @Nested
    class DestinationsAndTargets {
        @Test
        void ipv6AndPrefixListRoutes() {
            World w = new World("""
                    version: 1
                    vpc: vpc-0123456789abcdef0
                    checks: {tcp: {type: tcp, port: 22}}
                    targets:
                      a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
                      vgw: {gateway: vgw-0123456789abcdef0}
                    routes:
                      - {name: v6, destination: "2001:DB8:0::/32", routeTables: [{main: true}], targets: [a]}
                      - {name: onprem, destination: pl-0123456789abcdef0, routeTables: [{main: true}], targets: [a], fallback: [vgw],
                         policy: {whenNoneHealthy: fallback}}
                    """);
            w.tables.put(RTB_A, new ObservedRouteTable(RTB_A, World.VPC, Map.of(), Set.of(), true, null, List.of(
                    new ObservedRoute(Destination.parse("2001:db8::/32"), hop('a'), false, "CreateRoute"))));
            w.instance('a', "us-east-1a").unhealthy(A, "tcp", "down");
            Plan p = w.plan();
            assertThat(p.actions()).singleElement().satisfies(a -> {
                assertThat(a).isInstanceOf(RouteAction.Create.class);
                assertThat(a.key()).isEqualTo(new RouteKey(RTB_A, Destination.parse("pl-0123456789abcdef0")));
                assertThat(a.to().target()).isEqualTo(RouteTarget.gateway(TargetKind.GATEWAY, "vgw-0123456789abcdef0"));
            });
            assertThat(status(p, new RouteKey(RTB_A, Destination.parse("2001:db8::/32"))).current()).isEqualTo(hop('a'));
        }

        @Test
        void eniTargetsAndDeviceIndexRouteToTheRightLeg() {
            World w = new World("""
                    version: 1
                    vpc: vpc-0123456789abcdef0
                    checks: {ec2: {type: ec2-status}}
                    targets:
                      fw-leg: {eni: eni-0eeeeeeeeeeeeeeee, checks: [ec2]}
                      fw-b: {instance: i-0bbbbbbbbbbbbbbbb, deviceIndex: 1, checks: [ec2]}
                    routes:
                      - {name: inspect, destination: 10.8.0.0/16, routeTables: [{main: true}], targets: [fw-leg, fw-b],
                         policy: {zoneAffinity: false}}
                    """);
            w.tables.put(RTB_A, new ObservedRouteTable(RTB_A, World.VPC, Map.of(), Set.of(), true, null, List.of(
                    // Routed to b's primary ENI: same instance, wrong leg.
                    new ObservedRoute(Destination.parse("10.8.0.0/16"), hop('b'), false, "CreateRoute"))));
            ObservedEni leg1 = new ObservedEni("eni-0bbbbbbbbbbbbbbb1", B, 1, "us-east-1b", "subnet-y", "10.0.1.2", false, "in-use");
            w.instances.put(B, new ObservedInstance(B, "running", "us-east-1b", Instant.EPOCH, Map.of(),
                    List.of(new ObservedEni(World.eniId('b'), B, 0, "us-east-1b", "subnet-x", "10.0.0.2", false, "in-use"), leg1), false));
            w.enis.add(new ObservedEni("eni-0eeeeeeeeeeeeeeee", null, 1, "us-east-1a", "subnet-z", "10.0.2.2", false, "available"));
            w.healthy(B, LONG_AGO, "ec2").healthy("eni-0eeeeeeeeeeeeeeee", LONG_AGO, "ec2");
            RouteAction a = only(w.plan());
            assertThat(a.to().target()).isEqualTo(RouteTarget.eni("eni-0bbbbbbbbbbbbbbb1", B));
            assertThat(status(w.plan(), new RouteKey(RTB_A, Destination.parse("10.8.0.0/16"))).candidates().get(0).detail())
                    .contains("not attached");
        }

        @Test
        void tagFleetIsOrderedByZoneThenLaunchTimeThenId() {
            World w = new World("""
                    version: 1
                    vpc: vpc-0123456789abcdef0
                    checks: {ec2: {type: ec2-status}}
                    targets:
                      dns: {instanceTags: {role: dns}, checks: [ec2]}
                    routes:
                      - {name: dns, destination: 10.255.0.53, routeTables: [{main: true}], targets: [dns], policy: {zoneAffinity: false}}
                    """);
            w.tables.put(RTB_A, new ObservedRouteTable(RTB_A, World.VPC, Map.of(), Set.of(), true, null, List.of()));
            w.instance('d', "us-east-1b", "running", Map.of("role", "dns"), Instant.parse("2026-01-01T00:00:00Z"));
            w.instance('e', "us-east-1a", "running", Map.of("role", "dns"), Instant.parse("2026-02-01T00:00:00Z"));
            w.instance('c', "us-east-1a", "running", Map.of("role", "dns"), Instant.parse("2026-02-01T00:00:00Z"));
            w.instance('f', "us-east-1a", "terminated", Map.of("role", "dns"), Instant.EPOCH);
            w.instance('a', "us-east-1a", "running", Map.of("role", "web"), Instant.EPOCH);
            Plan p = w.plan();
            assertThat(status(p, new RouteKey(RTB_A, Destination.parse("10.255.0.53/32"))).candidates())
                    .extracting(c -> c.candidate().target().instanceId()).containsExactly(instanceId('c'), instanceId('e'), instanceId('d'));
            assertThat(p.actions()).isEmpty();
            w.healthy(instanceId('e'), LONG_AGO, "ec2").healthy(instanceId('d'), LONG_AGO, "ec2");
            assertThat(only(w.plan()).to().target().instanceId()).isEqualTo(instanceId('e'));
        }
    }
}
