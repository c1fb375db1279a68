package io.github.vpcroutefailover.agent;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.slf4j.event.KeyValuePair;

/**
 * One flat JSON object per line, with the same field names as the function's log lines (the function's
 * logging.JsonLineEncoder): {@code time} (ISO-8601), {@code message}, {@code logger_name},
 * {@code thread_name}, {@code level}, every SLF4J key-value pair as a top-level field (numbers and booleans as JSON
 * numbers and booleans), and {@code stack_trace}. So one Logs Insights or jq query reads both products. Hand-written
 * without Jackson for the agent's footprint; a key-value pair that would shadow one
 * of those fields is written as {@code kv_<name>}, so no line ever has a key twice.
 */
public final class AgentJsonEncoder extends EncoderBase<ILoggingEvent> {
    private static final byte[] NONE = new byte[0];
    private static final Set<String> RESERVED = Set.of("time", "message", "logger_name", "thread_name", "level", "stack_trace");

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
        StringBuilder sb = new StringBuilder(256);
        sb.append("{\"time\":\"").append(event.getInstant()).append('"');
        // Formatted: a library logging "{}" with arguments must show the values, not the placeholders.
        field(sb, "message", event.getFormattedMessage());
        field(sb, "logger_name", event.getLoggerName());
        field(sb, "thread_name", event.getThreadName());
        field(sb, "level", event.getLevel().toString());
        List<KeyValuePair> pairs = event.getKeyValuePairs();
        if (pairs != null) {
            for (KeyValuePair kv : pairs) {
                String key = RESERVED.contains(kv.key) ? "kv_" + kv.key : kv.key;
                if (kv.value instanceof Number || kv.value instanceof Boolean) {
                    sb.append(",\"");
                    escape(sb, key);
                    sb.append("\":").append(jsonNumberOrBoolean(kv.value));
                } else {
                    field(sb, key, kv.value == null ? null : String.valueOf(kv.value));
                }
            }
        }
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            field(sb, "stack_trace", ThrowableProxyUtil.asString(thrown));
        }
        sb.append("}\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** NaN and infinities are not JSON numbers; they go out as text. */
    private static String jsonNumberOrBoolean(Object v) {
        if (v instanceof Double d && (d.isNaN() || d.isInfinite()) || v instanceof Float f && (f.isNaN() || f.isInfinite())) {
            return "\"" + v + "\"";
        }
        return String.valueOf(v);
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append(",\"");
        escape(sb, name);
        sb.append("\":");
        if (value == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        escape(sb, value);
        sb.append('"');
    }

    static void escape(StringBuilder sb, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
    }
}
