package io.github.vpcroutefailover.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmfWriterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<String> batches = new ArrayList<>();
    private final EmfWriter writer = new EmfWriter("Ns", batches::add);

    @Test
    void anEmptyDimensionMapIsTheExplicitlyEmptyDimensionSet() throws Exception {
        JsonNode doc = JSON.readTree(writer.line(Instant.ofEpochMilli(42), Map.of(),
                List.of(new EmfWriter.Metric("Failovers", 2, "Count")), Map.of()));
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Dimensions").toString()).isEqualTo("[[]]");
        assertThat(doc.at("/_aws/Timestamp").asLong()).isEqualTo(42);
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Namespace").asText()).isEqualTo("Ns");
        assertThat(doc.get("Failovers").asInt()).isEqualTo(2);
    }

    @Test
    void dimensionsKeepTheirOrderAndNullPropertiesAreLeftOut() throws Exception {
        Map<String, String> dims = new LinkedHashMap<>();
        dims.put("Target", "i-1");
        dims.put("Check", "tcp");
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("Address", null);
        props.put("Detail", "ok");
        JsonNode doc = JSON.readTree(writer.line(Instant.EPOCH, dims,
                List.of(new EmfWriter.Metric("ProbeResult", 1, "None"), new EmfWriter.Metric("ProbeLatency", 2.5, "Milliseconds")), props));
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Dimensions/0").toString()).isEqualTo("[\"Target\",\"Check\"]");
        assertThat(doc.at("/_aws/CloudWatchMetrics/0/Metrics").toString())
                .isEqualTo("[{\"Name\":\"ProbeResult\",\"Unit\":\"None\"},{\"Name\":\"ProbeLatency\",\"Unit\":\"Milliseconds\"}]");
        assertThat(doc.get("ProbeLatency").asDouble()).isEqualTo(2.5);
        assertThat(doc.has("Address")).isFalse();
        assertThat(doc.get("Detail").asText()).isEqualTo("ok");
    }

    @Test
    void aBatchIsOneWriteOfNewlineTerminatedLines() {
        writer.write(List.of("{\"a\":1}", "{\"b\":2}"));
        writer.write(List.of());
        assertThat(batches).containsExactly("{\"a\":1}\n{\"b\":2}\n");
    }
}
