package io.github.vpcroutefailover.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.check.CheckSnapshot;
import io.github.vpcroutefailover.agent.publish.MetricDatum.Dimension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MetricContractTest {
    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    private static Map<String, String> dims(MetricDatum d) {
        return d.dimensions().stream().collect(Collectors.toMap(Dimension::name, Dimension::value));
    }

    @Test
    void everyDatumIsHighResolutionWithInstanceAndCheckDimensions() {
        List<MetricDatum> data = new MetricContract("i-1", true).cycle(AT,
                List.of(new CheckSnapshot("web", true, 12.5, true, "ok", 1), new CheckSnapshot("db", false, 1000, false, "timed out", 4)),
                false, 0);
        assertThat(data).extracting(MetricDatum::metricName)
                .containsExactly("CheckResult", "CheckLatency", "CheckState", "CheckResult", "CheckLatency", "CheckState", "Heartbeat", "Draining");
        assertThat(data).allSatisfy(d -> {
            assertThat(d.storageResolution()).isEqualTo(1);
            assertThat(d.timestamp()).isEqualTo(AT);
            assertThat(d.dimensions()).extracting(Dimension::name).containsExactly("InstanceId", "Check");
            assertThat(dims(d)).containsEntry("InstanceId", "i-1");
        });
        MetricDatum webResult = data.get(0);
        assertThat(dims(webResult)).containsEntry("Check", "web");
        assertThat(webResult.value()).isEqualTo(1.0);
        assertThat(webResult.unit()).isEqualTo(MetricUnit.NONE);
        assertThat(data.get(1).unit()).isEqualTo(MetricUnit.MILLISECONDS);
        assertThat(data.get(1).value()).isEqualTo(12.5);
        assertThat(data.get(3).value()).isEqualTo(0.0);
        assertThat(data.get(5).value()).isEqualTo(0.0);
        assertThat(dims(data.get(6))).containsEntry("Check", "agent");
        assertThat(data.get(6).value()).isEqualTo(1.0);
        assertThat(data.get(7).value()).isEqualTo(0.0);
    }

    @Test
    void drainingAndDropsAreReported() {
        List<MetricDatum> data = new MetricContract("i-1", false).cycle(AT, List.of(new CheckSnapshot("web", true, 1, true, "ok", 1)), true, 7);
        assertThat(data).extracting(MetricDatum::metricName)
                .containsExactly("CheckResult", "CheckLatency", "Heartbeat", "Draining", "DroppedDatums");
        assertThat(data.get(3).value()).isEqualTo(1.0);
        assertThat(data.get(4).value()).isEqualTo(7.0);
        assertThat(data.get(4).unit()).isEqualTo(MetricUnit.COUNT);
    }
}
