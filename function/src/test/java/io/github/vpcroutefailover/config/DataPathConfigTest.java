package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.DataPathCheck;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The {@code type: data-path} check: what it accepts, and hostile or wrong input refused with the field named. */
class DataPathConfigTest {
    static String config(String check) {
        return """
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  tcp: {type: tcp, port: 22}
                  egress: %s
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
                  nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [tcp]}
                routes:
                  - name: default-egress
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
                """.formatted(check);
    }

    static List<ConfigProblem> problems(String check) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(config(check), "dp.yaml"));
        assertThat(e).as("refused: " + check).isNotNull();
        return e.problems();
    }

    @Test
    void aDataPathCheckWithDefaultAndPerSubnetAndPerZoneEndpointsParses() {
        FailoverConfig c = ConfigLoader.parse(config("""
                {type: data-path, routes: [default-egress], endpoints: ["https://checkip.amazonaws.com/", "tcp://1.1.1.1:443"],
                         paths: [{subnet: subnet-0123456789abcdef0, endpoints: ["http://198.19.1.200/x?y=1"]}, {zone: us-east-1b, endpoints: ["tcp://[2001:db8::1]:443"]}],
                         timeout: 800ms, interval: 1s, rise: 2, fall: 2}"""), "dp.yaml");
        CheckSpec.DataPath dp = (CheckSpec.DataPath) c.checks().get("egress");
        assertThat(dp.routes()).containsExactly("default-egress");
        assertThat(dp.endpoints()).extracting(DataPathCheck.Endpoint::uri)
                .containsExactly("https://checkip.amazonaws.com:443/", "tcp://1.1.1.1:443");
        assertThat(dp.timeout()).isEqualTo(Duration.ofMillis(800));
        assertThat(dp.forgetAfter()).isEqualTo(Duration.ofMinutes(10));
        assertThat(dp.settle()).isEqualTo(Duration.ofSeconds(2));
        assertThat(dp.endpointsFor(Set.of("subnet-0123456789abcdef0"), "us-east-1b")).extracting(DataPathCheck.Endpoint::uri)
                .as("a subnet entry wins over a zone entry").containsExactly("http://198.19.1.200:80/x?y=1");
        assertThat(dp.endpointsFor(Set.of("subnet-0aaaaaaaaaaaaaaaa"), "us-east-1b")).extracting(DataPathCheck.Endpoint::uri)
                .containsExactly("tcp://[2001:db8::1]:443");
        assertThat(dp.endpointsFor(Set.of(), "us-east-1c")).isEqualTo(dp.endpoints());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ftp://example.com/                 | checks.egress.endpoints[0] | must start with tcp://, http:// or https://",
            "https://user:secret@example.com/   | checks.egress.endpoints[0] | carries user info",
            "tcp://1.1.1.1                      | checks.egress.endpoints[0] | needs a port",
            "tcp://1.1.1.1:443/path             | checks.egress.endpoints[0] | has no path or query",
            "https://example.com/#top           | checks.egress.endpoints[0] | has a fragment",
            "http://exa mple.com/               | checks.egress.endpoints[0] | space or control character",
            "https:///nohost                    | checks.egress.endpoints[0] | no valid host",
            "http://example.com:0/              | checks.egress.endpoints[0] | port 0",
            "example.com                        | checks.egress.endpoints[0] | must start with tcp://",
    })
    void badEndpointsAreRefusedNamingTheEntry(String url, String path, String message) {
        List<ConfigProblem> ps = problems("{type: data-path, routes: [default-egress], endpoints: [\"" + url + "\"]}");
        assertThat(ps).hasSize(1);
        assertThat(ps.get(0).path()).isEqualTo(path);
        assertThat(ps.get(0).message()).contains(message).doesNotContain("secret");
    }

    @Test
    void controlCharactersAreRefusedAndShownEscaped() {
        List<ConfigProblem> ps = problems("{type: data-path, routes: [default-egress], endpoints: [\"http://a.example/\\u0007\"]}");
        assertThat(ps).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("checks.egress.endpoints[0]");
            assertThat(p.message()).contains("control character").contains("\\u0007").doesNotContain("\u0007");
        });
    }

    @Test
    void hugeListsAndHugeUrlsAreRefused() {
        String nine = IntStream.range(0, 9).mapToObj(i -> "\"tcp://10.0.0." + i + ":443\"").collect(Collectors.joining(", "));
        assertThat(problems("{type: data-path, routes: [default-egress], endpoints: [" + nine + "]}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("more than the 8 allowed"));
        String longUrl = "\"https://example.com/" + "a".repeat(3000) + "\"";
        assertThat(problems("{type: data-path, routes: [default-egress], endpoints: [" + longUrl + "]}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("more than the 2048 allowed"));
        String paths = IntStream.range(0, 65).mapToObj(i -> "{zone: us-east-1a, endpoints: [\"tcp://1.1.1.1:443\"]}").collect(Collectors.joining(", "));
        assertThat(problems("{type: data-path, routes: [default-egress], paths: [" + paths + "]}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("more than the 64 allowed"));
    }

    @Test
    void duplicatesAreRefusedNamingTheSecondEntry() {
        assertThat(problems("{type: data-path, routes: [default-egress], endpoints: [\"tcp://1.1.1.1:443\", \"TCP://1.1.1.1:443\"]}"))
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("checks.egress.endpoints[1]");
                    assertThat(p.message()).contains("listed twice");
                });
        assertThat(problems("{type: data-path, routes: [default-egress, default-egress], endpoints: [\"tcp://1.1.1.1:443\"]}"))
                .singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("checks.egress.routes[1]"));
        assertThat(problems("{type: data-path, routes: [default-egress], paths: [{zone: us-east-1a, endpoints: [\"tcp://1.1.1.1:443\"]},"
                + " {zone: us-east-1a, endpoints: [\"tcp://1.0.0.1:443\"]}]}"))
                .singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("checks.egress.paths[1]"));
    }

    @Test
    void wrongShapesAndReferencesAreRefused() {
        assertThat(problems("{type: data-path, routes: [default-egres], endpoints: [\"tcp://1.1.1.1:443\"]}"))
                .singleElement().satisfies(p -> {
                    assertThat(p.path()).isEqualTo("checks.egress.routes[0]");
                    assertThat(p.message()).contains("unknown route 'default-egres'").contains("default-egress");
                });
        assertThat(problems("{type: data-path, routes: [default-egress]}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("needs 'endpoints'"));
        assertThat(problems("{type: data-path, endpoints: [\"tcp://1.1.1.1:443\"]}"))
                .singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("checks.egress.routes"));
        assertThat(problems("{type: data-path, routes: [default-egress], endpoints: [\"tcp://1.1.1.1:443\"], timeout: 2s, interval: 2s}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("must be shorter than interval"));
        assertThat(problems("{type: data-path, routes: [default-egress], paths: [{zone: mars, subnet: subnet-0123456789abcdef0, endpoints: [\"tcp://1.1.1.1:443\"]}]}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("exactly one of 'subnet'"));
        assertThat(problems("{type: data-path, routes: [default-egress], endpoints: [\"tcp://1.1.1.1:443\"], endpoint: [x]}"))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("unknown key 'endpoint'"));
        assertThat(problems("{type: data-path, routes: [default-egress], endpoints: [\"tcp://1.1.1.1:443\"], forgetAfter: 1s}"))
                .singleElement().satisfies(p -> assertThat(p.path()).isEqualTo("checks.egress.forgetAfter"));
    }

    @Test
    void aTargetCannotListADataPathCheck() {
        String yaml = config("{type: data-path, routes: [default-egress], endpoints: [\"tcp://1.1.1.1:443\"]}")
                .replace("checks: [tcp]}\n  nat-b", "checks: [tcp, egress]}\n  nat-b");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "dp.yaml"));
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("targets.nat-a.checks[1]");
            assertThat(p.message()).contains("bound to routes");
        });
    }

    @ParameterizedTest(name = "interval {0}: default timeout {1} ms")
    @CsvSource({"1s, 500", "2s, 1000", "10s, 1000", "600ms, 300", "100ms, 50"})
    void theDefaultTimeoutIsHalfTheIntervalAtMostOneSecondSoItIsValidAtEveryInterval(String interval, long timeoutMs) {
        // A fixed 1 s default was refused at interval 1s ("timeout must be shorter than interval").
        FailoverConfig c = ConfigLoader.parse(config("{type: data-path, routes: [default-egress], endpoints: [\"tcp://1.1.1.1:443\"], interval: "
                + interval + ", forgetAfter: 1h}"), "dp.yaml");
        assertThat(((CheckSpec.DataPath) c.checks().get("egress")).timeout()).isEqualTo(Duration.ofMillis(timeoutMs));
    }
}
