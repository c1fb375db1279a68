package io.github.vpcroutefailover.yaml;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration syntax of the function's and the agent's configs: one or more number+unit parts, units {@code ms},
 * {@code s}, {@code m}, {@code h}, lower case, no spaces ("250ms", "30s", "1.5s", "5m", "1m30s"). A part may have a
 * decimal fraction; the total is rounded to whole milliseconds. ISO-8601 ("PT30S") is deliberately not accepted: one
 * spelling per value keeps configs greppable and reviewable.
 */
public final class Durations {
    private static final Pattern WHOLE = Pattern.compile("(\\d{1,19}(\\.\\d{1,9})?(ms|s|m|h))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(?:\\.(\\d+))?(ms|s|m|h)");
    /** Far beyond any sensible setting, and far inside {@link Duration}'s and a long's millisecond range. */
    private static final long MAX_MILLIS = Long.MAX_VALUE / 4;
    private static final long BILLION = 1_000_000_000L;
    private static final long[] POWERS_OF_TEN = {1L, 10L, 100L, 1_000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L, 100_000_000L, 1_000_000_000L};

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message saying what is accepted */
    public static Duration parse(String text) {
        String t = text == null ? "" : text.trim();
        if (t.length() > 64 || !WHOLE.matcher(t).matches()) {
            throw new IllegalArgumentException("'" + shorten(t) + "' is not a duration; write a number with a unit: 250ms, 30s, 5m, 1h (or 1m30s, 1.5s)");
        }
        // Exact sum in whole milliseconds plus a remainder in billionths of one (a part has at most 9 fraction digits and
        // a unit is a whole number of milliseconds, so no part has finer digits), rounded half up once at the end. Longs,
        // not BigDecimal: BigDecimal's first use costs a cold controller ~20 ms of class initialization (issue #17).
        long millis = 0;
        long billionths = 0;
        Matcher m = PART.matcher(t);
        while (m.find()) {
            long unit = switch (m.group(3)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                default -> 3_600_000;
            };
            try {
                millis = Math.addExact(millis, Math.multiplyExact(Long.parseLong(m.group(1)), unit));
            } catch (ArithmeticException | NumberFormatException e) {
                throw tooLarge(t);
            }
            String fraction = m.group(2);
            if (fraction != null) {
                long scaled = Long.parseLong(fraction) * POWERS_OF_TEN[9 - fraction.length()];
                billionths += scaled * unit;
                try {
                    millis = Math.addExact(millis, billionths / BILLION);
                } catch (ArithmeticException e) {
                    throw tooLarge(t);
                }
                billionths %= BILLION;
            }
            if (millis > MAX_MILLIS || millis == MAX_MILLIS && billionths > 0) {
                throw tooLarge(t);
            }
        }
        return Duration.ofMillis(billionths >= BILLION / 2 ? millis + 1 : millis);
    }

    private static IllegalArgumentException tooLarge(String t) {
        return new IllegalArgumentException("'" + t + "' is too large");
    }

    /** As {@link #parse}, or null when the text is not a duration (the caller words the error). */
    public static Duration parseOrNull(String text) {
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The shortest exact spelling in config syntax: 5m, 1h30m, 250ms; 1m0s500ms is written 60500ms. */
    public static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        if (d.isNegative()) {
            return "-" + format(d.negated());
        }
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        StringBuilder sb = new StringBuilder();
        if (s >= 3600) {
            sb.append(s / 3600).append('h');
            s %= 3600;
        }
        if (s >= 60) {
            sb.append(s / 60).append('m');
            s %= 60;
        }
        if (s > 0) {
            sb.append(s).append('s');
        }
        return sb.toString();
    }

    private static String shorten(String t) {
        return t.length() <= 40 ? t : t.substring(0, 40) + "...";
    }
}
