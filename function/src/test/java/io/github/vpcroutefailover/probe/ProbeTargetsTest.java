package io.github.vpcroutefailover.probe;

import static io.github.vpcroutefailover.probe.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.model.Candidate;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProbeTargetsTest {
    private static final CheckSpec.Tcp NAT_TCP = tcp("nat-tcp", 22, 1000, 2000, 2, 2);
    private static final CheckSpec.Http DNS_HTTP = new CheckSpec.Http("dns-http", "http", 8080, "/healthz", 200, "ok",
            Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 3);
    private static final Map<String, CheckSpec> CHECKS = checks();

    private static Map<String, CheckSpec> checks() {
        Map<String, CheckSpec> m = new LinkedHashMap<>();
        m.put("ec2", new CheckSpec.Ec2Status("ec2", true, 2, 3));
        m.put("nat-agent", new CheckSpec.Agent("nat-agent", "egress", Duration.ofSeconds(30), 2, 3));
        m.put("nat-tcp", NAT_TCP);
        m.put("dns-http", DNS_HTTP);
        return m;
    }

    private static ObservedEni eni(String id, String instance, String ip) {
        return new ObservedEni(id, instance, 0, "eu-west-1a", "subnet-1", ip, false, "in-use");
    }

    @Test
    void resolvesEachCandidateToItsEnisPrivateIpWithOnlyTheProbeChecks() {
        List<Candidate> candidates = List.of(
                new Candidate("nat-a", RouteTarget.eni("eni-a", "i-a"), "eu-west-1a", List.of("ec2", "nat-agent", "nat-tcp"), false),
                new Candidate("nat-b", RouteTarget.eni("eni-b", "i-b"), "eu-west-1b", List.of("ec2", "nat-agent", "nat-tcp"), false),
                // The same instance under a second route, listing another check: one target with both checks.
                new Candidate("nat-a-dns", RouteTarget.eni("eni-a", "i-a"), "eu-west-1a", List.of("nat-tcp", "dns-http"), false),
                new Candidate("nat-gw", RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0c"), null, List.of(), true));

        List<ProbeTarget> targets = ProbeTargets.resolve(candidates, CHECKS,
                List.of(eni("eni-a", "i-a", "10.0.1.10"), eni("eni-b", "i-b", "10.0.2.10")));

        assertThat(targets).containsExactly(
                new ProbeTarget("i-a", "10.0.1.10", List.of(NAT_TCP, DNS_HTTP)),
                new ProbeTarget("i-b", "10.0.2.10", List.of(NAT_TCP)));
    }

    @Test
    void anUnobservedEniOrAGatewayLeavesTheAddressUnknown() {
        List<Candidate> candidates = List.of(
                new Candidate("nat-a", RouteTarget.eni("eni-gone", "i-a"), "eu-west-1a", List.of("nat-tcp"), false),
                new Candidate("tgw", RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY, "tgw-1"), null, List.of("nat-tcp"), false));

        List<ProbeTarget> targets = ProbeTargets.resolve(candidates, CHECKS, List.of());

        assertThat(targets).containsExactly(
                new ProbeTarget("i-a", null, List.of(NAT_TCP)),
                new ProbeTarget("tgw-1", null, List.of(NAT_TCP)));
    }
}
