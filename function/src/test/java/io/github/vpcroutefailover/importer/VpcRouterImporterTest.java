package io.github.vpcroutefailover.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Round trip of a vpc-router route spec (its README's example, plus a route with hosts in another order). */
class VpcRouterImporterTest {
    static final String VPC = "vpc-0123456789abcdef0";
    static final Map<String, String> HOSTS = new LinkedHashMap<>(Map.of(
            "10.33.20.142", "i-0aaaaaaaaaaaaaaaa", "10.33.20.93", "i-0bbbbbbbbbbbbbbbb", "10.33.30.22", "i-0cccccccccccccccc"));
    static final List<Map<String, Object>> PRIVATE = List.of(Map.of("tags", Map.of("tier", "private")));

    static ImportResult spec() {
        return VpcRouterImporter.convert(VPC, "route_spec.conf", AwsnycastImporterTest.resource("vpc-router/route_spec.conf"), HOSTS, PRIVATE);
    }

    @Test
    void everyCidrKeepsItsHostsInOrderAndTheResultValidates() {
        FailoverConfig c = ConfigLoader.parse(spec().routesYaml(), "imported");
        assertThat(c.routes()).extracting(r -> r.destination().toString()).containsExactly("10.55.16.0/24", "10.66.17.0/24", "10.77.0.0/16");
        assertThat(instances(c, c.routes().get(0))).containsExactly("i-0aaaaaaaaaaaaaaaa");
        assertThat(instances(c, c.routes().get(1))).containsExactly("i-0bbbbbbbbbbbbbbbb", "i-0cccccccccccccccc");
        assertThat(instances(c, c.routes().get(2))).containsExactly("i-0cccccccccccccccc", "i-0aaaaaaaaaaaaaaaa");
        for (RouteSpec r : c.routes()) {
            assertThat(r.routeTables()).containsExactly(new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false));
            assertThat(r.policy().preempt()).as("moves only off a failed host").isFalse();
            assertThat(r.policy().failBack().enabled()).isFalse();
            assertThat(r.policy().whenNoneHealthy()).isEqualTo(RoutePolicy.WhenNoneHealthy.KEEP);
        }
        assertThat(spec().report().entries()).anySatisfy(e -> assertThat(e.kind()).isEqualTo(ImportReport.Kind.DROPPED))
                .anySatisfy(e -> assertThat(e.setting()).contains("ICMP"))
                .allSatisfy(e -> assertThat(e.why()).isNotBlank());
    }

    @Test
    void hostileSpecsAreRefusedWithTheSettingAndTheFix() {
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": [\"10.1.1.1\"], \"10.0.0.0/24\": [\"10.1.1.2\"]}"))
                .isInstanceOf(ImportException.class).hasMessageContaining("Duplicate");
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": [\"10.1.1.1\"]} {\"x\": 1}")).hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> convert("{\"10.0.0.0/33\": [\"10.1.1.1\"]}")).hasMessageContaining("not an IPv4 CIDR");
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": [\"10.1.1.256\"]}")).hasMessageContaining("not an IPv4 address");
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": [1e999999]}")).isInstanceOf(ImportException.class);
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": []}")).hasMessageContaining("at least one host");
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": [\"10.1.1.1\", \"10.1.1.1\"]}")).hasMessageContaining("twice");
        assertThatThrownBy(() -> convert("[]")).hasMessageContaining("JSON object");
        assertThatThrownBy(() -> convert("{\"10.0.0.0/24\": [\"10.9.9.9\"]}")).hasMessageContaining("--host").hasMessageContaining("10.9.9.9")
                .hasMessageContaining("describe-instances");
        assertThatThrownBy(() -> VpcRouterImporter.convert(VPC, "s", "{\"10.0.0.0/24\": [\"10.1.1.1\"]}", Map.of("10.1.1.1", "i-0aaaaaaaaaaaaaaaa"), List.of()))
                .hasMessageContaining("--route-table");
        assertThatThrownBy(() -> VpcRouterImporter.convert(VPC, "s", "{\"10.0.0.0/24\": [\"10.1.1.1\"]}", Map.of("10.1.1.1", "nat-a"), PRIVATE))
                .hasMessageContaining("not an instance id");
        assertThatThrownBy(() -> VpcRouterImporter.convert(VPC, "s", "[" .repeat(100) + "]".repeat(100), Map.of(), PRIVATE))
                .isInstanceOf(ImportException.class);
    }

    private static void convert(String json) {
        Map<String, String> hosts = Map.of("10.1.1.1", "i-0aaaaaaaaaaaaaaaa", "10.1.1.2", "i-0bbbbbbbbbbbbbbbb");
        VpcRouterImporter.convert(VPC, "spec.json", json, hosts, PRIVATE);
    }

    private static List<String> instances(FailoverConfig c, RouteSpec r) {
        return r.targets().stream().map(t -> ((TargetSpec.Instance) c.targets().get(t)).instanceId()).toList();
    }
}
