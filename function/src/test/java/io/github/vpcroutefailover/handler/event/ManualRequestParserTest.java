package io.github.vpcroutefailover.handler.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ManualRequestParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-21T16:30:00Z");

    private static ManualRequest parse(String json) throws Exception {
        return ManualRequestParser.parse(JSON.readTree(json), NOW);
    }

    @Test
    void pinForADurationExpiresRelativeToNow() throws Exception {
        ManualRequest r = parse("{\"action\":\"pin\",\"route\":\"default-egress\",\"to\":\"nat-b\",\"for\":\"90m\",\"force\":true}");
        assertThat(r).isEqualTo(new ManualRequest.Pin("default-egress", null, "nat-b", NOW.plus(Duration.ofMinutes(90)),
                Duration.ofMinutes(90), true, null));
    }

    @Test
    void failoverOfAWholeTarget() throws Exception {
        assertThat(parse("{\"action\":\"failover\",\"target\":\"nat-a\",\"reason\":\"kernel panic\"}"))
                .isEqualTo(new ManualRequest.Failover(null, null, "nat-a", null, false, "kernel panic", false));
    }

    @Test
    void drainAndUndrain() throws Exception {
        assertThat(parse("{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"patching\"}"))
                .isEqualTo(new ManualRequest.Drain("nat-a", "patching", false));
        assertThat(parse("{\"action\":\"undrain\",\"target\":\"nat-a\"}")).isEqualTo(new ManualRequest.Undrain("nat-a", null));
    }

    @Test
    void statusAndPlan() throws Exception {
        assertThat(parse("{\"action\":\"status\"}")).isEqualTo(new ManualRequest.Status(null));
        assertThat(parse("{\"action\":\"plan\"}")).isEqualTo(new ManualRequest.Plan());
    }
}
