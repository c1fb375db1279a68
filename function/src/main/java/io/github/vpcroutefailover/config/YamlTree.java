package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a Jackson tree, remembering the 1-based line of every path ("routes[1].destination"),
 * so that validation errors can point at the line to fix. Built by streaming the parser rather than
 * {@code readTree} because the tree alone forgets token locations.
 */
final class YamlTree {
    private static final YAMLFactory YAML = YAMLFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final JsonNode root;
    final Map<String, Integer> lines;
    final List<ConfigProblem> problems;

    private YamlTree(JsonNode root, Map<String, Integer> lines, List<ConfigProblem> problems) {
        this.root = root;
        this.lines = lines;
        this.problems = problems;
    }

    /** A tree without line information, e.g. a route registered at runtime as JSON. */
    static YamlTree of(JsonNode root) {
        return new YamlTree(root, Map.of(), new ArrayList<>());
    }

    /** Never throws: syntax errors come back as problems (with a null root when nothing could be read). */
    static YamlTree parse(String text) {
        Map<String, Integer> lines = new HashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        try (JsonParser p = YAML.createParser(text)) {
            JsonToken first = p.nextToken();
            if (first == null) {
                return new YamlTree(null, lines, problems);
            }
            JsonNode root = read(p, "", lines, problems);
            if (p.nextToken() != null) {
                problems.add(new ConfigProblem("", line(p), "the file holds more than one YAML document; keep the whole config in one document (remove the extra '---')"));
            }
            return new YamlTree(root, lines, problems);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            problems.add(new ConfigProblem("", Math.max(line, 0), "not valid YAML: " + e.getOriginalMessage()));
            return new YamlTree(null, lines, problems);
        } catch (IOException e) {
            problems.add(new ConfigProblem("", 0, "could not read the YAML: " + e.getMessage()));
            return new YamlTree(null, lines, problems);
        }
    }

    private static int line(JsonParser p) {
        return Math.max(p.currentTokenLocation().getLineNr(), 0);
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    private static JsonNode read(JsonParser p, String path, Map<String, Integer> lines, List<ConfigProblem> problems) throws IOException {
        JsonToken t = p.currentToken();
        lines.putIfAbsent(path, line(p));
        switch (t) {
            case START_OBJECT: {
                ObjectNode obj = NODES.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    String childPath = child(path, key);
                    int keyLine = line(p);
                    p.nextToken();
                    boolean duplicate = obj.has(key);
                    if (duplicate) {
                        problems.add(new ConfigProblem(childPath, keyLine, "key '" + key + "' appears twice in the same map (first at line "
                                + lines.getOrDefault(childPath, 0) + "); remove one"));
                        read(p, childPath + "#dup", new HashMap<>(), problems);
                        continue;
                    }
                    lines.put(childPath, keyLine);
                    obj.set(key, read(p, childPath, lines, problems));
                }
                return obj;
            }
            case START_ARRAY: {
                ArrayNode arr = NODES.arrayNode();
                int i = 0;
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    arr.add(read(p, index(path, i++), lines, problems));
                }
                return arr;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                return switch (p.getNumberType()) {
                    case INT -> NODES.numberNode(p.getIntValue());
                    case LONG -> NODES.numberNode(p.getLongValue());
                    default -> NODES.numberNode(p.getBigIntegerValue());
                };
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                // Embedded binary (!!binary) and the like: keep as text so validation reports a type error.
                return NODES.textNode(p.getText());
        }
    }
}
