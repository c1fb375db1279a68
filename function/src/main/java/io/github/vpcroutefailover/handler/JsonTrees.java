package io.github.vpcroutefailover.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.util.Collection;
import java.util.Map;

/**
 * The answers' maps, lists and scalars as a Jackson tree, built node by node. {@code ObjectMapper.valueToTree} gives
 * the same tree, but first builds a serializer for each collection class it meets (class introspection: ~100 classes
 * and tens of milliseconds on a cold JVM, paid by the first answer of every cold start; BENCHMARKS.md "Cold
 * controller"). Any other value (a BigDecimal too: databind normalizes it) goes through {@code valueToTree} as before,
 * so no answer changes.
 */
final class JsonTrees {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTrees() {
    }

    static JsonNode of(Object value) {
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
            case Map<?, ?> m when m.keySet().stream().allMatch(k -> k instanceof String) -> object(m);
            case Collection<?> c -> {
                ArrayNode a = NODES.arrayNode(c.size());
                c.forEach(v -> a.add(of(v)));
                yield a;
            }
            default -> ControllerHandler.JSON.valueToTree(value);
        };
    }

    private static ObjectNode object(Map<?, ?> m) {
        ObjectNode o = NODES.objectNode();
        m.forEach((k, v) -> o.set((String) k, of(v)));
        return o;
    }
}
