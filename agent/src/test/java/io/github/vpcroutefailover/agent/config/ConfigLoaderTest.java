package io.github.vpcroutefailover.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.yaml.Durations;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConfigLoaderTest {
    private static ConfigException problems(String yaml) {
        try {
            ConfigLoader.parse(yaml, "test.yaml");
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected the configuration to be rejected:\n" + yaml);
    }

    @Test
    void fullExampleLoads() {
        AgentConfig c = ConfigLoader.parse("""
                instanceId: i-0123456789abcdef0
                interval: 1s
                region: eu-west-1
                maintenanceFile: /run/vrf/maintenance
                publish: {bufferCapacity: 500, apiCallTimeout: 2s, publishCheckState: false}
                shutdown: {publishTimeout: 3s, holdFor: 20s}
                checks:
                  - {name: nat, type: tcp, host: 10.0.0.1, port: 443, tls: {verify: false}, timeout: 500ms, rise: 3, fall: 2}
                  - {name: web, type: http, url: "http://127.0.0.1:8080/health", expectStatus: ["200-204", 301], bodyContains: ok}
                  - {name: svc, type: command, command: [/usr/bin/systemctl, is-active, nginx], interval: 5s, timeout: 2s}
                  - {name: gw, type: icmp, host: 10.0.0.1}
                  - name: peer
                    type: peer
                    probe: tcp
                    port: 22
                    peers:
                      - {id: i-a, address: 10.0.1.10}
                      - {id: i-b, address: 10.0.2.10}
                """, "t");
        assertThat(c.namespace()).isEqualTo("VpcRouteFailover");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maintenanceFile()).isEqualTo(Path.of("/run/vrf/maintenance"));
        assertThat(c.publish().bufferCapacity()).isEqualTo(500);
        assertThat(c.publish().publishCheckState()).isFalse();
        assertThat(c.shutdown().holdFor()).isEqualTo(Duration.ofSeconds(20));
        assertThat(c.checks()).hasSize(5);
        CheckSpec nat = c.checks().get(0);
        assertThat(nat.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(nat.rise()).isEqualTo(3);
        assertThat(((CheckSpec.Tcp) nat.target()).tls().verify()).isFalse();
        CheckSpec.Http web = (CheckSpec.Http) c.checks().get(1).target();
        assertThat(web.statusRanges()).hasSize(2);
        assertThat(web.statusRanges().get(0)).containsExactly(200, 204);
        assertThat(c.checks().get(2).interval()).isEqualTo(Duration.ofSeconds(5));
        CheckSpec.Peer peer = (CheckSpec.Peer) c.checks().get(4).target();
        assertThat(peer.port()).isEqualTo(22);
        assertThat(peer.peers()).extracting(CheckSpec.PeerAddress::id).containsExactly("i-a", "i-b");
    }

    @Test
    void defaultsFollowTheMetricContract() {
        AgentConfig c = ConfigLoader.parse("checks: [{name: a, type: tcp, host: 127.0.0.1, port: 80}]", "t");
        assertThat(c.namespace()).isEqualTo("VpcRouteFailover");
        assertThat(c.instanceId()).isNull();
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.maintenanceFile()).isEqualTo(Path.of("/etc/vpc-route-failover/maintenance"));
        assertThat(c.publish().publishCheckState()).isTrue();
        CheckSpec a = c.checks().get(0);
        assertThat(a.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(a.rise()).isEqualTo(2);
        assertThat(a.fall()).isEqualTo(3);
    }

    @Test
    void missingChecksNamesTheFieldAndTheFix() {
        assertThat(problems("interval: 1s").problems())
                .singleElement().asString().startsWith("checks: is required").contains("Fix:");
    }

    @Test
    void typoIsReportedAsUnknownSettingWithTheKnownOnes() {
        ConfigException e = problems("intervall: 1s\nchecks: [{name: a, type: tcp, host: h, port: 1}]");
        assertThat(e.problems()).singleElement().asString()
                .startsWith("intervall: unknown setting").contains("interval").contains("Fix:");
    }

    @Test
    void badPortNamesTheCheckPath() {
        ConfigException e = problems("checks: [{name: a, type: tcp, host: h, port: 70000}]");
        assertThat(e.problems()).singleElement().asString()
                .startsWith("checks[0].port: must be between 1 and 65535, got 70000").contains("Fix:");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigException e = problems("""
                interval: fast
                checks:
                  - {name: a, type: tcp, host: h}
                  - {name: a, type: http, url: "ftp://x/"}
                  - {name: c, type: smtp}
                  - {name: d, type: command, command: [systemctl, is-active, x]}
                  - {name: e, type: tcp, host: h, port: 1, interval: 1s, timeout: 2s}
                  - {name: agent, type: icmp, host: h}
                  - {name: p, type: peer, probe: tcp, peers: [{id: i-a}]}
                """);
        assertThat(e.problems()).anySatisfy(p -> assertThat(p).startsWith("interval: is not a duration: 'fast'").contains("500ms, 1s"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[0].port: is required"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[1].url: must be an absolute http or https URL").contains("Fix:"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[2].type: 'smtp' is not a check type").contains("[command, http, icmp, peer, tcp]"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[3].command: the program 'systemctl' must be an absolute path").contains("/usr/bin/systemctl"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[4].timeout: 2s is longer than the check's interval 1s"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[5].name: 'agent' is not allowed"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[6].port: is required when probe is tcp"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[6].peers[0].address: is required"));
        assertThat(e.getMessage()).startsWith("Invalid agent configuration test.yaml:");
    }

    @Test
    void duplicateNamesAreRejected() {
        ConfigException e = problems("checks: [{name: a, type: icmp, host: h}, {name: a, type: icmp, host: i}]");
        assertThat(e.problems()).singleElement().asString().contains("'a' is used twice").contains("Check dimension");
    }

    @Test
    void invalidYamlSaysWhere() {
        ConfigException e = problems("checks:\n  - name: a\n   type: tcp\n");
        assertThat(e.problems()).singleElement().asString().startsWith("is not valid YAML at line").contains("Fix:");
    }

    @Test
    void syntaxErrorPointsAtTheLineAndColumnAnEditorShows() {
        ConfigException e = problems("checks:\n  - name: a\n   type: tcp\n");
        assertThat(e.problems()).singleElement().asString()
                .startsWith("is not valid YAML at line 3, column 4: expected <block end>, but found '<block mapping start>'")
                .contains("(while parsing a block collection at line 2, column 3)")
                .doesNotContain("\n")
                .endsWith("Fix: correct the YAML syntax (indentation uses spaces, 'key: value').");
    }

    @Test
    void controlCharacterIsReportedWhereItIs() {
        assertThat(problems("checks: []\nregion: eu\u0001\n").problems()).singleElement().asString()
                .startsWith("is not valid YAML at line 2, column 11: special characters are not allowed (code point U+0001)");
    }

    @Test
    void duplicateKeyNamesTheKeyAndLine() {
        ConfigException nested = problems("""
                checks:
                  - name: a
                    type: tcp
                    type: http
                """);
        assertThat(nested.problems()).singleElement().asString()
                .startsWith("is not valid YAML at line 4, column 5: the key 'type' appears twice in the same mapping (which starts at line 2, column 5)")
                .contains("Fix: keep one 'type:' and remove the other");
        ConfigException top = problems("interval: 1s\nchecks: [{name: a, type: icmp, host: h}]\ninterval: 2s\n");
        assertThat(top.problems()).singleElement().asString().startsWith("is not valid YAML at line 3, column 1: the key 'interval' appears twice");
    }

    @Test
    void yamlOneOneBooleanWordsAreTextWhereTextIsExpected() {
        AgentConfig c = ConfigLoader.parse("""
                checks:
                  - {name: on, type: tcp, host: h, port: 1, send: yes, expect: off}
                  - {name: n, type: http, url: "http://h/", headers: {X-Flag: on}, bodyContains: no}
                """, "t");
        assertThat(c.checks().get(0).name()).isEqualTo("on");
        CheckSpec.Tcp tcp = (CheckSpec.Tcp) c.checks().get(0).target();
        assertThat(tcp.send()).isEqualTo("yes");
        assertThat(tcp.expect()).isEqualTo("off");
        CheckSpec.Http http = (CheckSpec.Http) c.checks().get(1).target();
        assertThat(http.headers()).containsEntry("X-Flag", "on");
        assertThat(http.bodyContains()).isEqualTo("no");
    }

    @Test
    void yamlOneOneBooleanWordsAreProblemsWhereABooleanIsExpected() {
        ConfigException e = problems("""
                publish: {publishCheckState: yes}
                checks: [{name: a, type: tcp, host: h, port: 1, tls: {verify: off}}]
                """);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("publish.publishCheckState: must be true or false, got 'yes'"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[0].tls.verify: must be true or false, got 'off'"))
                .hasSize(2);
    }

    @Test
    void documentThatIsNotAMappingIsRejected() {
        for (String yaml : new String[] {"- {name: a, type: icmp, host: h}\n", "checks\n", "42\n", "", "# only a comment\n", "~\n"}) {
            assertThat(problems(yaml).problems()).as(yaml).singleElement().asString()
                    .startsWith("must be a YAML mapping with at least 'checks:'").contains("Fix:");
        }
    }

    @Test
    void wholeNumberOutsideIntIsARangeProblemNotACrash() {
        ConfigException e = problems("""
                publish: {bufferCapacity: 99999999999999999999}
                checks:
                  - {name: a, type: tcp, host: h, port: 3000000000}
                  - {name: b, type: tcp, host: h, port: 80.0, rise: -4294967296}
                """);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("publish.bufferCapacity: must be between 100 and 1000000, got 99999999999999999999"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[0].port: must be between 1 and 65535, got 3000000000"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[1].port: must be a whole number, got '80.0'"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[1].rise: must be between 1 and 100, got -4294967296"))
                .hasSize(4);
    }

    @Test
    void keysThatAreNotTextAreReportedWithTheirPath() {
        ConfigException e = problems("""
                80: x
                checks:
                  - {name: a, type: icmp, host: h, true: 1}
                  - name: b
                    type: http
                    url: "http://h/"
                    headers: {~: x}
                    ? [x, y]
                    : z
                """);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("80: this key is a number, not text").contains("Fix:").contains("\"80\":"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[0].true: this key is a boolean, not text"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[1].headers.null: this key is null, not text"))
                .anySatisfy(p -> assertThat(p).startsWith("checks[1].[x, y]: this key is a list, not text"))
                .hasSize(4);
    }

    @Test
    void nullValuesKeepTheDefault() {
        AgentConfig c = ConfigLoader.parse("region: ~\nnamespace:\ninterval: null\nchecks: [{name: a, type: icmp, host: h}]", "t");
        assertThat(c.region()).isNull();
        assertThat(c.namespace()).isEqualTo("VpcRouteFailover");
        assertThat(c.interval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void wrongTypesAreExplained() {
        ConfigException e = problems("""
                publish: {bufferCapacity: lots, publishCheckState: yes please}
                shutdown: 5s
                checks: {name: a}
                """);
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("publish.bufferCapacity: must be a whole number, got 'lots'"))
                .anySatisfy(p -> assertThat(p).startsWith("publish.publishCheckState: must be true or false"))
                .anySatisfy(p -> assertThat(p).startsWith("shutdown: must be a mapping"))
                .anySatisfy(p -> assertThat(p).startsWith("checks: must be a list"));
    }

    @Test
    void relativeMaintenanceFileAndAwsNamespaceAreRejected() {
        ConfigException e = problems("maintenanceFile: maintenance\nnamespace: AWS/EC2\nchecks: [{name: a, type: icmp, host: h}]");
        assertThat(e.problems())
                .anySatisfy(p -> assertThat(p).startsWith("maintenanceFile: must be an absolute path"))
                .anySatisfy(p -> assertThat(p).startsWith("namespace: must not start with 'AWS/'"));
    }

    @Test
    void missingFileSaysHowToFixIt() {
        assertThatThrownBy(() -> ConfigLoader.load(Path.of("/nonexistent/agent.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/nonexistent/agent.yaml")
                .hasMessageContaining("file not found. Fix:");
    }

    @Test
    void durationsParse() {
        assertThat(Durations.parseOrNull("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parseOrNull("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(Durations.parseOrNull("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(Durations.parseOrNull("10")).isNull();
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ofSeconds(3))).isEqualTo("3s");
    }
}
