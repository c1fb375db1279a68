package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.yaml.YamlReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;

/**
 * A config written as plain JSON, read straight into the tree {@link YamlTree} would build from it, without the YAML
 * parser. JSON is YAML, and the deployed config is JSON ({@link ConfigLoader#compiledJson}); reading it through
 * snakeyaml-engine cost a cold controller's init ~70 ms of class loading and scanning (issue #17), while jackson-core is
 * already loaded by then.
 *
 * <p>Only text whose meaning is the same either way is read here: one JSON object, nothing after it, every key once,
 * less than {@link YamlReader#MAX_DEPTH} deep and half of {@link YamlReader#MAX_VALUES} values (keys counted), keys of at most 1024 characters
 * (YAML's limit for a key written inline), and no character YAML refuses or reads differently (control characters,
 * tabs, C1 controls, U+FFFE/U+FFFF, unpaired surrogates, a byte-order mark inside the text). Anything else, a syntax
 * error included, is declined ({@code null}) and read by the YAML path, which words every problem as before. Scalars
 * resolve as the YAML 1.2 core schema resolves JSON's: strings, booleans, null, integers as int, long or BigInteger by
 * size, other numbers as double. {@code JsonConfigTextTest} reads generated documents both ways and requires the same
 * tree and the same line of every path.
 */
final class JsonConfigText {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final int MAX_KEY_CHARS = 1024;
    /** Keys count here, so stop well inside YAML's bound; a real config has a few hundred values. */
    private static final int MAX_VALUES = YamlReader.MAX_VALUES / 2;

    private JsonConfigText() {
    }

    /** The tree of {@code utf8} (a leading byte-order mark allowed, as for YAML), or null to leave it to YAML. */
    static YamlTree read(byte[] utf8) {
        if (utf8.length > YamlReader.MAX_BYTES) {
            return null;
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        return read(text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /** The tree of {@code text}, or null to leave it to YAML. */
    static YamlTree read(String text) {
        if (text.length() > YamlReader.MAX_BYTES || !startsWithObject(text) || !plain(text)) {
            return null;
        }
        try (JsonParser p = FACTORY.createParser(text)) {
            Map<String, Integer> lines = new HashMap<>();
            int[] values = {0};
            JsonNode root = value(p, p.nextToken(), "", 1, lines, values);
            if (root == null || p.nextToken() != null) {
                return null;
            }
            return new YamlTree(root, lines, new ArrayList<>());
        } catch (IOException | RuntimeException e) {
            // Not JSON after all, or JSON at a limit (number length, nesting): YAML reads it and words the problem.
            return null;
        }
    }

    private static boolean startsWithObject(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                return true;
            }
            if (c != ' ' && c != '\n' && c != '\r') {
                return false;
            }
        }
        return false;
    }

    /** No character on which YAML and JSON could disagree (see the class comment). */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 ? c != '\n' && c != '\r' : c >= 0x7F && c <= 0x9F || c == '\uFEFF' || c == '\uFFFE' || c == '\uFFFF') {
                return false;
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }

    /** The value starting at {@code token}, recording lines as {@link YamlTree} does; null declines the whole text. */
    private static JsonNode value(JsonParser p, JsonToken token, String path, int depth, Map<String, Integer> lines, int[] values)
            throws IOException {
        if (token == null || ++values[0] > MAX_VALUES) {
            return null;
        }
        lines.putIfAbsent(path, p.currentTokenLocation().getLineNr());
        switch (token) {
            case START_OBJECT -> {
                if (depth >= YamlReader.MAX_DEPTH) {
                    return null;
                }
                ObjectNode obj = NODES.objectNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String key = p.currentName();
                    if (t != JsonToken.FIELD_NAME || key.length() > MAX_KEY_CHARS || obj.has(key) || ++values[0] > MAX_VALUES) {
                        return null;
                    }
                    String childPath = YamlTree.child(path, key);
                    lines.put(childPath, p.currentTokenLocation().getLineNr());
                    JsonNode child = value(p, p.nextToken(), childPath, depth + 1, lines, values);
                    if (child == null) {
                        return null;
                    }
                    obj.set(key, child);
                }
                return obj;
            }
            case START_ARRAY -> {
                if (depth >= YamlReader.MAX_DEPTH) {
                    return null;
                }
                ArrayNode arr = NODES.arrayNode();
                int i = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    JsonNode item = value(p, t, YamlTree.index(path, i++), depth + 1, lines, values);
                    if (item == null) {
                        return null;
                    }
                    arr.add(item);
                }
                return arr;
            }
            case VALUE_STRING -> {
                return NODES.textNode(p.getText());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            case VALUE_NUMBER_INT -> {
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(p.getDoubleValue());
            }
            default -> {
                return null;
            }
        }
    }
}
