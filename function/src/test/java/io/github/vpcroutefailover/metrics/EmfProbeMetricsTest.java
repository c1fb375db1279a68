package io.github.vpcroutefailover.metrics;

import static io.github.vpcroutefailover.probe.ProbeFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.ProbeSample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EmfProbeMetricsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private List<JsonNode> lines() throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : bytes.toString(StandardCharsets.UTF_8).split("\n")) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    @Test
    void writesOneEmfDocumentPerProbe() throws Exception {
        EmfProbeMetrics metrics = new EmfProbeMetrics(out, "VpcRouteFailover", "eu-west-1a");

        metrics.publish(List.of(
                new ProbeSample("i-0aaa", "nat-tcp", "10.0.1.5", T0, ProbeResult.pass(Duration.ofNanos(2_500_000), "connected")),
                new ProbeSample("i-0bbb", "nat-tcp", "10.0.2.5", T0, ProbeResult.fail(Duration.ofSeconds(1), "timed out after 1000 ms"))));

        List<JsonNode> docs = lines();
        assertThat(docs).hasSize(2);
        JsonNode pass = docs.get(0);
        JsonNode directive = pass.at("/_aws/CloudWatchMetrics/0");
        assertThat(pass.at("/_aws/Timestamp").asLong()).isEqualTo(T0.toEpochMilli());
        assertThat(directive.get("Namespace").asText()).isEqualTo("VpcRouteFailover");
        assertThat(directive.at("/Dimensions/0").toString()).isEqualTo("[\"Target\",\"Check\",\"ProbeAz\"]");
        assertThat(directive.get("Metrics").toString())
                .isEqualTo("[{\"Name\":\"ProbeResult\",\"Unit\":\"None\"},{\"Name\":\"ProbeLatency\",\"Unit\":\"Milliseconds\"}]");
        assertThat(pass.get("Target").asText()).isEqualTo("i-0aaa");
        assertThat(pass.get("Check").asText()).isEqualTo("nat-tcp");
        assertThat(pass.get("ProbeAz").asText()).isEqualTo("eu-west-1a");
        assertThat(pass.get("ProbeResult").asInt()).isEqualTo(1);
        assertThat(pass.get("ProbeLatency").asDouble()).isEqualTo(2.5);
        assertThat(pass.get("Address").asText()).isEqualTo("10.0.1.5");

        JsonNode fail = docs.get(1);
        assertThat(fail.get("ProbeResult").asInt()).isZero();
        assertThat(fail.has("ProbeLatency")).as("a timeout is not a latency").isFalse();
        assertThat(fail.at("/_aws/CloudWatchMetrics/0/Metrics").size()).isEqualTo(1);
        assertThat(fail.get("Detail").asText()).isEqualTo("timed out after 1000 ms");
    }

    @Test
    void everyDeclaredDimensionAndMetricIsPresentAtTheRoot() throws Exception {
        new EmfProbeMetrics(out, "Custom", null).publish(List.of(
                new ProbeSample("eni-1", "web", null, T0, ProbeResult.pass(Duration.ofMillis(1), "HTTP 200")),
                new ProbeSample("eni-2", "web", null, T0, ProbeResult.fail(Duration.ZERO, "no private IP known"))));

        for (JsonNode doc : lines()) {
            JsonNode directive = doc.at("/_aws/CloudWatchMetrics/0");
            assertThat(directive.get("Namespace").asText()).isEqualTo("Custom");
            directive.at("/Dimensions/0").forEach(d -> assertThat(doc.get(d.asText()).isTextual()).as(d.asText()).isTrue());
            directive.get("Metrics").forEach(m -> assertThat(doc.get(m.get("Name").asText()).isNumber()).isTrue());
            assertThat(doc.has("ProbeAz")).isFalse();
            assertThat(doc.has("Address")).isFalse();
        }
    }

    @Test
    void publishesNothingForAnEmptyRound() {
        new EmfProbeMetrics(out, "VpcRouteFailover", "eu-west-1a").publish(List.of());

        assertThat(bytes.size()).isZero();
    }
}
