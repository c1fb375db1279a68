package io.github.vpcroutefailover.domain.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec.SourceDestCheck;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CandidateResolverTest {
    private static ObservedInstance instance(String id, String state, String zone, Map<String, String> tags) {
        return new ObservedInstance(id, state, zone, Instant.EPOCH, tags, List.of(
                new ObservedEni("eni-" + id + "-0", id, 0, zone, "s", "10.0.0.1", true, "in-use"),
                new ObservedEni("eni-" + id + "-1", id, 1, zone, "s", "10.0.1.1", true, "in-use")), false);
    }

    @Test
    void resolvesInstancesToTheEniAtTheDeviceIndexTagTargetsToEachMatchAndFallbacksLast() {
        Map<String, TargetSpec> targets = new LinkedHashMap<>();
        targets.put("nat-a", new TargetSpec.Instance("nat-a", "i-a", null, 1, List.of("ec2"), SourceDestCheck.FIX));
        targets.put("dns", new TargetSpec.Instance("dns", null, Map.of("role", "dns"), 0, List.of("ec2"), SourceDestCheck.VERIFY));
        targets.put("leg", new TargetSpec.Eni("leg", "eni-x", List.of(), SourceDestCheck.IGNORE));
        targets.put("gw", new TargetSpec.Gateway("gw", TargetKind.NAT_GATEWAY, "nat-0123", List.of()));
        RouteSpec route = new RouteSpec("r", Destination.parse("0.0.0.0/0"), List.of(new TableSelector.Main(false)),
                List.of("nat-a", "dns", "leg"), List.of("gw"), RoutePolicy.defaults());
        FailoverConfig config = new FailoverConfig("vpc-1", Map.of(), targets, List.of(route));
        List<ObservedInstance> instances = List.of(
                instance("i-a", "running", "az-a", Map.of()),
                instance("i-d2", "running", "az-b", Map.of("role", "dns")),
                instance("i-d1", "stopped", "az-a", Map.of("role", "dns")),
                instance("i-d3", "terminated", "az-a", Map.of("role", "dns")),
                instance("i-other", "running", "az-a", Map.of("role", "web")));
        List<ObservedEni> enis = List.of(new ObservedEni("eni-x", "i-appliance", 2, "az-c", "s", "10.0.2.2", false, "in-use"));

        CandidateResolver.Resolved resolved = CandidateResolver.resolve(config, instances, enis);
        List<Candidate> c = resolved.forRoute(route);

        assertThat(c).extracting(Candidate::targetName).containsExactly("nat-a", "dns", "dns", "leg", "gw");
        assertThat(c.get(0).target()).isEqualTo(RouteTarget.eni("eni-i-a-1", "i-a"));
        assertThat(c.get(0).zone()).isEqualTo("az-a");
        assertThat(c.get(1).key()).isEqualTo("i-d1");
        assertThat(c.get(2).key()).isEqualTo("i-d2");
        assertThat(c.get(3).target()).isEqualTo(RouteTarget.eni("eni-x", "i-appliance"));
        assertThat(c.get(4).fallback()).isTrue();
        assertThat(c.get(4).zone()).isNull();
        assertThat(c.subList(0, 4)).noneMatch(Candidate::fallback);
        assertThat(resolved.candidates()).hasSize(5).noneMatch(Candidate::fallback);
        // Stopped, and source/dest check on under 'verify': both block routing whatever the checks say.
        assertThat(resolved.blocked()).containsKeys("i-d1", "i-d2").doesNotContainKeys("i-a", "i-appliance");
        assertThat(resolved.blocked().get("i-d1")).contains("stopped");
    }

    @Test
    void aMissingInstanceOrEniYieldsNoCandidate() {
        Map<String, TargetSpec> targets = Map.of(
                "nat-a", new TargetSpec.Instance("nat-a", "i-missing", null, 0, List.of(), SourceDestCheck.FIX),
                "leg", new TargetSpec.Eni("leg", "eni-missing", List.of(), SourceDestCheck.IGNORE));
        RouteSpec route = new RouteSpec("r", Destination.parse("0.0.0.0/0"), List.of(), List.of("nat-a", "leg"), List.of(),
                RoutePolicy.defaults());
        FailoverConfig config = new FailoverConfig("vpc-1", Map.of(), targets, List.of(route));
        CandidateResolver.Resolved resolved = CandidateResolver.resolve(config, List.of(), List.of());
        assertThat(resolved.forRoute(route)).isEmpty();
        assertThat(resolved.candidates()).isEmpty();
        assertThat(resolved.notes()).extracting(PlanNote::message)
                .anySatisfy(m -> assertThat(m).contains("i-missing"))
                .anySatisfy(m -> assertThat(m).contains("eni-missing"));
    }

    @Test
    void tagWildcardsMatchAnyValue() {
        assertThat(CandidateResolver.tagsMatch(Map.of("role", "dns", "env", "x"), Map.of("role", "dns", "env", "*"))).isTrue();
        assertThat(CandidateResolver.tagsMatch(Map.of("role", "dns"), Map.of("env", "*"))).isFalse();
        assertThat(CandidateResolver.tagsMatch(Map.of("role", "web"), Map.of("role", "dns"))).isFalse();
    }
}
