package io.github.vpcroutefailover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.app.ReconcileResult;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.lab.Fault;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/**
 * The data-path check with real packets (issue #14): a NAT that stops forwarding while its health port answers is
 * failed over by the data-path check, and a destination that goes down everywhere moves nothing and says so. Asserts
 * packets, API calls and notes, never durations.
 */
@ExtendWith(LocalAwsExtension.class)
class DataPathFailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(25);

    @ParameterizedTest(name = "{0}")
    @EnumSource(value = Fault.class, names = {"FORWARDING_OFF", "MASQUERADE_LOST"})
    void aNatThatStopsForwardingWhileItsHealthPortAnswersIsFailedOverByTheDataPathCheck(Fault fault, LocalAws aws) throws Exception {
        try (LabVpc vpc = new LabVpc(aws);
             DataPathFailover project = new DataPathFailover(vpc, "[nat-a, nat-b]", "{tags: {tier: private}}")) {
            Traffic a = vpc.traffic.get("a");
            Traffic b = vpc.traffic.get("b");
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            assertThat(b.awaitSteady(System.nanoTime(), "nat-b", 10, WAIT)).isTrue();
            Thread.sleep(3000); // rise 2 on every check and path
            aws.calls().reset();

            long at = System.nanoTime();
            vpc.fault("nat-a", fault);
            assertThat(a.await(at, s -> !s.ok(), WAIT)).as("traffic through nat-a stops").isPresent();
            assertThat(a.awaitSteady(at, "nat-b", 10, WAIT)).as("subnet a's traffic flows through nat-b").isTrue();
            assertThat(healthAnswers(vpc, "nat-a")).as("the health port answered all along: only the data path saw it").isTrue();

            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("nat-b");
            assertThat(vpc.holder(vpc.rtbB)).isEqualTo("nat-b");
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("one route moved: table a").isEqualTo(1);
            assertThat(project.results).flatExtracting(ReconcileResult::applied)
                    .singleElement().satisfies(o -> assertThat(o.action().reason()).contains("data path failed"));
            assertThat(b.since(at)).as("subnet b never lost traffic").allMatch(Traffic.Sample::ok);
            assertThat(project.failedInvocations()).isZero();
        }
    }

    @Test
    void whenTheDestinationItselfGoesDownNoRouteMovesAndAWarningSaysWhy(LocalAws aws) throws Exception {
        try (LabVpc vpc = new LabVpc(aws);
             DataPathFailover project = new DataPathFailover(vpc, "[nat-a, nat-b]", "{tags: {tier: private}}")) {
            Traffic a = vpc.traffic.get("a");
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            Thread.sleep(3000);
            aws.calls().reset();
            int before = project.results.size();

            project.paths.destinationDown(true);
            long at = System.nanoTime();
            assertThat(a.await(at, s -> !s.ok(), WAIT)).isPresent();
            // Ten probe rounds with fall 2: both NATs' data paths fail, and both are stored as failed.
            Thread.sleep(10_000);
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("no flap: the destination is down, not the NATs").isZero();
            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("nat-a");
            assertThat(vpc.holder(vpc.rtbB)).isEqualTo("nat-b");
            assertThat(project.results.subList(before, project.results.size())).flatExtracting(ReconcileResult::notes)
                    .anySatisfy(n -> assertThat(n.message()).startsWith("data path failing through every candidate"));

            // One Route Failover alert per table for the whole outage, however many reconciles saw it (docs/events.md "alert").
            java.util.function.Function<String, List<String>> alerts = kind -> project.results.stream()
                    .flatMap(r -> r.announcements().stream()).filter(u -> kind.equals(u.change().alert()))
                    .map(u -> u.change().routeTableId()).toList();
            assertThat(project.results.size() - before).as("several reconciles saw the outage").isGreaterThan(1);
            assertThat(alerts.apply(RouteChangeNotifier.RouteChange.CORRELATED_FAILURE)).containsExactlyInAnyOrder(vpc.rtbA, vpc.rtbB);

            project.paths.destinationDown(false);
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).as("traffic resumes on the same NAT").isTrue();
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
            long end = System.nanoTime() + WAIT.toNanos();
            while (alerts.apply(RouteChangeNotifier.RouteChange.CORRELATED_CLEARED).size() < 2 && System.nanoTime() < end) {
                Thread.sleep(200); // the rise of the paths is reported by the probe's next reconciles
            }
            assertThat(alerts.apply(RouteChangeNotifier.RouteChange.CORRELATED_CLEARED)).as("and one when it is over")
                    .containsExactlyInAnyOrder(vpc.rtbA, vpc.rtbB);
            assertThat(alerts.apply(RouteChangeNotifier.RouteChange.CORRELATED_FAILURE)).hasSize(2);
        }
    }

    @Test
    void postFlipVerificationSkipsABrokenStandby(LocalAws aws) throws Exception {
        // Only table a is managed, so nothing tests nat-b's data path before a route moves to it.
        try (LabVpc vpc = new LabVpc(aws);
             DataPathFailover project = new DataPathFailover(vpc, "[nat-a, nat-b, natgw]", "{id: " + vpc.rtbA + "}")) {
            Traffic a = vpc.traffic.get("a");
            vpc.fault("nat-b", Fault.FORWARDING_OFF);
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            Thread.sleep(3000);
            aws.calls().reset();
            int before = project.results.size();

            long at = System.nanoTime();
            vpc.fault("nat-a", Fault.LINK_DOWN);
            assertThat(a.awaitSteady(at, "natgw", 10, WAIT)).as("subnet a's traffic ends up on the NAT gateway").isTrue();
            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("natgw");
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("to nat-b (health port fine), then on to natgw").isEqualTo(2);
            List<ReconcileResult.ActionOutcome> moves = project.results.subList(before, project.results.size()).stream()
                    .flatMap(r -> r.applied().stream()).toList();
            assertThat(moves).hasSize(2);
            assertThat(moves.get(0).action().to().targetName()).isEqualTo("nat-b");
            assertThat(moves.get(1).action().to().targetName()).isEqualTo("natgw");
            assertThat(moves.get(1).action().reason()).contains("data path failed").contains("post-flip verification of");
            assertThat(project.results.subList(before, project.results.size())).extracting(ReconcileResult::caller)
                    .as("the second move came from the verification step").anyMatch(c -> c.contains("#verify1"));
            assertThat(a.since(at)).filteredOn(Traffic.Sample::ok).as("nothing got through the broken standby")
                    .noneMatch(x -> "nat-b".equals(x.via()));
        }
    }

    static boolean healthAnswers(LabVpc vpc, String nat) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(vpc.lab.natAddress(nat), io.github.vpcroutefailover.testsupport.lab.VpcLab.HEALTH_PORT), 1000);
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
