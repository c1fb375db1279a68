package io.github.vpcroutefailover.handler.event;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One policy for every text field a caller hands us (manual invokes and EventBridge events): refuse, never repair.
 * A control character is refused rather than stripped ({@code "route":"egress\u0000"} must not act on
 * {@code egress}), surrounding blanks are refused rather than trimmed, every length and every number is bounded,
 * and an error quotes at most a short, escaped prefix of what it refuses. Documented in docs/handlers.md
 * "Input policy".
 *
 * <p>Sizes: the longest free-text fields are {@code reason} ({@value #MAX_REASON_CHARS} characters, at most 4 bytes
 * each in UTF-8) and {@code requestedBy} ({@value #MAX_REQUESTED_BY_CHARS}); with the caller description and the
 * fixed attributes an ownership item (pin reason, pin caller and a change reason quoting both), a drain or a history
 * item stays under 16 KB, and a registered route item under
 * {@value #MAX_REGISTERED_ROUTE_BYTES} bytes of route JSON plus that: far below DynamoDB's 400 KB item limit.
 */
public final class InputPolicy {
    /** Route and target names: the config file's own rule, so a name that could never match is refused as such. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    public static final int MAX_NAME_CHARS = 63;
    public static final int MAX_REASON_CHARS = 1000;
    public static final int MAX_REQUESTED_BY_CHARS = 128;
    /** A VPC holds at most 200 route tables by default (quota 500): a longer list is not a real request. */
    public static final int MAX_ROUTE_TABLE_IDS = 500;
    /** The route object of {@code register}, as stored JSON; a route with many selectors is a few hundred bytes. */
    public static final int MAX_REGISTERED_ROUTE_BYTES = 16 * 1024;
    /** ISO-8601 instants are 20-30 characters; a longer one is not a time we would accept. */
    public static final int MAX_TIME_CHARS = 40;
    /** How much of a refused value an error quotes. */
    public static final int ECHO_CHARS = 64;
    /** The longest field path an error names (32 levels of keys at most, each quoted at most {@link #ECHO_CHARS}). */
    public static final int MAX_FIELD_CHARS = 512;
    /** The longest error message we return (messages listing alternatives are the longest legitimate ones). */
    public static final int MAX_ERROR_CHARS = 2000;
    /** Digits in a duration: 12 cannot overflow a {@link Duration} in any unit, and no bound we check is near it. */
    private static final int MAX_DURATION_DIGITS = 12;
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private InputPolicy() {
    }

    /** A route or target name: exactly the config's rule, nothing trimmed. */
    public static String name(String field, String value) {
        requireClean(field, value, MAX_NAME_CHARS);
        if (!NAME.matcher(value).matches()) {
            throw new BadRequestException(field, quote(value) + " is not a route or target name (a letter or digit, then letters, "
                    + "digits, '_', '.' or '-', at most " + MAX_NAME_CHARS + " characters, as in the config file)");
        }
        return value;
    }

    /**
     * Free text kept as a note in history and state items ({@code reason}, {@code requestedBy}): any printable
     * characters in any script, one line, at most {@code maxChars} characters, not blank. Kept exactly as given.
     */
    public static String note(String field, String value, int maxChars) {
        requireClean(field, value, maxChars);
        if (value.isBlank()) {
            throw new BadRequestException(field, "is blank; give a short text or leave the field out");
        }
        return value;
    }

    /** Text from an event (ids, names, states): same rules as {@link #note}, with the field's own bound. */
    public static String eventText(String field, String value, int maxChars) {
        return note(field, value, maxChars);
    }

    /**
     * A duration in the invoke syntax ({@code 500ms 30s 15m 2h 1d}), longer than zero and at most {@code max}. No
     * value can overflow: the digits are bounded before any arithmetic.
     */
    public static Duration duration(String field, String text, Duration max) {
        requireClean(field, text, MAX_TIME_CHARS);
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            throw new BadRequestException(field, quote(text) + " is not a duration; use a number and a unit: 500ms, 30s, 15m, 2h, 1d");
        }
        String digits = m.group(1);
        if (digits.length() > MAX_DURATION_DIGITS) {
            throw new BadRequestException(field, quote(text) + " is out of range; at most " + format(max));
        }
        long n = Long.parseLong(digits);
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new BadRequestException(field, "must be longer than zero");
        }
        if (d.compareTo(max) > 0) {
            throw new BadRequestException(field, quote(text) + " is out of range; at most " + format(max));
        }
        return d;
    }

    private static String format(Duration d) {
        return d.toDays() > 0 && d.toHours() % 24 == 0 ? d.toDays() + "d" : d.toHours() > 0 && d.toMinutes() % 60 == 0
                ? d.toHours() + "h" : d.toMillis() + "ms";
    }

    /** Refuses null, over-long text and any character that is not printable on one line. */
    static void requireClean(String field, String value, int maxChars) {
        if (value == null) {
            throw new BadRequestException(field, "missing");
        }
        int length = value.codePointCount(0, value.length());
        if (length > maxChars) {
            throw new BadRequestException(field, "is " + length + " characters long; at most " + maxChars + " are accepted (starts "
                    + quote(value) + ")");
        }
        int bad = firstForbidden(value);
        if (bad >= 0) {
            throw new BadRequestException(field, "contains " + describe(value, bad) + " at position " + value.codePointCount(0, bad)
                    + "; control, format and separator characters are refused, not removed (value " + quote(value) + ")");
        }
        if (!value.isEmpty() && (Character.isWhitespace(value.codePointAt(0)) || Character.isWhitespace(value.codePointBefore(value.length()))
                || Character.isSpaceChar(value.codePointAt(0)) || Character.isSpaceChar(value.codePointBefore(value.length())))) {
            throw new BadRequestException(field, "starts or ends with a blank; blanks are refused, not trimmed (value " + quote(value) + ")");
        }
    }

    /**
     * Index of the first character we refuse in text fields, or -1: C0/C1 controls and DEL (Cc), invisible format
     * characters such as bidi overrides and zero-width joiners (Cf), line and paragraph separators (Zl, Zp), lone
     * surrogates (Cs) and unassigned code points or non-characters (Cn).
     */
    public static int firstForbidden(String s) {
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (isForbidden(cp)) {
                return i;
            }
            i += Character.charCount(cp);
        }
        return -1;
    }

    private static String describe(String s, int index) {
        int cp = s.codePointAt(index);
        String name = Character.getName(cp);
        return String.format("U+%04X", cp) + (name == null ? "" : " (" + name + ")");
    }

    /**
     * A message or field for an answer or a log line: at most {@code max} characters, then a cut marker, with the characters
     * {@link #firstForbidden} refuses written as {@code \}{@code uXXXX}; everything else (quotes of values, already
     * escaped by {@link #quote}) is left as it is.
     */
    public static String bounded(String s, int max) {
        return write(s, max, false);
    }

    /** A key as (part of) a field name in an error: escaped, bounded, and {@code ''} for the empty key. */
    public static String key(String k) {
        return k == null || k.isEmpty() ? "''" : escape(k, ECHO_CHARS);
    }

    /** A value for an error message: at most {@link #ECHO_CHARS} characters, escaped, in single quotes. */
    public static String quote(String s) {
        return s == null ? "null" : "'" + escape(s, ECHO_CHARS) + "'";
    }

    /**
     * {@code s} with each character outside printable ASCII that is not a letter or digit written as
     * {@code \}{@code uXXXX} (and {@code \} as {@code \\}), at most {@code max} characters, a cut marked with how
     * long the whole was. The result is safe in a log line, a terminal and JSON.
     */
    public static String escape(String s, int max) {
        return write(s, max, true);
    }

    private static String write(String s, int max, boolean escapeAllButLetters) {
        if (s == null) {
            return "";
        }
        String cut = "...(" + s.length() + " chars)";
        StringBuilder b = new StringBuilder(Math.min(s.length(), max) + cut.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            String piece;
            if (escapeAllButLetters ? !((cp >= 0x20 && cp < 0x7f && cp != '\\') || (cp > 0x7f && Character.isLetterOrDigit(cp)))
                    : isForbidden(cp)) {
                StringBuilder e = new StringBuilder();
                for (char c : Character.toChars(cp)) {
                    e.append(c == '\\' ? "\\\\" : String.format("\\u%04x", (int) c));
                }
                piece = e.toString();
            } else {
                piece = new String(Character.toChars(cp));
            }
            if (b.length() + piece.length() > max) {
                return b.append(cut).toString();
            }
            b.append(piece);
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static boolean isForbidden(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR,
                 Character.SURROGATE, Character.UNASSIGNED -> true;
            default -> false;
        };
    }
}
