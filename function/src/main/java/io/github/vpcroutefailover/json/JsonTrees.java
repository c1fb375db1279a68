package io.github.vpcroutefailover.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;

/**
 * Jackson trees read, built and written with the streaming API only, never an {@link ObjectMapper}. Building the
 * first mapper of a JVM (serializer and deserializer factories, type factory, date format, introspection) is the
 * largest single cost of a cold start, ~200 ms (BENCHMARKS.md "Cold controller", eighth look), and the controller's
 * cold path needs none of it: it reads an event into a tree, builds answers, metric lines and events as trees, and
 * writes them. Each method gives exactly what the mapper gave (JsonTreesTest compares them), except that values of
 * other types than maps, collections and scalars in {@link #of} still go through a mapper, built on first need.
 */
public final class JsonTrees {
    public static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonTrees() {
    }

    /** A new, empty object node. */
    public static ObjectNode object() {
        return NODES.objectNode();
    }

    /** Maps (with text keys), collections and scalars as a tree, as {@code ObjectMapper.valueToTree} builds it. */
    public static JsonNode of(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case JsonNode n -> n;
            case String s -> NODES.textNode(s);
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case Double d -> NODES.numberNode(d);
            case BigInteger i -> NODES.numberNode(i);
            case Enum<?> e -> NODES.textNode(e.name());
            case Map<?, ?> m when m.keySet().stream().allMatch(k -> k instanceof String) -> {
                ObjectNode o = NODES.objectNode();
                m.forEach((k, v) -> o.set((String) k, of(v)));
                yield o;
            }
            case Collection<?> c -> {
                ArrayNode a = NODES.arrayNode(c.size());
                c.forEach(v -> a.add(of(v)));
                yield a;
            }
            // Anything else (a BigDecimal too: the mapper normalizes it) as before.
            default -> Mapper.INSTANCE.valueToTree(value);
        };
    }

    /** The tree as compact JSON in UTF-8, as {@code ObjectMapper.writeValueAsBytes} writes it. */
    public static byte[] toBytes(JsonNode node) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(node, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return out.toByteArray();
    }

    /** The tree as compact JSON text, as {@code JsonNode.toString()} writes it (which builds a mapper). */
    public static String toText(JsonNode node) {
        // A character generator, as toString() uses: it keeps a surrogate pair as is, where UTF-8 output escapes it.
        StringWriter out = new StringWriter(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(node, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        return out.toString();
    }

    /** Writes one tree to a generator. */
    public static void write(JsonNode node, JsonGenerator g) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    write(e.getValue(), g);
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(element, g);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL, MISSING -> g.writeNull();
            case NUMBER -> {
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    case DOUBLE -> g.writeNumber(node.doubleValue());
                    case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                }
            }
            // Binary and POJO nodes: only a mapper knows how to write them (no code path of ours builds one).
            default -> Mapper.INSTANCE.writeTree(g, node);
        }
    }

    /**
     * The value at the parser's current token, with its descendants, as {@code ObjectMapper.readTree} builds it:
     * integers as int, long or big-integer nodes by size, other numbers as doubles. Duplicate keys, depth and sizes
     * are the parser's to refuse (its factory's features and constraints).
     */
    public static JsonNode read(JsonParser p) throws IOException {
        JsonToken t = p.currentToken();
        if (t == null) {
            throw new IllegalStateException("no JSON value: the parser is not on a token");
        }
        return switch (t) {
            case START_OBJECT -> {
                ObjectNode o = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    o.set(key, read(p));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = NODES.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(read(p));
                }
                yield a;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new IllegalStateException("no JSON value at token " + t);
        };
    }

    /** The mapper for values no tree method handles, built only when one is met. */
    private static final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();
    }
}
