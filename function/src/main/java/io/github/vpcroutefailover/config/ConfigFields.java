package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.yaml.Durations;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The typed field readers every config section validates with: each reads one key, records a problem (path, line,
 * what is wrong and how to fix it) instead of throwing, and returns a default so validation can go on and report
 * every problem at once. The section validators extend this and share one problem list.
 */
abstract class ConfigFields {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final int MAX_RISE_FALL = 1000;

    final Map<String, Integer> lines;
    final List<ConfigProblem> problems;

    ConfigFields(Map<String, Integer> lines, List<ConfigProblem> problems) {
        this.lines = lines;
        this.problems = problems;
    }

    boolean validName(String name, String path, String what) {
        if (!NAME.matcher(name).matches()) {
            problem(path, what + " name '" + name + "' is not allowed; use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
            return false;
        }
        return true;
    }

    String id(JsonNode n, String path, String what, String prefix) {
        if (n == null || !n.isTextual()) {
            problem(path, AwsIds.expected(what, prefix) + ", but found " + describe(n));
            return null;
        }
        String v = n.asText();
        if (!AwsIds.valid(prefix, v)) {
            problem(path, "'" + v + "' is not " + what + " id; expected " + prefix + "- followed by 8 or 17 lower-case hex digits, e.g. " + AwsIds.example(prefix));
            return null;
        }
        return v;
    }

    Map<String, String> tagMap(JsonNode n, String path, String key, boolean requireNonEmpty) {
        if (n == null || !n.isObject()) {
            problem(path, key + " must be a map of tag key to value (\"*\" = any value), e.g. {tier: private}, but found " + describe(n));
            return null;
        }
        if (requireNonEmpty && n.isEmpty()) {
            problem(path, key + " is empty; give at least one tag, e.g. {tier: private}");
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                problem(YamlTree.child(path, e.getKey()), "tag '" + e.getKey() + "' must have a plain value (\"*\" = any value), but found " + describe(v));
            } else {
                out.put(e.getKey(), v.asText());
            }
        });
        return out;
    }

    List<String> nameList(JsonNode parent, String path, String key, String what, boolean required) {
        JsonNode n = parent.get(key);
        String p = YamlTree.child(path, key);
        if (n == null || n.isNull()) {
            if (required) {
                problem(p, "missing '" + key + "'; give a list of " + what);
            }
            return required ? null : List.of();
        }
        if (!n.isArray()) {
            problem(p, key + " must be a list of " + what + ", but found " + describe(n));
            return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                problem(YamlTree.index(p, i), key + " entries must be names, but found " + describe(e));
                ok = false;
            } else {
                out.add(e.asText());
            }
        }
        return ok ? out : null;
    }

    String string(JsonNode parent, String path, String key, String dflt) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            problem(YamlTree.child(path, key), key + " must be a string, but found " + describe(n));
            return dflt;
        }
        return n.asText();
    }

    boolean bool(JsonNode parent, String path, String key, boolean dflt) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            problem(YamlTree.child(path, key), key + " must be true or false, but found " + describe(n));
            return dflt;
        }
        return n.asBoolean();
    }

    int positiveInt(JsonNode parent, String path, String key, int dflt, String meaning) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_RISE_FALL) {
            problem(YamlTree.child(path, key), key + " must be a whole number from 1 to " + MAX_RISE_FALL + " (" + meaning + "), but found " + describe(n));
            return dflt;
        }
        return n.asInt();
    }

    int intIn(JsonNode parent, String path, String key, int dflt, int min, int max, String meaning) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            problem(YamlTree.child(path, key), key + " must be a whole number from " + min + " to " + max + " (" + meaning + "), but found " + describe(n));
            return dflt;
        }
        return n.asInt();
    }

    int port(JsonNode parent, String path, String key, Integer dflt) {
        JsonNode n = parent.get(key);
        if (n == null) {
            if (dflt == null) {
                problem(YamlTree.child(path, key), "missing 'port'; give the TCP port to probe (1-65535), e.g. port: 22");
                return 0;
            }
            return dflt;
        }
        return intIn(parent, path, key, 0, 1, 65535, "a TCP port");
    }

    Duration duration(JsonNode parent, String path, String key, Duration dflt) {
        JsonNode n = parent.get(key);
        String p = YamlTree.child(path, key);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            problem(p, key + " must be a duration with a unit such as 250ms, 30s, 5m or 1h, but found " + describe(n)
                    + (n.isNumber() ? "; add a unit, e.g. " + n.asText() + "s" : ""));
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(n.asText());
        } catch (IllegalArgumentException e) {
            problem(p, key + ": " + e.getMessage());
            return null;
        }
        if (d.isZero()) {
            problem(p, key + " must be longer than zero");
            return null;
        }
        return d;
    }

    void checkKeys(JsonNode n, String path, Collection<String> allowed) {
        n.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                String s = suggestion(k, allowed);
                problem(YamlTree.child(path, k), "unknown key '" + k + "'" + (s.isEmpty() ? "; allowed here: " + String.join(", ", allowed) : s + "; remove or rename it"));
            }
        });
    }

    /** "; did you mean 'x'?" for the closest candidate within a small edit distance, else "". */
    static String suggestion(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // A suggestion must share most of the word: 'b' -> 'a' is one edit but no help.
        int limit = Math.min(Math.max(2, given.length() / 3), given.length() - 1);
        return best != null && bestDistance <= limit ? "; did you mean '" + best + "'?" : "";
    }

    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isNull()) {
            return "an empty value";
        }
        if (n.isObject()) {
            return "a map";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isBoolean()) {
            return n.asText();
        }
        if (n.isNumber()) {
            return "the number " + n.asText();
        }
        return "'" + n.asText() + "'";
    }

    void problem(String path, String message) {
        problems.add(new ConfigProblem(path, lineOf(path), message));
    }

    int lineOf(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            p = parent(p);
        }
    }

    static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
