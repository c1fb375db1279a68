package io.github.vpcroutefailover.handler.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void drillDefaultsToAThirtySecondWindowAndIsBoundedByTheControllersTimeout() throws Exception {
        assertThat(parse("{\"action\":\"drill\",\"route\":\"default-egress\"}"))
                .isEqualTo(new ManualRequest.Drill("default-egress", Duration.ofSeconds(30), false, null));
        assertThat(parse("{\"action\":\"drill\",\"route\":\"default-egress\",\"window\":\"40s\",\"dryRun\":true,\"requestedBy\":\"alice\"}"))
                .isEqualTo(new ManualRequest.Drill("default-egress", Duration.ofSeconds(40), true, "alice"));
        assertThatThrownBy(() -> parse("{\"action\":\"drill\",\"route\":\"default-egress\",\"window\":\"1m\"}"))
                .isInstanceOfSatisfying(BadRequestException.class, e -> assertThat(e.getMessage()).contains("window").contains("at most"));
    }

    @Test
    void pinForADurationExpiresRelativeToNow() throws Exception {
        ManualRequest r = parse("{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"for\":\"90m\",\"force\":true,"
                + "\"routeTableIds\":[\"rtb-0123456789abcdef0\"],\"requestedBy\":\"alice\"}");
        assertThat(r).isEqualTo(new ManualRequest.Pin("default-egress", java.util.List.of("rtb-0123456789abcdef0"), "nat-b",
                NOW.plus(Duration.ofMinutes(90)), Duration.ofMinutes(90), true, null, "alice"));
    }

    @Test
    void failoverOfAWholeTarget() throws Exception {
        assertThat(parse("{\"action\":\"failover\",\"target\":\"nat-a\",\"reason\":\"kernel panic\"}"))
                .isEqualTo(new ManualRequest.Failover(null, java.util.List.of(), "nat-a", null, false, "kernel panic", false, null));
    }

    @Test
    void historyDefaultsToTheLastDayAndAcceptsADurationOrATime() throws Exception {
        assertThat(parse("{\"action\":\"history\"}")).isEqualTo(new ManualRequest.History(null, NOW.minus(Duration.ofHours(24)), 100, null));
        assertThat(parse("{\"action\":\"history\",\"route\":\"default-egress\",\"since\":\"7d\",\"limit\":1000}"))
                .isEqualTo(new ManualRequest.History("default-egress", NOW.minus(Duration.ofDays(7)), 1000, null));
        assertThat(parse("{\"action\":\"history\",\"since\":\"2026-11-20T00:00:00Z\",\"limit\":1}"))
                .isEqualTo(new ManualRequest.History(null, Instant.parse("2026-11-20T00:00:00Z"), 1, null));
    }

    @Test
    void drainAndUndrain() throws Exception {
        assertThat(parse("{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"patching\"}"))
                .isEqualTo(new ManualRequest.Drain("nat-a", "patching", false, null));
        assertThat(parse("{\"action\":\"undrain\",\"target\":\"nat-a\"}")).isEqualTo(new ManualRequest.Undrain("nat-a", null, null));
    }

    @Test
    void statusAndPlan() throws Exception {
        assertThat(parse("{\"action\":\"status\"}")).isEqualTo(new ManualRequest.Status(null, null));
        assertThat(parse("{\"action\":\"plan\"}")).isEqualTo(new ManualRequest.Plan(null, null));
        assertThat(parse("{\"action\":\"plan\",\"route\":\"default-egress\",\"requestedBy\":\"bob\"}"))
                .isEqualTo(new ManualRequest.Plan("default-egress", "bob"));
    }
}
