package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.yaml.YamlException;
import io.github.vpcroutefailover.yaml.YamlNode;
import io.github.vpcroutefailover.yaml.YamlReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document (read by the shared {@link YamlReader}: YAML 1.2 core schema, bounded size and depth) turned into
 * the Jackson tree the validator walks, remembering the 1-based line of every path ("routes[1].destination") so that
 * validation errors can point at the line to fix. Duplicate keys and a second document become problems here, so they
 * are reported together with everything else.
 */
final class YamlTree {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    final JsonNode root;
    final Map<String, Integer> lines;
    final List<ConfigProblem> problems;

    YamlTree(JsonNode root, Map<String, Integer> lines, List<ConfigProblem> problems) {
        this.root = root;
        this.lines = lines;
        this.problems = problems;
    }

    /** A tree without line information, e.g. a route registered at runtime as JSON. */
    static YamlTree of(JsonNode root) {
        return new YamlTree(root, Map.of(), new ArrayList<>());
    }

    /**
     * Never throws: syntax errors come back as problems (with a null root when nothing could be read). Plain JSON (the
     * deployed config) is read without the YAML parser ({@link JsonConfigText}), to the same tree.
     */
    static YamlTree parse(String text) {
        YamlTree json = JsonConfigText.read(text);
        return json != null ? json : parseYaml(text);
    }

    /** As {@link #parse(String)}, always through the YAML parser (what {@link JsonConfigText} must agree with). */
    static YamlTree parseYaml(String text) {
        return from(() -> YamlReader.read(text));
    }

    /** As {@link #parse(String)}, from a file: refused by size before it is read, and unless it is UTF-8. */
    static YamlTree parseFile(Path file) {
        try {
            if (Files.size(file) <= YamlReader.MAX_BYTES) {
                YamlTree json = JsonConfigText.read(Files.readAllBytes(file));
                if (json != null) {
                    return json;
                }
            }
        } catch (IOException e) {
            // The YAML path reads the file again and words the failure.
        }
        return from(() -> YamlReader.readFile(file));
    }

    private interface Reading {
        YamlReader.Document read() throws YamlException;
    }

    private static YamlTree from(Reading reading) {
        Map<String, Integer> lines = new HashMap<>();
        List<ConfigProblem> problems = new ArrayList<>();
        YamlReader.Document document;
        try {
            document = reading.read();
        } catch (YamlException e) {
            problems.add(new ConfigProblem("", e.line(), describe(e)));
            return new YamlTree(null, lines, problems);
        }
        if (document.root() == null) {
            return new YamlTree(null, lines, problems);
        }
        JsonNode root = convert(document.root(), "", lines, problems);
        if (document.extraDocument() != null) {
            problems.add(new ConfigProblem("", document.extraDocument().line(),
                    "the file holds more than one YAML document; keep the whole config in one document (remove the extra '---')"));
        }
        return new YamlTree(root, lines, problems);
    }

    private static String describe(YamlException e) {
        return switch (e.kind()) {
            case SYNTAX, ENCODING -> "not valid YAML: " + e.problem()
                    + (e.context() == null || e.context().isBlank() ? "" : " (" + e.context()
                    + (e.contextPosition() == null ? "" : " at " + e.contextPosition()) + ")");
            case IO -> e.problem();
            case TOO_LARGE, TOO_DEEP, TOO_MANY_VALUES -> "refused: " + e.problem();
        };
    }

    static String child(String parent, String key) {
        return parent.isEmpty() ? key : parent + "." + key;
    }

    static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    // Recursion is bounded by YamlReader.MAX_DEPTH, and the node count (aliases expanded) by MAX_VALUES.
    private static JsonNode convert(YamlNode node, String path, Map<String, Integer> lines, List<ConfigProblem> problems) {
        lines.putIfAbsent(path, node.at().line());
        return switch (node) {
            case YamlNode.Mapping m -> {
                ObjectNode obj = NODES.objectNode();
                for (YamlNode.Entry entry : m.entries()) {
                    int keyLine = entry.key().at().line();
                    if (!(entry.key() instanceof YamlNode.Scalar keyScalar)) {
                        problems.add(new ConfigProblem(path, keyLine, "a key must be a name, not a "
                                + (entry.key() instanceof YamlNode.Sequence ? "list" : "mapping") + "; write 'name: value'"));
                        continue;
                    }
                    String key = keyScalar.text();
                    String childPath = child(path, key);
                    if (obj.has(key)) {
                        problems.add(new ConfigProblem(childPath, keyLine, "key '" + key + "' appears twice in the same map (first at line "
                                + lines.getOrDefault(childPath, 0) + "); remove one"));
                        continue;
                    }
                    lines.put(childPath, keyLine);
                    obj.set(key, convert(entry.value(), childPath, lines, problems));
                }
                yield obj;
            }
            case YamlNode.Sequence s -> {
                ArrayNode arr = NODES.arrayNode();
                int i = 0;
                for (YamlNode item : s.items()) {
                    arr.add(convert(item, index(path, i++), lines, problems));
                }
                yield arr;
            }
            case YamlNode.Scalar s -> scalar(s.value());
        };
    }

    private static JsonNode scalar(Object value) {
        return switch (value) {
            case null -> NODES.nullNode();
            case String t -> NODES.textNode(t);
            case Boolean b -> NODES.booleanNode(b);
            case Integer i -> NODES.numberNode(i);
            case Long l -> NODES.numberNode(l);
            case BigInteger b -> NODES.numberNode(b);
            case Double d -> NODES.numberNode(d);
            default -> NODES.textNode(String.valueOf(value));
        };
    }
}
