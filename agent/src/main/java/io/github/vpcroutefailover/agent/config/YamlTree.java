package io.github.vpcroutefailover.agent.config;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.DuplicateKeyException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * One YAML 1.2 document as plain Java values: {@code Map}, {@code List}, {@code String}, {@code Integer}/{@code Long}/
 * {@code BigInteger}, {@code Double}, {@code Boolean} and {@code null}. snakeyaml-engine instead of Jackson because the
 * agent's footprint budget has no room for databind's classes.
 */
final class YamlTree {
    private static final String DUPLICATE_KEY = "found duplicate key ";

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
        LoadSettings settings = LoadSettings.builder()
                // The core schema keeps YAML 1.1's surprises out: yes/no/on/off stay text, 017 is seventeen.
                // (The library's default is the stricter JSON schema, where even ~ and True would be text.)
                .setSchema(new CoreSchema())
                // The last of two equal keys would otherwise win silently, hiding one half of an edit.
                .setAllowDuplicateKeys(false)
                // Lets a list or mapping used as a key through, so ConfigNode reports it with its path
                // instead of the library failing without a line number.
                .setAllowNonScalarKeys(true)
                .build();
        try {
            return new Load(settings).loadFromString(yaml);
        } catch (YamlEngineException e) {
            throw new InvalidYamlException(describe(e, yaml), e);
        }
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

    private static String describe(YamlEngineException e, String yaml) {
        if (e instanceof DuplicateKeyException d && d.getProblem() != null && d.getProblem().startsWith(DUPLICATE_KEY)) {
            String key = d.getProblem().substring(DUPLICATE_KEY.length());
            return "is not valid YAML" + at(d.getProblemMark()) + ": the key '" + key + "' appears twice in the same mapping"
                    + d.getContextMark().map(m -> " (which starts at " + position(m) + ")").orElse("")
                    + ". Fix: keep one '" + key + ":' and remove the other; the agent does not guess which one you meant.";
        }
        String detail;
        if (e instanceof MarkedYamlEngineException m) {
            String context = m.getContext() == null || m.getContext().isBlank() ? ""
                    : " (" + m.getContext() + at(m.getContextMark()) + ")";
            detail = at(m.getProblemMark()) + ": " + withoutFullStop(m.getProblem()) + context;
        } else if (e instanceof ReaderException r) {
            detail = " at " + position(yaml, r.getPosition()) + ": " + r.getMessage() + " (code point U+" + String.format("%04X", r.getCodePoint()) + ")";
        } else {
            detail = ": " + withoutFullStop(e.getMessage());
        }
        return "is not valid YAML" + detail + ". Fix: correct the YAML syntax (indentation uses spaces, 'key: value').";
    }

    /** The library's sentences sometimes end in a full stop; ours append ". Fix: ...". */
    private static String withoutFullStop(String s) {
        return s != null && s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** " at line L, column C", or "" when the library recorded no position. */
    private static String at(Optional<Mark> mark) {
        return mark.map(m -> " at " + position(m)).orElse("");
    }

    /** 1-based, the way editors count; the library's marks are 0-based. */
    private static String position(Mark m) {
        return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
    }

    /** The reader reports only a code point offset; turn it into the line and column an operator can go to. */
    private static String position(String yaml, int codePointOffset) {
        int line = 1;
        int column = 1;
        int[] cps = yaml.codePoints().limit(Math.max(0, codePointOffset)).toArray();
        for (int i = 0; i < cps.length; i++) {
            if (cps[i] == '\r' && i + 1 < cps.length && cps[i + 1] == '\n') {
                continue;
            }
            if (cps[i] == '\n' || cps[i] == '\r') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return "line " + line + ", column " + column;
    }
}
