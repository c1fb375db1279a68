package io.github.vpcroutefailover.testsupport.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real-packet lab against the EC2 emulator: a ReplaceRoute in moto moves real packets to the other NAT namespace,
 * every fault really stops traffic through its NAT (and the health port answers exactly for the faults that say so),
 * and the lab leaves no namespace behind. Fails (never skips) with a message saying how to fix it when the machine
 * cannot create network namespaces.
 */
@ExtendWith(LocalAwsExtension.class)
class VpcLabIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void aReplaceRouteInTheEmulatorMovesRealPacketsToTheOtherNat(LocalAws aws) throws Exception {
        TestNetwork net = TestNetwork.create(aws, 2);
        String natA = net.instance(0, "role=nat");
        String natB = net.instance(1, "role=nat");
        String rtbA = net.routeTable(0, "tier=private");
        String eniA = net.primaryEni(natA);
        String eniB = net.primaryEni(natB);
        aws.ec2().createRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(eniA));
        List<String> namespaces;
        try (VpcLab lab = VpcLab.create(List.of("a"), List.of("nat-a", "nat-b"));
             RouteMirror mirror = new RouteMirror(aws.ec2(), lab, Map.of(rtbA, "a"),
                     Map.of(eniA, "nat-a", eniB, "nat-b", natA, "nat-a", natB, "nat-b"), Duration.ofMillis(50))) {
            namespaces = lab.namespaces();
            assertThat(lab.routeOf("a")).isEqualTo("nat-a");
            Traffic traffic = lab.traffic("a", 50, 1000);
            long t0 = System.nanoTime();
            assertThat(traffic.awaitSteady(t0, "nat-a", 5, WAIT)).as("5 requests in a row through nat-a").isTrue();

            aws.ec2().replaceRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("0.0.0.0/0").networkInterfaceId(eniB));
            assertThat(mirror.awaitRoute("a", "nat-b", WAIT)).isTrue();
            long flipped = mirror.changes().getLast().nanos();
            assertThat(traffic.awaitSteady(flipped, "nat-b", 5, WAIT)).as("5 requests in a row through nat-b").isTrue();
            assertThat(traffic.since(flipped + Duration.ofMillis(5).toNanos())).filteredOn(Traffic.Sample::ok)
                    .as("after the kernel route moved, no request leaves through nat-a").allMatch(s -> "nat-b".equals(s.via()));

            // No route at all (deleted): nothing gets out.
            aws.ec2().deleteRoute(r -> r.routeTableId(rtbA).destinationCidrBlock("0.0.0.0/0"));
            assertThat(mirror.awaitRoute("a", null, WAIT)).isTrue();
            long deleted = System.nanoTime();
            assertThat(traffic.await(deleted, s -> !s.ok(), WAIT)).isPresent();
            assertThat(mirror.changes()).extracting(RouteMirror.Change::nat).containsExactly("nat-a", "nat-b", null);
            assertThat(mirror.errors()).isZero();
        }
        assertThat(Sh.run("ip", "netns", "list")).as("the lab removed its namespaces").doesNotContain(namespaces);
    }

    @Test
    void everyFaultStopsTrafficThroughItsNatAndTheHealthPortAnswersOnlyWhereTheFaultSaysSo() throws Exception {
        try (VpcLab lab = VpcLab.create(List.of("a"), List.of("nat-a"))) {
            lab.route("a", "nat-a");
            Traffic traffic = lab.traffic("a", 50, 500);
            assertThat(traffic.awaitSteady(System.nanoTime(), "nat-a", 3, WAIT)).isTrue();
            assertThat(healthAnswers(lab, "nat-a")).isTrue();
            for (Fault fault : Fault.values()) {
                lab.fault("nat-a", fault);
                long at = System.nanoTime();
                // Requests started after the fault fail: wait for 3 failures, then check none of them succeeded.
                assertThat(traffic.await(at + Duration.ofMillis(600).toNanos(), s -> !s.ok(), WAIT)).as(fault + " breaks traffic").isPresent();
                assertThat(traffic.since(at + Duration.ofMillis(100).toNanos())).as(fault + ": nothing gets through")
                        .noneMatch(Traffic.Sample::ok);
                assertThat(healthAnswers(lab, "nat-a")).as(fault + ": health port answers").isEqualTo(!fault.healthPortFails());

                lab.heal("nat-a");
                assertThat(lab.faults("nat-a")).isEmpty();
                long healed = System.nanoTime();
                assertThat(traffic.awaitSteady(healed, "nat-a", 3, WAIT)).as("traffic back after healing " + fault).isTrue();
                assertThat(healthAnswers(lab, "nat-a")).isTrue();
            }
        }
    }

    @Test
    void theSweeperRemovesNamespacesOfDeadProcessesOnly() throws Exception {
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        String stale = VpcLab.PREFIX + gone.pid() + "-0-s0";
        String mine = VpcLab.PREFIX + ProcessHandle.current().pid() + "-999-s0";
        VpcLab.preflight();
        Sh.run("ip", "netns", "add", stale);
        Sh.run("ip", "netns", "add", mine);
        try {
            List<String> removed = NamespaceSweeper.sweep();
            assertThat(removed).contains(stale).doesNotContain(mine);
            assertThat(Sh.run("ip", "netns", "list")).doesNotContain(stale).contains(mine);
        } finally {
            Sh.attempt("ip", "netns", "del", stale);
            Sh.attempt("ip", "netns", "del", mine);
        }
    }

    private static boolean healthAnswers(VpcLab lab, String nat) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(lab.natAddress(nat), VpcLab.HEALTH_PORT), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
