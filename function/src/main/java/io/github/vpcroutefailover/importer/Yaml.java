package io.github.vpcroutefailover.importer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.yaml.YamlException;
import io.github.vpcroutefailover.yaml.YamlNode;
import io.github.vpcroutefailover.yaml.YamlReader;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Strict reading (duplicate keys and extra documents refused, sizes bounded by the project's one YAML reader) and
 * plain writing of YAML. The writer quotes every string the JSON way, which is valid YAML and never re-typed
 * ("::/0", "yes", "1e3" stay strings).
 */
public final class Yaml {
    /** The shared reader's bound: larger than any real route spec. */
    static final int MAX_BYTES = YamlReader.MAX_BYTES;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper READ_JSON = new ObjectMapper(new com.fasterxml.jackson.core.JsonFactoryBuilder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).maxStringLength(1_000_000).build()).build())
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final ObjectMapper JSON = new ObjectMapper();

    private Yaml() {
    }

    /** One YAML document as a JSON tree; {@code source} names the file in messages. */
    public static JsonNode readYaml(String text, String source) {
        if (text.length() > MAX_BYTES) {
            throw new ImportException(source + ": larger than " + MAX_BYTES / (1024 * 1024) + " MiB; this is not a route config");
        }
        YamlReader.Document doc;
        try {
            doc = YamlReader.read(text);
        } catch (YamlException e) {
            throw new ImportException(source + ": not valid YAML: " + e.getMessage());
        }
        if (doc.extraDocument() != null) {
            throw new ImportException(source + ": a second YAML document starts at " + doc.extraDocument() + "; give one document per file");
        }
        if (doc.root() == null) {
            throw new ImportException(source + ": empty; expected a YAML document");
        }
        return convert(doc.root(), source);
    }

    private static JsonNode convert(YamlNode node, String source) {
        return switch (node) {
            case YamlNode.Scalar s -> scalar(s.value());
            case YamlNode.Sequence q -> {
                ArrayNode a = NODES.arrayNode();
                q.items().forEach(i -> a.add(convert(i, source)));
                yield a;
            }
            case YamlNode.Mapping m -> {
                ObjectNode o = NODES.objectNode();
                for (YamlNode.Entry e : m.entries()) {
                    if (!(e.key() instanceof YamlNode.Scalar k) || k.value() == null) {
                        throw new ImportException(source + ": " + e.key().at() + ": keys must be plain strings");
                    }
                    String key = String.valueOf(k.value());
                    if (o.has(key)) {
                        throw new ImportException(source + ": " + k.at() + ": Duplicate key '" + key + "'; each key may appear once");
                    }
                    o.set(key, convert(e.value(), source));
                }
                yield o;
            }
        };
    }

    private static JsonNode scalar(Object v) {
        return switch (v) {
            case null -> NODES.nullNode();
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case BigInteger b -> NODES.numberNode(b);
            case Double d -> NODES.numberNode(d);
            default -> NODES.textNode(String.valueOf(v));
        };
    }

    static JsonNode readJson(String text, String source) {
        if (text.length() > MAX_BYTES) {
            throw new ImportException(source + ": larger than " + MAX_BYTES / (1024 * 1024) + " MiB; this is not a route config");
        }
        try {
            JsonNode n = READ_JSON.readTree(text);
            if (n == null || n.isMissingNode()) {
                throw new ImportException(source + ": empty; expected a JSON document");
            }
            return n;
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw new ImportException(source + ": not valid JSON" + where + ": " + e.getOriginalMessage());
        }
    }

    static String write(Object tree, List<String> headerComments) {
        StringBuilder b = new StringBuilder();
        headerComments.forEach(c -> b.append(c.isEmpty() ? "#" : "# " + c.replaceAll("[\\r\\n]", " ")).append('\n'));
        block(b, tree, 0);
        return b.toString();
    }

    /** Block style: maps as "key: value", lists as "- item", nested two spaces deeper. */
    private static void block(StringBuilder b, Object v, int indent) {
        String pad = " ".repeat(indent);
        if (v instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                b.append(pad).append(e.getKey()).append(':');
                value(b, e.getValue(), indent);
            }
        } else if (v instanceof List<?> l) {
            for (Object item : l) {
                b.append(pad).append("-");
                if (item instanceof Map<?, ?> m && !m.isEmpty()) {
                    // The first key on the dash's line, the rest aligned under it.
                    StringBuilder inner = new StringBuilder();
                    block(inner, m, indent + 2);
                    b.append(' ').append(inner.substring(indent + 2));
                } else {
                    value(b, item, indent);
                }
            }
        }
    }

    private static void value(StringBuilder b, Object v, int indent) {
        if (v instanceof Map<?, ?> m && !m.isEmpty()) {
            b.append('\n');
            block(b, m, indent + 2);
        } else if (v instanceof List<?> l && !l.isEmpty()) {
            b.append('\n');
            block(b, l, indent + 2);
        } else {
            b.append(' ').append(scalarText(v)).append('\n');
        }
    }

    private static String scalarText(Object v) {
        if (v instanceof Map<?, ?>) {
            return "{}";
        }
        if (v instanceof List<?>) {
            return "[]";
        }
        if (v == null) {
            return "null";
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        try {
            return JSON.writeValueAsString(String.valueOf(v));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
