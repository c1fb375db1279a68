package io.github.vpcroutefailover.testsupport.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mutates a valid YAML config into the broken, duplicated, truncated and hostile variants a careless or hostile
 * operator can write (issue #11), so a config loader can be fuzzed from a real sample rather than from random bytes
 * that never get past the first line. Deterministic for a given seed: a failing case is replayed from its seed.
 */
public final class YamlMutations {

    /** Scalars that have broken parsers before: overflow, YAML 1.1 booleans, tags, anchors, control characters. */
    private static final List<String> HOSTILE_SCALARS = List.of(
            "99999999999999999999999999", "-1", "0", "1e400", "-0", "0x7fffffff", "017", "NaN", ".inf", "~", "null", "''",
            "yes", "on", "!!binary aGVsbG8=", "!!python/object:os.system", "&a x", "*nope", "\"\\u0000\"", "\"a\\u202eb\"",
            "\"\\ud800\"", "\"\\t\"", "9223372036854775808", "99999999999999999999d", "1h1h", "-5s", "10.0.0.0/33",
            "::/129", "pl-", "rtb-", "i-", "[]", "{}", "[[[[[[[[]]]]]]]]", "\"" + "x".repeat(5000) + "\"", "é\u0301", "\uFEFF");

    private YamlMutations() {
    }

    /** Applies {@code count} random mutations to {@code yaml}. */
    public static String mutate(String yaml, long seed, int count) {
        Random random = new Random(seed);
        String out = yaml;
        for (int i = 0; i < count; i++) {
            out = once(out, random);
        }
        return out;
    }

    private static String once(String yaml, Random r) {
        List<String> lines = new ArrayList<>(List.of(yaml.split("\n", -1)));
        if (lines.isEmpty()) {
            return yaml;
        }
        int at = r.nextInt(lines.size());
        String line = lines.get(at);
        switch (r.nextInt(12)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, line); // a duplicate key (or list item) at the same indentation
            case 2 -> {
                int other = r.nextInt(lines.size());
                lines.set(at, lines.get(other));
                lines.set(other, line);
            }
            case 3 -> lines.set(at, replaceValue(line, HOSTILE_SCALARS.get(r.nextInt(HOSTILE_SCALARS.size()))));
            case 4 -> lines.set(at, "  ".repeat(r.nextInt(4)) + line.stripLeading()); // wrong indentation
            case 5 -> lines.set(at, line.replaceFirst("^( *)", "$1\t")); // a tab where YAML forbids one
            case 6 -> {
                return yaml.substring(0, r.nextInt(yaml.length() + 1)); // truncated mid-token
            }
            case 7 -> lines.set(at, line + (r.nextBoolean() ? " #" : " : :"));
            case 8 -> lines.add("---\nversion: 1"); // a second document
            case 9 -> lines.set(at, replaceValue(line, "[" + "[".repeat(r.nextInt(100)) + "]".repeat(r.nextInt(100)) + "]"));
            case 10 -> lines.set(at, line.replace(':', r.nextBoolean() ? ';' : '='));
            default -> lines.set(at, line + (char) r.nextInt(0x20)); // a control character
        }
        return String.join("\n", lines);
    }

    private static String replaceValue(String line, String value) {
        int colon = line.indexOf(": ");
        if (colon >= 0) {
            return line.substring(0, colon + 2) + value;
        }
        int dash = line.indexOf("- ");
        return dash >= 0 ? line.substring(0, dash + 2) + value : line + " " + value;
    }
}
