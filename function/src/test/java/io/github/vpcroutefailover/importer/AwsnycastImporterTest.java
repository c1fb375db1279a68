package io.github.vpcroutefailover.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Round trip of a realistic two-AZ AWSnycast setup (README example, one file per NAT host): what each host announced
 * and how it decided must be what our config says, and the result must pass our own validation.
 */
class AwsnycastImporterTest {
    static final String VPC = "vpc-0123456789abcdef0";
    static final String A = "i-0aaaaaaaaaaaaaaaa";
    static final String B = "i-0bbbbbbbbbbbbbbbb";

    static String resource(String name) {
        try {
            return Files.readString(Path.of("src/test/resources/import", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static ImportResult twoNats() {
        return AwsnycastImporter.convert(VPC, List.of(
                new AwsnycastImporter.Host("nat-a", A, "nat-a.yaml", resource("awsnycast/nat-a.yaml")),
                new AwsnycastImporter.Host("nat-b", B, "nat-b.yaml", resource("awsnycast/nat-b.yaml"))));
    }

    @Test
    void theTwoAzNatSetupBecomesOneValidConfigWithTheSameRoutesHostsAndDecisions() {
        ImportResult r = twoNats();
        FailoverConfig c = ConfigLoader.parse(r.routesYaml(), "imported");

        assertThat(c.vpcId()).isEqualTo(VPC);
        assertThat(c.routes()).extracting(x -> x.destination().toString()).containsExactly("0.0.0.0/0", "192.168.1.1/32");

        RouteSpec egress = c.route("default-egress").orElseThrow();
        assertThat(instances(c, egress)).containsExactly(A, B);
        assertThat(egress.policy().whenNoneHealthy()).as("never_delete").isEqualTo(RoutePolicy.WhenNoneHealthy.KEEP);
        assertThat(egress.policy().zoneAffinity()).as("each host primary in its AZ").isTrue();
        assertThat(egress.policy().preempt()).isTrue();
        assertThat(egress.policy().failBack().enabled()).isTrue();
        // Each host's our_az and other_azs finders, deduplicated: 4 selectors, the backups optional (no_results_ok).
        assertThat(egress.routeTables()).hasSize(4).contains(
                new TableSelector.ByTags(Map.of("az", "eu-west-1a", "type", "private"), Map.of(), false),
                new TableSelector.ByTags(Map.of("type", "private"), Map.of("az", "eu-west-1a"), true));

        RouteSpec service = c.route("net-192.168.1.1_32").orElseThrow();
        assertThat(instances(c, service)).containsExactly(A, B);
        assertThat(service.policy().whenNoneHealthy()).as("deleted when unhealthy").isEqualTo(RoutePolicy.WhenNoneHealthy.WITHDRAW);

        // Our checks belong to targets: a host with two health checks becomes two targets.
        assertThat(c.targets()).containsOnlyKeys("nat-a-public", "nat-a-localservice", "nat-b-public", "nat-b-localservice");
        assertThat(((TargetSpec.Instance) c.targets().get("nat-a-public")).checks()).containsExactly("ec2", "public");
        assertThat(c.checks().get("public")).isEqualTo(new CheckSpec.Agent("public", "public", Duration.ofSeconds(30), 2, 10));
        assertThat(c.checks().get("localservice")).isEqualTo(new CheckSpec.Agent("localservice", "localservice", Duration.ofSeconds(30), 2, 2));
    }

    @Test
    void theHealthChecksBecomeAgentChecksOfTheSameKind() throws IOException {
        JsonNode agent = Yaml.readYaml(twoNats().agentYaml(), "agent.yaml");
        assertThat(agent.path("checks")).hasSize(2);
        JsonNode ping = agent.path("checks").get(0);
        assertThat(ping.path("name").asText()).isEqualTo("public");
        assertThat(ping.path("type").asText()).isEqualTo("icmp");
        assertThat(ping.path("host").asText()).isEqualTo("8.8.8.8");
        assertThat(ping.path("interval").asText()).isEqualTo("1s");
        JsonNode tcp = agent.path("checks").get(1);
        assertThat(tcp.path("type").asText()).isEqualTo("tcp");
        assertThat(tcp.path("host").asText()).isEqualTo("192.168.1.1");
        assertThat(tcp.path("port").asInt()).isEqualTo(80);
        assertThat(tcp.path("send").asText()).isEqualTo("HEAD / HTTP/1.0");
        assertThat(tcp.path("expect").asText()).isEqualTo("200 OK");
        assertThat(tcp.path("interval").asText()).isEqualTo("30s");
    }

    /** The agent module's SamplesTest loads this file with the agent's own config loader: the output is a valid agent config. */
    @Test
    void theAgentConfigIsTheOneTheAgentModuleValidates() {
        assertThat(twoNats().agentYaml()).isEqualTo(resource("awsnycast/expected-agent.yaml"));
    }

    @Test
    void theReportAccountsForEverySettingWithAReason() {
        ImportReport report = twoNats().report();
        Map<ImportReport.Kind, Long> kinds = report.entries().stream().collect(Collectors.groupingBy(ImportReport.Entry::kind, Collectors.counting()));
        assertThat(kinds).containsKeys(ImportReport.Kind.MAPPED, ImportReport.Kind.APPROXIMATED, ImportReport.Kind.DROPPED);
        assertThat(report.entries()).allSatisfy(e -> assertThat(e.why()).isNotBlank());
        Set<String> settings = report.entries().stream().map(ImportReport.Entry::setting).collect(Collectors.toSet());
        assertThat(settings).anySatisfy(s -> assertThat(s).contains("poll_time"))
                .anySatisfy(s -> assertThat(s).contains("remote_healthchecks.service"))
                .anySatisfy(s -> assertThat(s).contains("remote_healthcheck"))
                .anySatisfy(s -> assertThat(s).contains("routetables.other_azs.find"))
                .anySatisfy(s -> assertThat(s).contains("never_delete"))
                .anySatisfy(s -> assertThat(s).contains("healthchecks.public"));
        assertThat(twoNats().routesYaml()).startsWith("# Imported from AWSnycast").contains("# DROPPED").contains("poll_time");
    }

    @Test
    void backupOnlyHostsNeverTakeARouteFromAHealthyHolder() {
        String backup = """
                healthchecks:
                  dns: {type: tcp, destination: 127.0.0.1, rise: 3, fall: 2, every: 2, config: {port: 53}}
                routetables:
                  all_private:
                    find: {type: by_tag, config: {key: type, value: private}}
                    manage_routes:
                      - {cidr: 10.255.0.53/32, instance: SELF, healthcheck: dns, if_unhealthy: true}
                """;
        ImportResult r = AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("dns-a", A, "a.yaml", backup),
                new AwsnycastImporter.Host("dns-b", B, "b.yaml", backup)));
        RouteSpec dns = ConfigLoader.parse(r.routesYaml(), "imported").routes().get(0);
        assertThat(dns.policy().preempt()).isFalse();
        assertThat(dns.policy().failBack().enabled()).isFalse();
        assertThat(dns.policy().zoneAffinity()).isFalse();
        assertThat(dns.targets()).containsExactly("dns-a", "dns-b");
    }

    @Test
    void hostileAndIncompleteInputIsRefusedWithTheFix() {
        String ok = resource("awsnycast/nat-a.yaml");
        assertThatThrownBy(() -> AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("nat-a", null, "nat-a.yaml", ok))))
                .isInstanceOf(ImportException.class).hasMessageContaining("--instance NAME=i-");
        assertThatThrownBy(() -> AwsnycastImporter.convert(null, List.of(new AwsnycastImporter.Host("nat-a", A, "nat-a.yaml", ok))))
                .hasMessageContaining("--vpc");
        assertThatThrownBy(() -> AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("x", A, "dup.yaml",
                "healthchecks: {}\nhealthchecks: {}\nroutetables: {}\n")))).hasMessageContaining("dup.yaml").hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("x", A, "two.yaml",
                ok + "\n---\npoll_time: 1\n")))).hasMessageContaining("two.yaml").hasMessageContaining("second YAML document");
        assertThatThrownBy(() -> AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("x", A, "dangling.yaml", """
                routetables:
                  t:
                    find: {type: by_tag, config: {key: a, value: b}}
                    manage_routes: [{cidr: 0.0.0.0/0, healthcheck: nope}]
                """)))).hasMessageContaining("no health check named 'nope'");
        assertThatThrownBy(() -> AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("x", A, "big.yaml",
                "# " + "x".repeat(Yaml.MAX_BYTES) + "\n")))).hasMessageContaining("larger than");
        assertThatThrownBy(() -> AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("x", A, "a.yaml", ok),
                new AwsnycastImporter.Host("x", B, "b.yaml", ok)))).hasMessageContaining("used twice");
    }

    @Test
    void aFinderWeCannotExpressDropsItsRoutesAndSaysSo() {
        ImportResult r = AwsnycastImporter.convert(VPC, List.of(new AwsnycastImporter.Host("h", A, "h.yaml", """
                routetables:
                  regexp:
                    find: {type: by_tag_regexp, config: {key: Name, regexp: "private.*"}}
                    manage_routes: [{cidr: 10.1.0.0/16}]
                  main:
                    find: {type: main}
                    manage_routes: [{cidr: 10.2.0.0/16}]
                """)));
        FailoverConfig c = ConfigLoader.parse(r.routesYaml(), "imported");
        assertThat(c.routes()).extracting(x -> x.destination().toString()).containsExactly("10.2.0.0/16");
        assertThat(c.routes().get(0).routeTables()).containsExactly(new TableSelector.Main(false));
        assertThat(r.report().entries()).anySatisfy(e -> {
            assertThat(e.kind()).isEqualTo(ImportReport.Kind.DROPPED);
            assertThat(e.setting()).contains("by_tag_regexp");
        });
    }

    private static List<String> instances(FailoverConfig c, RouteSpec r) {
        return r.targets().stream().map(t -> ((TargetSpec.Instance) c.targets().get(t)).instanceId()).distinct().toList();
    }
}
