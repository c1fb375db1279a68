package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.yaml.Durations;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final Path SAMPLE = Path.of("../samples/config/nat-two-az.yaml");

    static FailoverConfig sample() {
        return ConfigLoader.load(SAMPLE);
    }

    @Test
    void loadsTheSampleWithEveryValue() {
        FailoverConfig c = sample();
        assertThat(c.vpcId()).isEqualTo("vpc-0123456789abcdef0");
        assertThat(c.checks()).containsOnlyKeys("nat-agent", "nat-forward", "nat-peer", "nat-tcp", "ec2", "dns-http");
        assertThat(c.checks().get("nat-agent")).isEqualTo(new CheckSpec.Agent("nat-agent", "egress-https", Duration.ofSeconds(30), 2, 3));
        assertThat(c.checks().get("nat-forward")).isEqualTo(new CheckSpec.Agent("nat-forward", "ip-forward", Duration.ofSeconds(30), 2, 3));
        assertThat(c.checks().get("nat-peer")).isEqualTo(new CheckSpec.Agent("nat-peer", "peer", Duration.ofSeconds(30), 2, 3, true));
        assertThat(c.checks().get("nat-tcp")).isEqualTo(new CheckSpec.Tcp("nat-tcp", 22, Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 2));
        assertThat(c.checks().get("ec2")).isEqualTo(new CheckSpec.Ec2Status("ec2", true, 2, 3));
        assertThat(c.checks().get("dns-http")).isEqualTo(new CheckSpec.Http("dns-http", "http", 8080, "/healthz", 200, "ok",
                Duration.ofSeconds(1), Duration.ofSeconds(2), 2, 3));

        assertThat(c.targets().keySet()).containsExactly("nat-a", "nat-b", "nat-gw", "dns-fleet");
        assertThat(c.targets().get("nat-a")).isEqualTo(new TargetSpec.Instance("nat-a", "i-0aaaaaaaaaaaaaaaa", Map.of(), 0,
                List.of("ec2", "nat-agent", "nat-forward", "nat-peer", "nat-tcp"), TargetSpec.SourceDestCheck.FIX));
        assertThat(c.targets().get("nat-gw")).isEqualTo(new TargetSpec.Gateway("nat-gw", TargetKind.NAT_GATEWAY, "nat-0cccccccccccccccc", List.of()));
        TargetSpec.Instance fleet = (TargetSpec.Instance) c.targets().get("dns-fleet");
        assertThat(fleet.byTags()).isTrue();
        assertThat(fleet.tags()).isEqualTo(Map.of("role", "dns"));
        assertThat(fleet.sourceDestCheck()).isEqualTo(TargetSpec.SourceDestCheck.VERIFY);

        assertThat(c.routes()).extracting(RouteSpec::name).containsExactly("default-egress", "dns-anycast", "ipv6-egress");
        RouteSpec egress = c.route("default-egress").orElseThrow();
        assertThat(egress.destination()).isEqualTo(Destination.parse("0.0.0.0/0"));
        assertThat(egress.routeTables()).containsExactly(new TableSelector.ByTags(Map.of("tier", "private"), Map.of("nat", "unmanaged"), false));
        assertThat(egress.targets()).containsExactly("nat-a", "nat-b");
        assertThat(egress.fallback()).containsExactly("nat-gw");
        assertThat(egress.policy()).isEqualTo(new RoutePolicy(true, RoutePolicy.FailBack.after(Duration.ofMinutes(5)), true,
                RoutePolicy.WhenNoneHealthy.FALLBACK));

        RouteSpec dns = c.route("dns-anycast").orElseThrow();
        assertThat(dns.destination().value()).isEqualTo("10.255.0.53/32");
        assertThat(dns.routeTables()).containsExactly(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false), new TableSelector.Main(true));
        assertThat(dns.policy()).isEqualTo(new RoutePolicy(true, RoutePolicy.FailBack.never(), false, RoutePolicy.WhenNoneHealthy.WITHDRAW));

        RouteSpec v6 = c.route("ipv6-egress").orElseThrow();
        assertThat(v6.destination()).isInstanceOf(Destination.Ipv6Cidr.class);
        assertThat(v6.routeTables()).containsExactly(new TableSelector.BySubnet("subnet-0dddddddddddddddd", false));
        assertThat(v6.policy()).isEqualTo(RoutePolicy.defaults());
    }

    @Test
    void appliesDefaults() {
        FailoverConfig c = ConfigLoader.load(Path.of("src/test/resources/config/minimal.yaml"));
        assertThat(c.checks().get("ec2")).isEqualTo(new CheckSpec.Ec2Status("ec2", true, CheckSpec.DEFAULT_RISE, CheckSpec.DEFAULT_FALL));
        RouteSpec r = c.routes().get(0);
        assertThat(r.policy()).isEqualTo(RoutePolicy.defaults());
        assertThat(r.fallback()).isEmpty();
        assertThat(r.routeTables()).containsExactly(new TableSelector.Main(false));
        TargetSpec.Instance t = (TargetSpec.Instance) c.targets().get("nat-a");
        assertThat(t.deviceIndex()).isZero();
        assertThat(t.sourceDestCheck()).isEqualTo(TargetSpec.SourceDestCheck.VERIFY);
    }

    @Test
    void probeAndAgentDefaults() {
        FailoverConfig c = ConfigLoader.parse("""
                version: 1
                vpc: vpc-01234567
                checks:
                  t: {type: tcp, port: 443}
                  h: {type: http, scheme: https}
                  g: {type: agent}
                  al: {type: alarm, alarmName: nat-a-down}
                targets:
                  tgw: {transitGateway: tgw-0123456789abcdef0, checks: [al]}
                  x: {eni: eni-0123456789abcdef0, checks: [t, h, g]}
                """, "inline");
        assertThat(c.checks().get("t")).isEqualTo(new CheckSpec.Tcp("t", 443, Duration.ofMillis(300), Duration.ofSeconds(1), 2, 3));
        assertThat(c.checks().get("h")).isEqualTo(new CheckSpec.Http("h", "https", 443, "/", 200, null, Duration.ofMillis(500), Duration.ofSeconds(1), 2, 3));
        assertThat(c.checks().get("g")).isEqualTo(new CheckSpec.Agent("g", "g", Duration.ofSeconds(30), 2, 3));
        assertThat(c.routes()).isEmpty();
        assertThat(c.targets().get("tgw")).isEqualTo(new TargetSpec.Gateway("tgw", TargetKind.TRANSIT_GATEWAY, "tgw-0123456789abcdef0", List.of("al")));
    }

    @Test
    void acceptsNat64AndIpv6ToEgressOnlyGatewayAndPrefixLists() {
        FailoverConfig c = ConfigLoader.parse("""
                version: 1
                vpc: vpc-01234567
                targets:
                  nat: {natGateway: nat-0123456789abcdef0}
                  eigw: {egressOnlyInternetGateway: eigw-0123456789abcdef0}
                  igw: {gateway: igw-0123456789abcdef0}
                  vgw: {gateway: vgw-01234567}
                routes:
                  - {name: nat64, destination: "64:ff9b::/96", routeTables: [{main: true}], targets: [nat]}
                  - {name: v6, destination: "::/0", routeTables: [{main: true}], targets: [eigw]}
                  - {name: pl, destination: pl-0123456789abcdef0, routeTables: [{main: true}], targets: [vgw], fallback: [igw]}
                """, "inline");
        assertThat(c.routes()).hasSize(3);
        assertThat(c.routes().get(2).destination()).isInstanceOf(Destination.PrefixList.class);
        assertThat(((TargetSpec.Gateway) c.targets().get("vgw")).kind()).isEqualTo(TargetKind.GATEWAY);
    }

    @Test
    void emptyConfigIsOneClearProblem() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse("# nothing\n", "empty.yaml"));
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("the config is empty"));
    }

    @Test
    void registersOneRouteAgainstTheLoadedConfig() throws Exception {
        JsonNode route = new ObjectMapper().readTree("""
                {"name": "pods", "destination": "100.64.0.0/16", "routeTables": [{"tags": {"tier": "pods"}}],
                 "targets": ["nat-b", "nat-a"], "policy": {"failBack": "never", "preempt": false}}
                """);
        RouteSpec r = ConfigLoader.parseRoute(route, sample());
        assertThat(r.name()).isEqualTo("pods");
        assertThat(r.targets()).containsExactly("nat-b", "nat-a");
        assertThat(r.policy()).isEqualTo(new RoutePolicy(true, RoutePolicy.FailBack.never(), false, RoutePolicy.WhenNoneHealthy.KEEP));
        assertThat(sample().withRoute(r).routes()).extracting(RouteSpec::name).containsExactly("default-egress", "dns-anycast", "ipv6-egress", "pods");
    }

    @Test
    void registeredRouteProblemsUseRouteRelativePaths() throws Exception {
        JsonNode route = new ObjectMapper().readTree("""
                {"name": "pods", "destination": "100.64.0.1/16", "routeTables": [{"tags": {}}],
                 "targets": ["nat-c"], "policy": {"whenNoneHealthy": "fallback"}, "colour": "red"}
                """);
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parseRoute(route, sample()));
        assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder(
                "colour", "destination", "routeTables[0].tags", "targets[0]", "policy.whenNoneHealthy");
        assertThat(e.problems()).allSatisfy(p -> assertThat(p.line()).isZero());
        assertThat(e.problems()).anySatisfy(p -> assertThat(p.message()).contains("unknown target 'nat-c'; did you mean 'nat-a'?"));
    }

    @Test
    void registeredRouteMustNotDuplicateAnotherRoutesTables() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parseRoute("""
                name: second-egress
                destination: 0.0.0.0/0
                routeTables:
                  - tags: {tier: private}
                    notTags: {nat: unmanaged}
                    optional: true
                targets: [nat-b]
                """, "register", sample()));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("routeTables[0]");
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.message()).contains("route 'default-egress'").contains("merge the two routes");
        });
        // Re-registering under the same name is an update, which the caller decides on.
        assertThat(ConfigLoader.parseRoute("{name: default-egress, destination: 0.0.0.0/0, routeTables: [{main: true}], targets: [nat-a]}",
                "register", sample()).name()).isEqualTo("default-egress");
    }

    @ParameterizedTest
    @CsvSource({"250ms,PT0.25S", "30s,PT30S", "5m,PT5M", "1h,PT1H", "1m30s,PT1M30S"})
    void parsesDurations(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
        assertThat(Durations.format(expected)).isEqualTo(text);
    }

    @Test
    void durationErrorsSayWhatIsAccepted() {
        assertThat(catchThrowableOfType(IllegalArgumentException.class, () -> Durations.parse("PT5M")))
                .hasMessageContaining("250ms, 30s, 5m, 1h");
    }
}
