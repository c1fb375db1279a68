package io.github.vpcroutefailover.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.lab.Fault;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Real packets end to end: the real probe loop and controller (moto, DynamoDB Local) against NATs in network
 * namespaces, with client traffic flowing through them. Asserts what happened to the packets and the API calls made,
 * never how long it took (the outage figures are the opt-in {@link OutageBenchmark}'s job).
 */
@ExtendWith(LocalAwsExtension.class)
class LabFailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aNatLinkGoingDownMovesSubnetTrafficToTheOtherNatWithOneReplaceRoute(LocalAws aws) throws Exception {
        try (LabVpc vpc = new LabVpc(aws);
             ProjectFailover project = new ProjectFailover(vpc, Duration.ofSeconds(1), 2, 2, Duration.ofMillis(500))) {
            Traffic a = vpc.traffic.get("a");
            Traffic b = vpc.traffic.get("b");
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            assertThat(b.awaitSteady(System.nanoTime(), "nat-b", 10, WAIT)).isTrue();
            // Steady state: HEALTHY on both (rise 2), no route change.
            Thread.sleep(3000);
            aws.calls().reset();

            long at = System.nanoTime();
            vpc.fault("nat-a", Fault.LINK_DOWN);
            assertThat(a.await(at, s -> !s.ok(), WAIT)).as("traffic through nat-a stops").isPresent();
            assertThat(a.awaitSteady(at, "nat-b", 10, WAIT)).as("subnet a's traffic flows through nat-b").isTrue();

            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("nat-b");
            assertThat(vpc.holder(vpc.rtbB)).isEqualTo("nat-b");
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).as("one route moved: table a").isEqualTo(1);
            Traffic.Outage o = a.outage(at);
            assertThat(o.recovered()).isTrue();
            assertThat(o.failed()).isPositive();
            assertThat(b.since(at)).as("subnet b never lost traffic").allMatch(Traffic.Sample::ok);
            assertThat(project.failedInvocations()).isZero();
            assertThat(vpc.mirror.errors()).isZero();
        }
    }

    @Test
    void aForwardingOffNatWhoseHealthPortAnswersIsNotFailedOverByTheTcpCheck(LocalAws aws) throws Exception {
        // The gap the issue names: a NAT that answers its health port but forwards nothing keeps the route under a
        // tcp check. (The data-path check is what fixes it.)
        try (LabVpc vpc = new LabVpc(aws);
             ProjectFailover project = new ProjectFailover(vpc, Duration.ofSeconds(1), 2, 2, Duration.ofMillis(500))) {
            Traffic a = vpc.traffic.get("a");
            project.start();
            assertThat(a.awaitSteady(System.nanoTime(), "nat-a", 10, WAIT)).isTrue();
            Thread.sleep(3000);
            aws.calls().reset();
            long at = System.nanoTime();
            vpc.fault("nat-a", Fault.FORWARDING_OFF);
            // Five probe rounds (fall is 2): the route stays, and so does the outage.
            Thread.sleep(5000);
            assertThat(vpc.holder(vpc.rtbA)).isEqualTo("nat-a");
            assertThat(aws.calls().calls("Ec2.ReplaceRoute")).isZero();
            assertThat(a.since(at + Duration.ofMillis(1100).toNanos())).isNotEmpty().noneMatch(Traffic.Sample::ok);
        }
    }
}
