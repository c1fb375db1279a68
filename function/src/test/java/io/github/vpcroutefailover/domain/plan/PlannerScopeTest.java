package io.github.vpcroutefailover.domain.plan;

import static io.github.vpcroutefailover.domain.plan.PlannerFixtures.*;
import static io.github.vpcroutefailover.domain.plan.World.NOW;
import static io.github.vpcroutefailover.domain.plan.World.hop;
import static io.github.vpcroutefailover.domain.plan.World.instanceId;
import static org.assertj.core.api.Assertions.assertThat;

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

/** The planner on claims and records it does not own, table selection and scope, destinations and target kinds. */
class PlannerScopeTest {
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
            // Not planned, still the config's: an open alert on it is not closed as if the slot had left the config.
            assertThat(p.routes()).extracting(RouteStatus::key).doesNotContain(key(RTB_A));
            assertThat(p.selected()).containsExactlyInAnyOrder(key(RTB_A), key(RTB_B));
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
