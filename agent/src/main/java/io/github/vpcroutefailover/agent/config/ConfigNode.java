package io.github.vpcroutefailover.agent.config;

import io.github.vpcroutefailover.yaml.Durations;
import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one YAML mapping while remembering where it is ({@code checks[1].tls}) and collecting every problem
 * instead of stopping at the first, so one run of {@code agent check-config} shows them all.
 */
final class ConfigNode {
    private final Map<String, Object> node = new LinkedHashMap<>();
    private final String path;
    private final List<String> problems;
    private final Set<String> read = new LinkedHashSet<>();

    /** Keys that are not text (80:, true:, ~:, [a, b]:) are reported here and left out, as no setting can have such a name. */
    ConfigNode(Map<?, ?> mapping, String path, List<String> problems) {
        this.path = path;
        this.problems = problems;
        mapping.forEach((key, value) -> {
            if (key instanceof String name) {
                node.put(name, value);
            } else {
                problem(String.valueOf(key), "this key is " + YamlTree.kind(key) + ", not text. Fix: use a setting name here,"
                        + " or quote the key (\"" + key + "\":) if it is meant as text.");
            }
        });
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
        return node.get(name) != null;
    }

    /** Reports keys nobody asked for: almost always a typo that would otherwise silently keep a default. */
    void rejectUnknown() {
        for (String name : node.keySet()) {
            if (!read.contains(name)) {
                problem(name, "unknown setting. Fix: remove it or correct the spelling; known settings here are " + read + ".");
            }
        }
    }

    String string(String name, String fallback) {
        if (!has(name)) {
            return fallback;
        }
        Object v = node.get(name);
        if (!YamlTree.isScalar(v) || YamlTree.text(v).isBlank()) {
            problem(name, "must be a non-empty text value. Fix: write it as " + name + ": <value>.");
            return fallback;
        }
        return YamlTree.text(v).trim();
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
        Object v = node.get(name);
        if (!YamlTree.isWholeNumber(v)) {
            problem(name, "must be a whole number, got '" + YamlTree.text(v) + "'. Fix: set it to " + meaning + " between " + min + " and " + max + ".");
            return fallback;
        }
        // Compared as BigInteger so that 3000000000 is reported as out of range rather than wrapped into it.
        BigInteger i = new BigInteger(v.toString());
        if (i.compareTo(BigInteger.valueOf(min)) < 0 || i.compareTo(BigInteger.valueOf(max)) > 0) {
            problem(name, "must be between " + min + " and " + max + ", got " + i + ". Fix: set it to " + meaning + " in that range.");
            return fallback;
        }
        return i.intValue();
    }

    Boolean bool(String name, boolean fallback) {
        if (!has(name)) {
            return fallback;
        }
        if (node.get(name) instanceof Boolean b) {
            return b;
        }
        problem(name, "must be true or false, got '" + YamlTree.text(node.get(name)) + "'. Fix: write " + name + ": true or " + name + ": false.");
        return fallback;
    }

    Duration duration(String name, Duration fallback, Duration min, Duration max) {
        if (!has(name)) {
            return fallback;
        }
        Object v = node.get(name);
        Duration d = YamlTree.isScalar(v) ? Durations.parseOrNull(YamlTree.text(v)) : null;
        if (d == null) {
            problem(name, "is not a duration: '" + YamlTree.text(v) + "'. Fix: write a number with a unit, such as 500ms, 1s, 2m.");
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
        if (!(node.get(name) instanceof Map<?, ?> mapping)) {
            problem(name, "must be a mapping of settings (key: value lines indented below it).");
            return null;
        }
        return new ConfigNode(mapping, field(name), problems);
    }

    /** Items of a list, each read by {@code reader}; non-mapping items are reported, not read. */
    <T> List<T> list(String name, Function<ConfigNode, T> reader) {
        List<T> out = new ArrayList<>();
        if (!has(name)) {
            return out;
        }
        if (!(node.get(name) instanceof List<?> items)) {
            problem(name, "must be a list (lines starting with '- ').");
            return out;
        }
        for (int i = 0; i < items.size(); i++) {
            Object item = items.get(i);
            String itemPath = field(name) + "[" + i + "]";
            if (!(item instanceof Map<?, ?> mapping)) {
                problems.add(itemPath + ": must be a mapping of settings, got '" + YamlTree.text(item) + "'.");
                continue;
            }
            T t = reader.apply(new ConfigNode(mapping, itemPath, problems));
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
        Object v = node.get(name);
        List<String> out = new ArrayList<>();
        if (YamlTree.isScalar(v)) {
            out.add(YamlTree.text(v));
            return out;
        }
        if (!(v instanceof List<?> items)) {
            problem(name, "must be a list of values.");
            return null;
        }
        for (Object item : items) {
            if (!YamlTree.isScalar(item)) {
                problem(name, "must be a list of plain values, not nested mappings.");
                return null;
            }
            out.add(YamlTree.text(item));
        }
        return out;
    }

    /** The value as it was parsed (see {@link YamlTree}), for settings that accept more than one shape. */
    Object raw(String name) {
        read.add(name);
        return node.get(name);
    }

    /** Any plain value as text (send: yes is the text "yes"), or null if absent; for settings where every value is valid. */
    String text(String name) {
        return has(name) ? YamlTree.text(node.get(name)) : null;
    }

    /** This mapping's entries in file order, values as text; for free-form mappings such as HTTP headers. */
    Map<String, String> texts() {
        Map<String, String> out = new LinkedHashMap<>();
        node.forEach((k, v) -> out.put(k, YamlTree.text(v)));
        return Collections.unmodifiableMap(out);
    }
}
