package io.github.vpcroutefailover.handler.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every bad payload is refused with the field at fault named. The same table (bad-payloads.jsonl) drives the
 * handler-level integration test that also asserts zero AWS mutations. A row has either {@code payload} (a JSON
 * value) or {@code raw} (the exact text, for what a JSON value cannot hold: duplicate keys, trailing content).
 */
class BadPayloadParsingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Writes lone surrogates and control characters as escapes, as a hostile client would send them. */
    static final ObjectMapper ESCAPING = com.fasterxml.jackson.databind.json.JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final Instant NOW = Instant.parse("2026-11-21T16:30:00Z");

    static Stream<Arguments> badPayloads() throws IOException {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                Objects.requireNonNull(BadPayloadParsingTest.class.getResourceAsStream("/bad-payloads.jsonl")), StandardCharsets.UTF_8))) {
            List<JsonNode> rows = r.lines().filter(l -> !l.isBlank()).map(BadPayloadParsingTest::read).toList();
            assertThat(rows).as("the issue asks for at least 30 bad payloads").hasSizeGreaterThanOrEqualTo(30);
            return rows.stream().map(n -> Arguments.of(n.get("case").asText(), n.get("field").asText(), bytes(n)));
        }
    }

    /** The payload as the handler receives it. */
    static byte[] bytes(JsonNode row) {
        try {
            return row.has("raw") ? row.get("raw").asText().getBytes(StandardCharsets.UTF_8) : ESCAPING.writeValueAsBytes(row.get("payload"));
        } catch (IOException e) {
            throw new IllegalStateException(row.toString(), e);
        }
    }

    private static JsonNode read(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException(line, e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badPayloads")
    void refusedNamingTheField(String name, String field, byte[] payload) {
        assertThatThrownBy(() -> parse(payload))
                .isInstanceOf(BadRequestException.class)
                .satisfies(e -> assertThat(((BadRequestException) e).field()).isEqualTo(field))
                .satisfies(e -> assertThat(e.getMessage()).startsWith(field + ": ").hasSizeGreaterThan(field.length() + 8));
    }

    private static Object parse(byte[] bytes) {
        JsonNode payload = StrictJson.readObject(bytes);
        return EventParser.isEventBridgeEnvelope(payload) ? EventParser.parse(payload) : ManualRequestParser.parse(payload, NOW);
    }
}
