package io.github.vpcroutefailover.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.EncoderBase;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, written with Jackson's streaming generator: {@code time} (ISO-8601 with the zone's
 * offset, to the event's precision), {@code message} (formatted), {@code logger_name}, {@code thread_name}, {@code level}, the
 * fields of {@link LineFields} (the invocation's), the MDC entries and every SLF4J key-value pair as top-level fields,
 * and {@code stack_trace}. These are the lines logstash-logback-encoder wrote as the function configured it, and the
 * agent's encoder writes, so one Logs Insights or jq query reads both products (JsonLineEncoderTest compares them).
 *
 * <p>Why not logstash-logback-encoder: it serializes through a Jackson {@code ObjectMapper}, and building the first
 * mapper is the largest single cost of a cold start (BENCHMARKS.md "Cold controller", eighth look); nothing else on the
 * controller's cold path builds one. Values are written by their type (a pair whose value is null is left out): text, numbers, booleans and null as such,
 * enums by name, java.time values as ISO-8601 text, maps, collections and arrays as JSON, records by their
 * components, anything else (a path, an exception) as its {@code toString()}. A value that cannot be written (its {@code toString()}
 * throws) does not lose the line: the line is written without it and says so in {@code log_error}. A key-value pair or
 * MDC entry that would shadow a field above is written as {@code kv_<name>}, so no line ever has a key twice.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {
    /** Extra fields for every line, e.g. the Lambda invocation's request id; written after {@code level}. */
    @FunctionalInterface
    public interface LineFields {
        void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException;
    }

    private static final byte[] NONE = new byte[0];
    private static final Set<String> RESERVED = Set.of("time", "message", "logger_name", "thread_name", "level", "stack_trace", "log_error");
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_DEPTH = 16;

    private final LineFields extra;
    private final DateTimeFormatter time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.withZone(ZoneId.systemDefault());

    public JsonLineEncoder(LineFields extra) {
        this.extra = extra;
    }

    @Override
    public byte[] headerBytes() {
        return NONE;
    }

    @Override
    public byte[] footerBytes() {
        return NONE;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        try {
            return line(event, true);
        } catch (IOException | RuntimeException e) {
            addError("a log line's values could not be written; writing it without them", e);
            try {
                return line(event, false);
            } catch (IOException | RuntimeException again) {
                addError("a log line could not be written", again);
                return NONE;
            }
        }
    }

    private byte[] line(ILoggingEvent event, boolean withValues) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", time.format(event.getInstant()));
            g.writeStringField("message", event.getFormattedMessage());
            g.writeStringField("logger_name", event.getLoggerName());
            g.writeStringField("thread_name", event.getThreadName());
            g.writeStringField("level", String.valueOf(event.getLevel()));
            if (withValues) {
                if (extra != null) {
                    extra.writeTo(g, event);
                }
                Map<String, String> mdc = event.getMDCPropertyMap();
                if (mdc != null) {
                    for (Map.Entry<String, String> e : mdc.entrySet()) {
                        g.writeFieldName(key(e.getKey()));
                        g.writeString(e.getValue());
                    }
                }
                List<KeyValuePair> pairs = event.getKeyValuePairs();
                if (pairs != null) {
                    for (KeyValuePair kv : pairs) {
                        if (kv.value == null) {
                            continue; // as logstash-logback-encoder: a pair without a value is left out
                        }
                        g.writeFieldName(key(kv.key));
                        value(g, kv.value, 0);
                    }
                }
            } else {
                g.writeStringField("log_error", "the line's key-value pairs could not be written; see the logging status");
            }
            IThrowableProxy thrown = event.getThrowableProxy();
            if (thrown != null) {
                String trace = ThrowableProxyUtil.asString(thrown);
                g.writeStringField("stack_trace", trace.endsWith(CoreConstants.LINE_SEPARATOR) ? trace : trace + CoreConstants.LINE_SEPARATOR);
            }
            g.writeEndObject();
        }
        out.write('\n');
        return out.toByteArray();
    }

    private static String key(String key) {
        String k = String.valueOf(key);
        return RESERVED.contains(k) ? "kv_" + k : k;
    }

    private static void value(JsonGenerator g, Object v, int depth) throws IOException {
        if (depth > MAX_DEPTH) {
            g.writeString(String.valueOf(v));
            return;
        }
        switch (v) {
            case null -> g.writeNull();
            case String s -> g.writeString(s);
            case Boolean b -> g.writeBoolean(b);
            case Integer i -> g.writeNumber(i);
            case Long l -> g.writeNumber(l);
            case Double d -> g.writeNumber(d);
            case Float f -> g.writeNumber(f);
            case Short s -> g.writeNumber(s);
            case Byte b -> g.writeNumber(b);
            case BigDecimal d -> g.writeNumber(d);
            case BigInteger i -> g.writeNumber(i);
            case Enum<?> e -> g.writeString(e.name());
            case TemporalAccessor t -> g.writeString(t.toString());
            case TemporalAmount t -> g.writeString(t.toString());
            case ZoneId z -> g.writeString(z.toString());
            case Map<?, ?> m -> {
                g.writeStartObject();
                for (Map.Entry<?, ?> e : m.entrySet()) {
                    g.writeFieldName(String.valueOf(e.getKey()));
                    value(g, e.getValue(), depth + 1);
                }
                g.writeEndObject();
            }
            case Collection<?> c -> {
                g.writeStartArray();
                for (Object o : c) {
                    value(g, o, depth + 1);
                }
                g.writeEndArray();
            }
            case Record r -> {
                g.writeStartObject();
                for (RecordComponent c : r.getClass().getRecordComponents()) {
                    g.writeFieldName(c.getName());
                    Object component;
                    try {
                        c.getAccessor().setAccessible(true);
                        component = c.getAccessor().invoke(r);
                    } catch (ReflectiveOperationException | RuntimeException e) {
                        component = "<unreadable: " + e.getClass().getSimpleName() + ">";
                    }
                    value(g, component, depth + 1);
                }
                g.writeEndObject();
            }
            default -> {
                if (v.getClass().isArray()) {
                    g.writeStartArray();
                    for (int i = 0, n = Array.getLength(v); i < n; i++) {
                        value(g, Array.get(v, i), depth + 1);
                    }
                    g.writeEndArray();
                } else {
                    g.writeString(String.valueOf(v));
                }
            }
        }
    }

    /** For tests: the line of one event as text. */
    String text(ILoggingEvent event) {
        return new String(encode(event), StandardCharsets.UTF_8);
    }
}
