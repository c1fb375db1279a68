package io.github.vpcroutefailover.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.app.Controller;
import io.github.vpcroutefailover.app.ManualActions;
import io.github.vpcroutefailover.aws.dynamodb.DynamoDbRouteRegistry;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.RouteChangeNotifier;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.lab.Fault;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Failover drills with real packets (issue #14): the drill moves table a to nat-b by its pin, the probe loop (running
 * as in {@link DataPathFailoverIT}) tests the data path through nat-b, and the drill moves the route back and
 * reports. Only table a is managed, so nothing tested nat-b's data path before the drill. Asserts packets, API calls
 * and history, never durations.
 */
@ExtendWith(LocalAwsExtension.class)
class DrillIT {
    private static final Duration WAIT = Duration.ofSeconds(25);
    private static final Duration WINDOW = Duration.ofSeconds(20);

    /** The Route Failover events the drill's reconciles announced. */
    private final List<RouteChangeNotifier.RouteChange> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    private ManualActions manual(LabVpc vpc, DataPathFailover project) {
        return new ManualActions(Controller.builder().config(() -> project.config)
                .lifecycle((g, h, t, i) -> {
                    throw new AssertionError("no lifecycle action in a drill");
                })
                .notifier(events::addAll)
                .registry(new DynamoDbRouteRegistry(vpc.ddb, vpc.table))
                .routeTables(new Ec2RouteTables(vpc.ec2)).instances(new Ec2Instances(vpc.ec2))
                .ownership(vpc.owners).targetStates(vpc.states).clock(Clock.systemUTC()).build());
    }

    private static List<HistoryEntry> history(LabVpc vpc) {
        return vpc.owners.history(new RouteKey(vpc.rtbA, Destination.parse("0.0.0.0/0")), 20);
    }

    /**
     * Probe invocations longer than the whole test (production's last a minute, longer than the drill may take): no
     * invocation ends, so nothing is handed over at an invocation's end, and the pass must come from the probe
     * noticing the new hop under its data path (docs/probe.md "Reporting a new hop"). Before that, this drill ended
     * inconclusive.
     */
    private static final Duration LONG_INVOCATION = Duration.ofMinutes(10);

    @Test
    void aDrillPassesOnAHealthyPairAndLeavesTheRouteWhereItWas(LocalAws aws) throws Exception {
        try (LabVpc vpc = new LabVpc(aws);
             DataPathFailover project = new DataPathFailover(vpc, "[nat-a, nat-b]", "{id: " + vpc.rtbA + "}").invocations(LONG_INVOCATION)) {
            Traffic a = vpc.traffic.get("a");
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            Thread.sleep(3000); // rise 2 on every check and path
            ManualActions manual = manual(vpc, project);
            aws.calls().reset();

            Map<String, Object> preview = manual.drill("default-egress", WINDOW, true, "ops");
            assertThat(preview).containsEntry("dryRun", true).containsKey("wouldDo");
            assertThat(preview.get("tables")).asString().contains("nat-b");
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("a dry run moves nothing").isZero();
            assertThat(vpc.owners.load(new RouteKey(vpc.rtbA, Destination.parse("0.0.0.0/0"))).map(o -> o.pin()))
                    .as("and pins nothing").isEmpty();

            long at = System.nanoTime();
            Map<String, Object> report = manual.drill("default-egress", WINDOW, false, "ops");
            assertThat(report).as(report.toString()).containsEntry("passed", true);
            assertThat(String.valueOf(report.get("result"))).contains("passed").contains("egress-path");
            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("nat-a");
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("to nat-b and back").isEqualTo(2);
            assertThat(a.since(at)).as("packets really went through the standby during the drill")
                    .anyMatch(s -> s.ok() && "nat-b".equals(s.via()));
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).as("and flow through nat-a again").isTrue();
            List<HistoryEntry> h = history(vpc);
            assertThat(h.get(0).reason()).contains("drill default-egress@").contains("passed").contains("back to nat-a");
            assertThat(h.get(1).reason()).contains("drill default-egress@").contains("to standby nat-b");
            assertThat(vpc.owners.load(new RouteKey(vpc.rtbA, Destination.parse("0.0.0.0/0"))).map(o -> o.pin()))
                    .as("the drill leaves no pin behind").isEmpty();
            assertThat(events).extracting(RouteChangeNotifier.RouteChange::reason).as("the Route Failover event of the move back is the report")
                    .anyMatch(r -> r.contains("passed") && r.contains("back to nat-a"));
            assertThat(project.failedInvocations()).isZero();
            assertThat(project.invocationsStarted()).as("all of it inside one probe invocation").isEqualTo(1);
            assertThat(project.recordReads.get()).as("the probe's hop watch read the ownership records").isPositive();
        }
    }

    @Test
    void aDrillFailsOnAStandbyThatForwardsNothingAndTrafficStaysOnTheOriginalHop(LocalAws aws) throws Exception {
        try (LabVpc vpc = new LabVpc(aws);
             DataPathFailover project = new DataPathFailover(vpc, "[nat-a, nat-b]", "{id: " + vpc.rtbA + "}").invocations(LONG_INVOCATION)) {
            Traffic a = vpc.traffic.get("a");
            vpc.fault("nat-b", Fault.FORWARDING_OFF); // its health port still answers: only the data path can tell
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            Thread.sleep(3000);
            ManualActions manual = manual(vpc, project);
            aws.calls().reset();

            long at = System.nanoTime();
            Map<String, Object> report = manual.drill("default-egress", WINDOW, false, "ops");
            assertThat(report).as(report.toString()).containsEntry("passed", false);
            assertThat(String.valueOf(report.get("result"))).contains("failed").contains("nat-b");
            assertThat(vpc.holder(vpc.rtbA)).as("traffic is back on the original hop").isEqualTo("nat-a");
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            assertThat(a.since(at)).as("nothing got through the broken standby").noneMatch(s -> s.ok() && "nat-b".equals(s.via()));
            assertThat(history(vpc)).extracting(HistoryEntry::reason).as("history says the drill moved the route and why it came back")
                    .anyMatch(r -> r.contains("to standby nat-b"));

            // nat-b's data path is now failed: the next drill is refused, naming it and why.
            assertThatThrownBy(() -> manual.drill("default-egress", WINDOW, true, "ops"))
                    .isInstanceOfSatisfying(ManualActions.InvalidRequestException.class, e -> assertThat(e.getMessage())
                            .contains("no drill while a candidate").contains("nat-b").contains("data path failed"));
            assertThat(project.invocationsStarted()).as("all of it inside one probe invocation").isEqualTo(1);
        }
    }

    /**
     * Post-flip verification of a move the probe did not make (an operator's failover through the controller): the
     * probe notices the new hop under its path, counts its failures from zero, and the route leaves the broken
     * standby within the same long invocation; on a healthy standby the first pass is stored on it.
     */
    @Test
    void aMoveMadeByTheControllerIsVerifiedThroughTheNewHopWithinOneLongInvocation(LocalAws aws) throws Exception {
        try (LabVpc vpc = new LabVpc(aws);
             DataPathFailover project = new DataPathFailover(vpc, "[nat-a, nat-b]", "{id: " + vpc.rtbA + "}").invocations(LONG_INVOCATION)) {
            Traffic a = vpc.traffic.get("a");
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            Thread.sleep(3000);
            ManualActions manual = manual(vpc, project);
            aws.calls().reset();
            String pathCheck = "egress-path@" + vpc.net.zone(0);
            java.time.Instant moved = java.time.Instant.now();

            Map<String, Object> out = manual.failover("default-egress", List.of(), null, "nat-b", false, "test: to a healthy standby", false, "ops");
            assertThat(out).as(out.toString()).isNotNull();
            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("nat-b");
            assertThat(awaitCheck(vpc, vpc.natB, pathCheck, moved, s -> s.passes() > 0 && s.failures() == 0))
                    .as("a pass through nat-b is stored while the invocation runs on").isTrue();

            vpc.fault("nat-a", Fault.FORWARDING_OFF);
            java.time.Instant back = java.time.Instant.now();
            manual.failover("default-egress", List.of(), null, "nat-a", false, "test: back to a hop whose data path broke unseen", false, "ops");
            assertThat(awaitCheck(vpc, vpc.natA, pathCheck, back, s -> s.health() == io.github.vpcroutefailover.domain.health.Health.UNHEALTHY))
                    .as("nat-a's data path is failed through the new hop").isTrue();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-b", 10, WAIT)).as("and traffic leaves it for nat-b").isTrue();
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("to nat-b, to nat-a, back to nat-b: no more").isEqualTo(3);
            assertThat(project.invocationsStarted()).isEqualTo(1);
        }
    }

    /** Polls the stored state of one check of a hop (bounded) until it was observed after {@code since} and matches. */
    private static boolean awaitCheck(LabVpc vpc, String hop, String check, java.time.Instant since,
                                      java.util.function.Predicate<io.github.vpcroutefailover.domain.health.CheckState> ok) throws InterruptedException {
        long end = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < end) {
            io.github.vpcroutefailover.domain.health.TargetState s = vpc.states.load(List.of(hop)).get(hop);
            io.github.vpcroutefailover.domain.health.CheckState c = s == null ? null : s.checks().get(check);
            if (c != null && c.lastAt() != null && c.lastAt().isAfter(since) && ok.test(c)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
