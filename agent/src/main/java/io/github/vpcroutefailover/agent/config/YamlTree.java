package io.github.vpcroutefailover.agent.config;

import io.github.vpcroutefailover.yaml.YamlException;
import io.github.vpcroutefailover.yaml.YamlNode;
import io.github.vpcroutefailover.yaml.YamlReader;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One YAML 1.2 document as plain Java values: {@code Map}, {@code List}, {@code String}, {@code Integer}/{@code Long}/
 * {@code BigInteger}, {@code Double}, {@code Boolean} and {@code null}, read by the reader the function shares
 * ({@link YamlReader}: core schema, so yes/no/on/off stay text and 017 is seventeen; size, nesting depth and alias
 * expansion bounded before anything large is built). No Jackson: the agent's footprint budget has no room for it.
 */
final class YamlTree {

    private YamlTree() {
    }

    /** A document that cannot be read; the message is one line naming where and why, ready for a ConfigException. */
    static final class InvalidYamlException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidYamlException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The document's root value, or null for an empty document (or one with only comments). */
    static Object parse(String yaml) throws InvalidYamlException {
        try {
            return plain(YamlReader.read(yaml));
        } catch (YamlException e) {
            throw new InvalidYamlException(describe(e), e);
        }
    }

    /**
     * As {@link #parse(String)}, from a file: refused by its size before it is read, and unless it is UTF-8.
     *
     * @throws IOException when the file cannot be read at all (missing, permissions)
     */
    static Object parseFile(Path file) throws InvalidYamlException, IOException {
        try {
            return plain(YamlReader.readFile(file));
        } catch (YamlException e) {
            if (e.kind() == YamlException.Kind.IO && e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new InvalidYamlException(describe(e), e);
        }
    }

    private static Object plain(YamlReader.Document document) throws InvalidYamlException {
        if (document.extraDocument() != null) {
            throw new InvalidYamlException("is not valid YAML at " + document.extraDocument() + ": a second document starts here ('---')."
                    + " Fix: keep the whole configuration in one document.", null);
        }
        return document.root() == null ? null : plain(document.root());
    }

    // Recursion is bounded by YamlReader.MAX_DEPTH, and the node count (aliases expanded) by MAX_VALUES.
    private static Object plain(YamlNode node) throws InvalidYamlException {
        return switch (node) {
            case YamlNode.Scalar s -> s.value();
            case YamlNode.Sequence s -> {
                List<Object> list = new ArrayList<>(s.items().size());
                for (YamlNode item : s.items()) {
                    list.add(plain(item));
                }
                yield list;
            }
            case YamlNode.Mapping m -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (YamlNode.Entry entry : m.entries()) {
                    Object key = plain(entry.key());
                    if (entry.key() instanceof YamlNode.Scalar && map.containsKey(key)) {
                        // The last of two equal keys would otherwise win silently, hiding one half of an edit.
                        String name = String.valueOf(key);
                        throw new InvalidYamlException("is not valid YAML at " + entry.key().at() + ": the key '" + name
                                + "' appears twice in the same mapping (which starts at " + m.at() + "). Fix: keep one '" + name
                                + ":' and remove the other; the agent does not guess which one you meant.", null);
                    }
                    map.put(key, plain(entry.value()));
                }
                yield map;
            }
        };
    }

    /** True for values that are one piece of text, a number, true/false, or null, as opposed to lists and mappings. */
    static boolean isScalar(Object v) {
        return v == null || v instanceof String || v instanceof Number || v instanceof Boolean;
    }

    static boolean isWholeNumber(Object v) {
        return v instanceof Integer || v instanceof Long || v instanceof BigInteger;
    }

    /**
     * A value as text, the way the config was read before (Jackson's {@code asText}): numbers and booleans as Java
     * writes them, null as "null", lists and mappings as "" so that a message never dumps a whole subtree.
     */
    static String text(Object v) {
        return isScalar(v) ? String.valueOf(v) : "";
    }

    /** What a non-text key is, for a message telling the operator why it is not a setting name. */
    static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        if (v instanceof List<?>) {
            return "a list";
        }
        if (v instanceof Map<?, ?>) {
            return "a mapping";
        }
        return "a value of another type";
    }

    private static String describe(YamlException e) {
        return switch (e.kind()) {
            case SYNTAX, ENCODING -> "is not valid YAML" + (e.position() == null ? "" : " at " + e.position()) + ": " + e.problem()
                    + (e.context() == null || e.context().isBlank() ? ""
                    : " (" + e.context() + (e.contextPosition() == null ? "" : " at " + e.contextPosition()) + ")")
                    + ". Fix: correct the YAML syntax (indentation uses spaces, 'key: value').";
            case TOO_LARGE, TOO_DEEP, TOO_MANY_VALUES -> "is refused" + (e.position() == null ? "" : " at " + e.position()) + ": "
                    + e.problem() + ". Fix: point --config at the agent's YAML configuration (see samples/agent/agent.yaml).";
            case IO -> "cannot be read (" + e.problem() + "). Fix: check its permissions.";
        };
    }
}
