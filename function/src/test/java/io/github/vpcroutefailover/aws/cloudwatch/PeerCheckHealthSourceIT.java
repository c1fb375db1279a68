package io.github.vpcroutefailover.aws.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;

/**
 * Peer probes (agent check type peer, ICMP or TCP) are published by the PROBER under its own InstanceId as
 * {@code Check=<name>:<peerId>}; a {@code reportedBy: peers} check credits them to the peer they are about.
 */
@ExtendWith(LocalAwsExtension.class)
class PeerCheckHealthSourceIT {
    private static final String A = "i-0aaaaaaaaaaaaaaaa";
    private static final String B = "i-0bbbbbbbbbbbbbbbb";
    private static final String C = "i-0cccccccccccccccc";
    private static final Map<String, CheckSpec> CHECKS = Map.of(
            "nat-peer", new CheckSpec.Agent("nat-peer", "peer", Duration.ofSeconds(30), 2, 3, true));

    private static Candidate candidate(String instanceId) {
        return new Candidate("nat-" + instanceId.charAt(3), RouteTarget.eni("eni-" + instanceId.substring(2), instanceId), "us-east-1a",
                List.of("nat-peer"), false);
    }

    private static void publish(CloudWatchClient cw, String instanceId, String check, double value, Instant at) {
        cw.putMetricData(r -> r.namespace("VpcRouteFailover").metricData(MetricDatum.builder().metricName("CheckResult")
                .dimensions(Dimension.builder().name("InstanceId").value(instanceId).build(),
                        Dimension.builder().name("Check").value(check).build())
                .value(value).unit(StandardUnit.NONE).timestamp(at).storageResolution(1).build()));
    }

    private static List<Observation> observe(LocalAws aws, Instant now, String... instances) {
        return new AgentMetricHealthSource(aws.cloudWatch(), "VpcRouteFailover", CHECKS)
                .observe(java.util.Arrays.stream(instances).map(PeerCheckHealthSourceIT::candidate).toList(), now);
    }

    @Test
    void aPeersFailedProbeOfATargetIsCreditedToThatTarget(LocalAws aws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        for (int s = 3; s >= 1; s--) {
            publish(aws.cloudWatch(), B, "peer:" + A, 0, now.minusSeconds(s)); // b cannot reach a
            publish(aws.cloudWatch(), A, "peer:" + B, 1, now.minusSeconds(s)); // a reaches b
        }

        List<Observation> obs = observe(aws, now, A, B);

        assertThat(obs).filteredOn(o -> o.targetKey().equals(A)).hasSize(3).allSatisfy(o -> {
            assertThat(o.check()).isEqualTo("nat-peer");
            assertThat(o.passed()).isFalse();
            assertThat(o.detail()).contains(B).contains("peer:" + A);
        });
        assertThat(obs).filteredOn(o -> o.targetKey().equals(B)).hasSize(3).allMatch(Observation::passed);
    }

    @Test
    void withSeveralPeersOneThatStillReachesTheTargetKeepsItPassing(LocalAws aws) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        publish(aws.cloudWatch(), B, "peer:" + A, 0, now.minusSeconds(1)); // b's own network may be the problem
        publish(aws.cloudWatch(), C, "peer:" + A, 1, now.minusSeconds(1));
        publish(aws.cloudWatch(), B, "peer:" + C, 1, now.minusSeconds(1));
        publish(aws.cloudWatch(), C, "peer:" + B, 1, now.minusSeconds(1));
        publish(aws.cloudWatch(), A, "peer:" + B, 1, now.minusSeconds(1));
        publish(aws.cloudWatch(), A, "peer:" + C, 1, now.minusSeconds(1));

        assertThat(observe(aws, now, A, B, C)).filteredOn(o -> o.targetKey().equals(A)).singleElement()
                .satisfies(o -> assertThat(o.passed()).isTrue());
    }

    @Test
    void silentPeersAreNotHeldAgainstTheTarget(LocalAws aws) {
        // The only peer is gone (its own checks go stale and fail it); that says nothing about this target.
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        assertThat(observe(aws, now, A, B)).filteredOn(o -> o.targetKey().equals(A)).singleElement().satisfies(o -> {
            assertThat(o.passed()).isTrue();
            assertThat(o.hard()).isFalse();
            assertThat(o.detail()).contains("no peer reported");
        });
    }

    @Test
    void aTargetWithoutOtherCandidatesHasNoPeerObservation(LocalAws aws) {
        assertThat(observe(aws, Instant.now(), A)).filteredOn(o -> o.targetKey().equals(A)).singleElement()
                .satisfies(o -> assertThat(o.detail()).contains("no peer"));
    }
}
