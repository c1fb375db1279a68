package io.github.vpcroutefailover.agent.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one YAML mapping while remembering where it is ({@code checks[1].tls}) and collecting every problem
 * instead of stopping at the first, so one run of {@code agent check-config} shows them all.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String path;
    private final List<String> problems;
    private final Set<String> read = new LinkedHashSet<>();

    ConfigNode(JsonNode node, String path, List<String> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    String path() {
        return path;
    }

    String field(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    void problem(String name, String message) {
        problems.add(field(name) + ": " + message);
    }

    boolean has(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        return v != null && !v.isNull();
    }

    /** Reports keys nobody asked for: almost always a typo that would otherwise silently keep a default. */
    void rejectUnknown() {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!read.contains(name)) {
                problem(name, "unknown setting. Fix: remove it or correct the spelling; known settings here are " + read + ".");
            }
        }
    }

    String string(String name, String fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isValueNode() || v.asText().isBlank()) {
            problem(name, "must be a non-empty text value. Fix: write it as " + name + ": <value>.");
            return fallback;
        }
        return v.asText().trim();
    }

    String requiredString(String name, String hint) {
        if (!has(name)) {
            problem(name, "is required. Fix: " + hint);
            return null;
        }
        return string(name, null);
    }

    Integer integer(String name, Integer fallback, int min, int max, String meaning) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            problem(name, "must be a whole number, got '" + v.asText() + "'. Fix: set it to " + meaning + " between " + min + " and " + max + ".");
            return fallback;
        }
        int i = v.asInt();
        if (i < min || i > max) {
            problem(name, "must be between " + min + " and " + max + ", got " + i + ". Fix: set it to " + meaning + " in that range.");
            return fallback;
        }
        return i;
    }

    Boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        if (v.isBoolean()) {
            return v.asBoolean();
        }
        problem(name, "must be true or false, got '" + v.asText() + "'. Fix: write " + name + ": true or " + name + ": false.");
        return fallback;
    }

    Duration duration(String name, Duration fallback, Duration min, Duration max) {
        if (!has(name)) {
            return fallback;
        }
        JsonNode v = node.get(name);
        Duration d = v.isValueNode() ? Durations.parseOrNull(v.asText()) : null;
        if (d == null) {
            problem(name, "is not a duration: '" + v.asText() + "'. Fix: write a number with a unit, such as 500ms, 1s, 2m.");
            return fallback;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            problem(name, "must be between " + Durations.format(min) + " and " + Durations.format(max) + ", got " + Durations.format(d)
                    + ". Fix: choose a value in that range.");
            return fallback;
        }
        return d;
    }

    Path pathValue(String name, Path fallback) {
        String s = string(name, null);
        if (s == null) {
            return fallback;
        }
        Path p = Path.of(s);
        if (!p.isAbsolute()) {
            problem(name, "must be an absolute path, got '" + s + "'. Fix: write the full path, starting with '/'.");
            return fallback;
        }
        return p;
    }

    URI uri(String name, URI fallback, List<String> schemes) {
        String s = string(name, null);
        if (s == null) {
            return fallback;
        }
        try {
            URI u = new URI(s);
            if (u.getScheme() == null || !schemes.contains(u.getScheme().toLowerCase(java.util.Locale.ROOT)) || u.getHost() == null) {
                problem(name, "must be an absolute " + String.join(" or ", schemes) + " URL with a host, got '" + s
                        + "'. Fix: write it like " + schemes.iterator().next() + "://host:port/path.");
                return fallback;
            }
            return u;
        } catch (URISyntaxException e) {
            problem(name, "is not a valid URL ('" + s + "': " + e.getReason() + "). Fix: write it like http://host:port/path.");
            return fallback;
        }
    }

    /** A nested mapping, or null (after reporting) when the value is something else. */
    ConfigNode child(String name) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        if (!v.isObject()) {
            problem(name, "must be a mapping of settings (key: value lines indented below it).");
            return null;
        }
        return new ConfigNode(v, field(name), problems);
    }

    /** Items of a list, each read by {@code reader}; non-mapping items are reported, not read. */
    <T> List<T> list(String name, Function<ConfigNode, T> reader) {
        List<T> out = new ArrayList<>();
        if (!has(name)) {
            return out;
        }
        JsonNode v = node.get(name);
        if (!v.isArray()) {
            problem(name, "must be a list (lines starting with '- ').");
            return out;
        }
        for (int i = 0; i < v.size(); i++) {
            JsonNode item = v.get(i);
            String itemPath = field(name) + "[" + i + "]";
            if (!item.isObject()) {
                problems.add(itemPath + ": must be a mapping of settings, got '" + item.asText() + "'.");
                continue;
            }
            T t = reader.apply(new ConfigNode(item, itemPath, problems));
            if (t != null) {
                out.add(t);
            }
        }
        return out;
    }

    /** A list of plain values (strings or numbers), or null if absent. */
    List<String> stringList(String name) {
        if (!has(name)) {
            return null;
        }
        JsonNode v = node.get(name);
        List<String> out = new ArrayList<>();
        if (v.isValueNode()) {
            out.add(v.asText());
            return out;
        }
        if (!v.isArray()) {
            problem(name, "must be a list of values.");
            return null;
        }
        for (JsonNode item : v) {
            if (!item.isValueNode()) {
                problem(name, "must be a list of plain values, not nested mappings.");
                return null;
            }
            out.add(item.asText());
        }
        return out;
    }

    JsonNode raw(String name) {
        read.add(name);
        return node.get(name);
    }
}
