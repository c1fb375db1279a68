package io.github.vpcroutefailover.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.logstash.logback.decorate.JsonFactoryDecorator;
import net.logstash.logback.encoder.LogstashEncoder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * The function's lines are what logstash-logback-encoder wrote, configured as the function had it until the encoder
 * was replaced (BENCHMARKS.md "Cold controller", eighth look): the same events through both encoders give the same
 * JSON objects. Where they differ on purpose (a key that would appear twice, a value that cannot be written), the
 * tests below say so.
 */
class JsonLineEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    enum Health { HEALTHY }

    record Hop(String kind, String id, Health health) {
    }

    record Route(String name, Hop to, List<Hop> candidates) {
    }

    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("io.github.vpcroutefailover.x");
    private final LogstashEncoder before = new LogstashEncoder();
    private final JsonLineEncoder now = new JsonLineEncoder((g, e) -> g.writeStringField("requestId", "req-1"));

    @BeforeEach
    void encoders() {
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter()); // what the SLF4J provider gives the real one
        before.setContext(context);
        before.setIncludeCallerData(false);
        before.getFieldNames().setTimestamp("time");
        before.getFieldNames().setVersion("[ignore]");
        before.getFieldNames().setLevelValue("[ignore]");
        before.setFindAndRegisterJacksonModules(false);
        before.setJsonFactoryDecorator(new JsonFactoryDecorator() {
            @Override
            public JsonFactory decorate(JsonFactory factory) {
                ((ObjectMapper) factory.getCodec()).registerModule(new SimpleModule("java-time-as-text")
                        .addSerializer(TemporalAccessor.class, ToStringSerializer.instance)
                        .addSerializer(TemporalAmount.class, ToStringSerializer.instance)
                        .addSerializer(ZoneId.class, ToStringSerializer.instance));
                return factory;
            }
        });
        before.addProvider(new net.logstash.logback.composite.AbstractJsonProvider<ILoggingEvent>() {
            @Override
            public void writeTo(com.fasterxml.jackson.core.JsonGenerator generator, ILoggingEvent event) throws java.io.IOException {
                generator.writeStringField("requestId", "req-1");
            }
        });
        before.start();
        now.setContext(context);
        now.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private LoggingEvent event(Level level, String message, Throwable thrown, Object... args) {
        return new LoggingEvent(Logger.class.getName(), logger, level, message, thrown, args);
    }

    private JsonNode line(ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder, ILoggingEvent event) throws Exception {
        String text = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(text).endsWith("\n").doesNotContain("\r");
        assertThat(text.strip().lines()).as("one line").hasSize(1);
        return JSON.readTree(text);
    }

    private void sameLine(ILoggingEvent event) throws Exception {
        assertThat(line(now, event)).isEqualTo(line(before, event));
    }

    @Test
    void everyKindOfKeyValueTheCodeLogsIsWrittenAsBefore() throws Exception {
        LoggingEvent e = event(Level.WARN, "probe check crossed {} threshold", null, "fall");
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("a", 1);
        nested.put("b", null);
        nested.put("c", List.of("x", "y"));
        for (KeyValuePair kv : List.of(new KeyValuePair("event", "reconcile"), new KeyValuePair("actions", 2), new KeyValuePair("version", 7L),
                new KeyValuePair("ratio", 0.25), new KeyValuePair("nan", Double.NaN), new KeyValuePair("exact", new BigDecimal("1.10")),
                new KeyValuePair("ok", true), new KeyValuePair("none", null), new KeyValuePair("from", Health.HEALTHY),
                new KeyValuePair("at", Instant.parse("2026-11-28T10:15:30.123Z")), new KeyValuePair("after", Duration.ofMillis(1500)),
                new KeyValuePair("failedVpcs", List.of("vpc-1", "vpc-2")), new KeyValuePair("counts", nested),
                new KeyValuePair("route", new Route("nat", new Hop("eni", "eni-1", Health.HEALTHY), List.of(new Hop("nat", "nat-1", Health.HEALTHY)))),
                new KeyValuePair("text", "quote \" newline \n tab \t control \u0001 unicode é \uD83D\uDE00"))) {
            e.addKeyValuePair(kv);
        }
        sameLine(e);
        JsonNode n = line(now, e);
        assertThat(n.path("message").asText()).isEqualTo("probe check crossed fall threshold");
        assertThat(n.path("requestId").asText()).isEqualTo("req-1");
        assertThat(n.path("route").path("to").path("id").asText()).isEqualTo("eni-1");
    }

    @Test
    void aStackTraceIsWrittenAsBefore() throws Exception {
        Exception cause = new IllegalStateException("inner");
        sameLine(event(Level.ERROR, "failover trigger failed", new RuntimeException("outer", cause)));
        assertThat(line(now, event(Level.ERROR, "x", new RuntimeException("outer", cause))).path("stack_trace").asText())
                .contains("java.lang.RuntimeException: outer").contains("Caused by: java.lang.IllegalStateException: inner").contains("\tat ");
    }

    @Test
    void theMdcAndTheTimeAreWrittenAsBefore() throws Exception {
        LoggingEvent e = event(Level.INFO, "plain", null);
        e.setMDCPropertyMap(Map.of("traceId", "t-1"));
        e.setTimeStamp(Instant.parse("2026-01-02T03:04:05Z").toEpochMilli());
        sameLine(e);
        e.setTimeStamp(Instant.parse("2026-01-02T03:04:05.120Z").toEpochMilli());
        sameLine(e);
    }

    @Test
    void aKeyThatWouldShadowAFieldIsPrefixedInsteadOfWrittenTwice() throws Exception {
        LoggingEvent e = event(Level.INFO, "the message", null);
        e.addKeyValuePair(new KeyValuePair("message", "from a key-value pair"));
        e.addKeyValuePair(new KeyValuePair("level", 3));
        String text = now.text(e);
        JsonNode n = JSON.readTree(text);
        assertThat(n.path("message").asText()).isEqualTo("the message");
        assertThat(n.path("kv_message").asText()).isEqualTo("from a key-value pair");
        assertThat(n.path("kv_level").asInt()).isEqualTo(3);
        assertThat(text.split("\"message\"", -1)).as("the key appears once").hasSize(2);
    }

    @Test
    void aValueThatCannotBeWrittenDoesNotLoseTheLine() throws Exception {
        Object hostile = new Object() {
            @Override
            public String toString() {
                throw new IllegalStateException("no");
            }
        };
        LoggingEvent e = event(Level.WARN, "still logged", null);
        e.addKeyValuePair(new KeyValuePair("bad", hostile));
        JsonNode n = JSON.readTree(now.text(e));
        assertThat(n.path("message").asText()).isEqualTo("still logged");
        assertThat(n.has("bad")).isFalse();
        assertThat(n.path("log_error").asText()).contains("could not be written");
        assertThat(context.getStatusManager().getCopyOfStatusList()).anyMatch(s -> s.getMessage().contains("could not be written"));
    }

    @Test
    void otherValuesAreTheirTextAndDeepNestingIsBounded() throws Exception {
        LoggingEvent e = event(Level.INFO, "m", null);
        e.addKeyValuePair(new KeyValuePair("path", java.nio.file.Path.of("/tmp/x")));
        e.addKeyValuePair(new KeyValuePair("ints", new int[] {1, 2}));
        Object deep = "leaf";
        for (int i = 0; i < 40; i++) {
            deep = List.of(deep);
        }
        e.addKeyValuePair(new KeyValuePair("deep", deep));
        ObjectNode n = (ObjectNode) JSON.readTree(now.text(e));
        assertThat(n.path("path").asText()).isEqualTo("/tmp/x");
        assertThat(n.path("ints").toString()).isEqualTo("[1,2]");
        JsonNode d = n.path("deep");
        int depth = 0;
        while (d.isArray()) {
            d = d.get(0);
            depth++;
        }
        assertThat(depth).isLessThan(40);
        assertThat(d.asText()).startsWith("[[");
    }
}
