package io.github.vpcroutefailover.config;

import java.util.regex.Pattern;

/** EC2 resource id shapes: a prefix and 8 (older resources) or 17 lower-case hex digits. */
final class AwsIds {
    private AwsIds() {
    }

    static boolean valid(String prefix, String id) {
        return id != null && Pattern.matches(Pattern.quote(prefix) + "-[0-9a-f]{8}([0-9a-f]{9})?", id);
    }

    static String example(String prefix) {
        return prefix + "-0123456789abcdef0";
    }

    static String expected(String what, String prefix) {
        return "expected " + what + " id: " + prefix + "- followed by 8 or 17 lower-case hex digits, e.g. " + example(prefix);
    }
}
