package io.github.vpcroutefailover.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.health.Observation;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRoute;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class Ec2HealthSourceTest {
    private static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    private static final Map<String, CheckSpec> CHECKS = Map.of(
            "ec2", new CheckSpec.Ec2Status("ec2", true, 1, 1),
            "tcp", new CheckSpec.Tcp("tcp", 22, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(2), 2, 2));

    private static ObservedInstance instance(String id, String state, boolean impaired) {
        String eni = "eni-" + id.substring(2);
        return new ObservedInstance(id, state, "us-east-1a", NOW, Map.of(),
                List.of(new ObservedEni(eni, id, 0, "us-east-1a", "subnet-1", "10.0.0.10", false, "in-use")), impaired);
    }

    private static Candidate candidate(String instanceId) {
        return new Candidate("t-" + instanceId, RouteTarget.eni("eni-" + instanceId.substring(2), instanceId), "us-east-1a",
                List.of("ec2", "tcp"), false);
    }

    private static Observation only(List<Observation> obs, String key) {
        List<Observation> mine = obs.stream().filter(o -> o.targetKey().equals(key)).toList();
        assertThat(mine).as("one ec2 observation for " + key + ", none for other check types").hasSize(1);
        return mine.get(0);
    }

    @Test
    void runningPassesStoppedAndMissingFailHardImpairedFailsSoftly() {
        var source = new Ec2HealthSource(CHECKS,
                List.of(instance("i-0run", "running", false), instance("i-0stop", "stopped", false), instance("i-0sick", "running", true)),
                List.of(), List.of());
        List<Observation> obs = source.observe(List.of(candidate("i-0run"), candidate("i-0stop"), candidate("i-0sick"),
                candidate("i-0gone")), NOW);

        assertThat(only(obs, "i-0run")).satisfies(o -> {
            assertThat(o.passed()).isTrue();
            assertThat(o.check()).isEqualTo("ec2");
            assertThat(o.at()).isEqualTo(NOW);
            assertThat(o.source()).isEqualTo("ec2");
        });
        assertThat(only(obs, "i-0stop")).satisfies(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.hard()).isTrue();
            assertThat(o.detail()).contains("stopped");
        });
        assertThat(only(obs, "i-0sick")).satisfies(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.hard()).isFalse();
            assertThat(o.detail()).contains("impaired");
        });
        assertThat(only(obs, "i-0gone")).satisfies(o -> {
            assertThat(o.passed()).isFalse();
            assertThat(o.hard()).isTrue();
            assertThat(o.detail()).contains("not found");
        });
    }

    @Test
    void impairedIsIgnoredWhenStatusChecksAreOff() {
        var source = new Ec2HealthSource(Map.of("ec2", new CheckSpec.Ec2Status("ec2", false, 1, 1)),
                List.of(instance("i-0sick", "running", true)), List.of(), List.of());
        assertThat(only(source.observe(List.of(candidate("i-0sick")), NOW), "i-0sick").passed()).isTrue();
    }

    @Test
    void aBlackholeRouteToTheCandidateFailsItHard() {
        RouteTarget eniOnly = RouteTarget.eni("eni-0run", null);
        ObservedRouteTable table = new ObservedRouteTable("rtb-1", "vpc-1", Map.of(), Set.of(), false, "us-east-1a", List.of(
                new ObservedRoute(Destination.parse("0.0.0.0/0"), eniOnly, true, "CreateRoute"),
                new ObservedRoute(Destination.parse("10.0.0.0/16"), RouteTarget.gateway(TargetKind.GATEWAY, "local"), false, "CreateRouteTable")));
        var source = new Ec2HealthSource(CHECKS, List.of(instance("i-0run", "running", false)), List.of(), List.of(table));

        Observation o = only(source.observe(List.of(candidate("i-0run")), NOW), "i-0run");
        assertThat(o.passed()).isFalse();
        assertThat(o.hard()).isTrue();
        assertThat(o.detail()).contains("rtb-1|0.0.0.0/0", "blackhole");
    }

    @Test
    void enisAreJudgedByPresenceAndGatewaysAreLeftToAws() {
        Candidate eni = new Candidate("leg", RouteTarget.eni("eni-0detached", null), "us-east-1a", List.of("ec2"), false);
        Candidate gone = new Candidate("leg2", RouteTarget.eni("eni-0gone", null), "us-east-1a", List.of("ec2"), false);
        Candidate natGw = new Candidate("gw", RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0123"), null, List.of(), true);
        var source = new Ec2HealthSource(CHECKS, List.of(),
                List.of(new ObservedEni("eni-0detached", null, -1, "us-east-1a", "subnet-1", "10.0.0.9", false, "available")), List.of());

        List<Observation> obs = source.observe(List.of(eni, gone, natGw), NOW);
        assertThat(only(obs, "eni-0detached").passed()).isTrue();
        assertThat(only(obs, "eni-0gone").hard()).isTrue();
        assertThat(obs).noneMatch(o -> o.targetKey().equals("nat-0123"));
    }
}
