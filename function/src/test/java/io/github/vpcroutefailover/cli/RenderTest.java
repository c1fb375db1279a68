package io.github.vpcroutefailover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Terminal output: aligned columns, and text from the table (reasons, names) can never drive the terminal. */
class RenderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String history(String json) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Render.history(new PrintStream(b, true, StandardCharsets.UTF_8), JSON.readTree(json));
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void controlCharactersAndBidiOverridesInAReasonAreShownEscaped() throws Exception {
        JsonNode entry = JSON.createObjectNode().put("at", "2030-01-01T00:00:00Z").put("route", "r").put("routeTableId", "rtb-1")
                .put("from", "a").put("to", "b").put("outcome", "APPLIED").put("by", "x")
                .put("reason", "ok\u001b[2J\u001b]0;pwned\u0007\nsecond line\u202Egnp.exe");
        String out = history("{\"entries\": [" + entry + "]}");
        assertThat(out).doesNotContain("\u001b").doesNotContain("\u0007").doesNotContain("\u202E");
        assertThat(out).contains("ok\\u001b[2J\\u001b]0;pwned\\u0007\\u000asecond line\\u202egnp.exe");
        assertThat(out.lines()).hasSize(2);
    }

    @Test
    void columnsAreAlignedAndEmptyValuesShowAsADash() throws Exception {
        String out = history("""
                {"entries": [
                  {"at": "2030-01-01T00:00:02Z", "route": "default-egress", "routeTableId": "rtb-0aaaaaaaaaaaaaaaa", "from": null,
                   "to": "i-1(eni-1)", "outcome": "APPLIED", "forced": true, "by": "cli", "reason": "manual"},
                  {"at": "2030-01-01T00:00:01Z", "route": "dns", "routeTableId": "rtb-1", "from": "i-1(eni-1)", "to": null,
                   "outcome": "FAILED", "by": "event", "reason": "withdraw", "error": "UnauthorizedOperation"}
                ]}""");
        var lines = out.lines().toList();
        assertThat(lines).hasSize(3);
        int col = lines.get(0).indexOf("TABLE");
        assertThat(lines.get(1).indexOf("rtb-0aaaaaaaaaaaaaaaa")).isEqualTo(col);
        assertThat(lines.get(2).indexOf("rtb-1")).isEqualTo(col);
        assertThat(lines.get(1)).contains("APPLIED (forced)").contains(" - ");
        assertThat(lines.get(2)).contains("[error: UnauthorizedOperation]");
    }

    @Test
    void aPlanIsADiff() throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Render.plan(new PrintStream(b, true, StandardCharsets.UTF_8), JSON.readTree("""
                {"actions": [
                  {"route": "egress", "routeTableId": "rtb-1", "destination": "0.0.0.0/0", "from": null, "to": "nat-a", "toHop": "eni-1", "reason": "absent"},
                  {"route": "egress", "routeTableId": "rtb-2", "destination": "0.0.0.0/0", "from": "eni-1", "to": "nat-b", "toHop": "eni-2", "reason": "nat-a down"},
                  {"route": "vip", "routeTableId": "rtb-2", "destination": "10.0.0.1/32", "from": "eni-1", "to": null, "toHop": null, "reason": "none healthy"}
                ], "notes": ["WARN egress: something"]}"""));
        assertThat(b.toString(StandardCharsets.UTF_8).lines().toList()).containsExactly(
                "+ egress  rtb-1  0.0.0.0/0  (none) -> nat-a [eni-1]", "    why: absent",
                "~ egress  rtb-2  0.0.0.0/0  eni-1 -> nat-b [eni-2]", "    why: nat-a down",
                "- vip  rtb-2  10.0.0.1/32  eni-1 -> (withdrawn)", "    why: none healthy",
                "", "note: WARN egress: something");
    }
}
