package io.github.vpcroutefailover.cdk;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test fixtures: the validated config model of samples/config/nat-two-az.yaml, written out as records because
 * the YAML parser is developed in parallel. {@code RealConfigParsingTest} proves (once enabled) that the parser
 * produces a stack identical to the one built from this fixture, so the fixture cannot drift from the YAML.
 */
final class SampleConfigs {
    private SampleConfigs() {
    }

    static final String VPC = "vpc-0123456789abcdef0";
    static final String NAT_A = "i-0aaaaaaaaaaaaaaaa";
    static final String NAT_B = "i-0bbbbbbbbbbbbbbbb";

    static Path repoRoot() {
        return Path.of(System.getProperty("vrf.repoRoot", "..")).toAbsolutePath().normalize();
    }

    static Path natTwoAzYaml() {
        return repoRoot().resolve("samples/config/nat-two-az.yaml");
    }

    /** nat-two-az.yaml as the parser must read it (defaults: rise 2, fall 3). */
    static FailoverConfig natTwoAz() {
        Map<String, CheckSpec> checks = new LinkedHashMap<>();
        checks.put("nat-agent", new CheckSpec.Agent("nat-agent", "egress", Duration.ofSeconds(30), 2, 3));
        checks.put("nat-tcp", new CheckSpec.Tcp("nat-tcp", 22, Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 2));
        checks.put("ec2", new CheckSpec.Ec2Status("ec2", true, CheckSpec.DEFAULT_RISE, CheckSpec.DEFAULT_FALL));
        checks.put("dns-http", new CheckSpec.Http("dns-http", "http", 8080, "/healthz", 200, "ok", Duration.ofSeconds(1),
                Duration.ofSeconds(2), CheckSpec.DEFAULT_RISE, CheckSpec.DEFAULT_FALL));

        Map<String, TargetSpec> targets = new LinkedHashMap<>();
        targets.put("nat-a", new TargetSpec.Instance("nat-a", NAT_A, Map.of(), 0, List.of("ec2", "nat-agent", "nat-tcp"),
                TargetSpec.SourceDestCheck.FIX));
        targets.put("nat-b", new TargetSpec.Instance("nat-b", NAT_B, Map.of(), 0, List.of("ec2", "nat-agent", "nat-tcp"),
                TargetSpec.SourceDestCheck.FIX));
        targets.put("nat-gw", new TargetSpec.Gateway("nat-gw", TargetKind.NAT_GATEWAY, "nat-0ccccccccccccccccc", List.of()));
        targets.put("dns-fleet", new TargetSpec.Instance("dns-fleet", null, Map.of("role", "dns"), 0, List.of("ec2", "dns-http"),
                TargetSpec.SourceDestCheck.VERIFY));

        RouteSpec egress = new RouteSpec("default-egress", Destination.parse("0.0.0.0/0"),
                List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of("nat", "unmanaged"), false)),
                List.of("nat-a", "nat-b"), List.of("nat-gw"),
                new RoutePolicy(true, RoutePolicy.FailBack.after(Duration.ofMinutes(5)), true, RoutePolicy.WhenNoneHealthy.FALLBACK));
        RouteSpec dns = new RouteSpec("dns-anycast", Destination.parse("10.255.0.53"),
                List.of(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false), new TableSelector.Main(true)),
                List.of("dns-fleet"), List.of(),
                new RoutePolicy(true, RoutePolicy.FailBack.never(), false, RoutePolicy.WhenNoneHealthy.WITHDRAW));
        RouteSpec ipv6 = new RouteSpec("ipv6-egress", Destination.parse("::/0"),
                List.of(new TableSelector.BySubnet("subnet-0dddddddddddddddd", false)),
                List.of("nat-a", "nat-b"), List.of(),
                new RoutePolicy(true, RoutePolicy.FailBack.after(Duration.ofMinutes(5)), true, RoutePolicy.WhenNoneHealthy.KEEP));
        return new FailoverConfig(VPC, checks, targets, List.of(egress, dns, ipv6));
    }

    /**
     * The NAT pair of nat-two-az.yaml alone: every instance named by id, tables by id, nothing that needs
     * ModifyNetworkInterfaceAttribute. The case where event rules can list exactly the managed instances.
     */
    static FailoverConfig natPairByIds() {
        Map<String, CheckSpec> checks = new LinkedHashMap<>();
        checks.put("nat-agent", new CheckSpec.Agent("nat-agent", "egress", Duration.ofSeconds(30), 2, 3));
        checks.put("ec2", new CheckSpec.Ec2Status("ec2", true, CheckSpec.DEFAULT_RISE, CheckSpec.DEFAULT_FALL));
        checks.put("nat-alarm", new CheckSpec.Alarm("nat-alarm", "team-nat-packet-loss", CheckSpec.DEFAULT_RISE, CheckSpec.DEFAULT_FALL));
        Map<String, TargetSpec> targets = new LinkedHashMap<>();
        targets.put("nat-a", new TargetSpec.Instance("nat-a", NAT_A, Map.of(), 0, List.of("ec2", "nat-agent", "nat-alarm"),
                TargetSpec.SourceDestCheck.VERIFY));
        targets.put("nat-b", new TargetSpec.Instance("nat-b", NAT_B, Map.of(), 0, List.of("ec2", "nat-agent"),
                TargetSpec.SourceDestCheck.VERIFY));
        RouteSpec egress = new RouteSpec("default-egress", Destination.parse("0.0.0.0/0"),
                List.of(new TableSelector.ById("rtb-0aaaaaaaaaaaaaaaa", false), new TableSelector.ById("rtb-0bbbbbbbbbbbbbbbb", false)),
                List.of("nat-a", "nat-b"), List.of(), RoutePolicy.defaults());
        return new FailoverConfig(VPC, checks, targets, List.of(egress));
    }
}
