package io.github.vpcroutefailover.handler.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class InputPolicyTest {
    private static final Duration WEEK = Duration.ofDays(7);

    private static BadRequestException refused(Runnable r) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(r::run);
        assertThat(t).isInstanceOf(BadRequestException.class);
        return (BadRequestException) t;
    }

    @ParameterizedTest
    @ValueSource(strings = {"egress\u0000", "egress\t", " egress", "egress ", "egress\u00a0", "eg\u202eress", "eg\u200bress",
            "egress\u2028", "\ud800egress", "egress\u007f", "egress\u0085", "égress", "", "-egress", "e/gress"})
    void namesAreRefusedNotRepaired(String value) {
        BadRequestException e = refused(() -> InputPolicy.name("route", value));
        assertThat(e.field()).isEqualTo("route");
        assertThat(e.getMessage()).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u202e\\u200b\\ud800]");
    }

    @Test
    void namesFollowTheConfigRule() {
        assertThat(InputPolicy.name("route", "default-egress")).isEqualTo("default-egress");
        assertThat(InputPolicy.name("target", "a".repeat(63))).hasSize(63);
        assertThat(refused(() -> InputPolicy.name("target", "a".repeat(64))).getMessage()).contains("at most 63");
    }

    @Test
    void notesKeepAnyScriptButRefuseInvisibleAndControlCharacters() {
        assertThat(InputPolicy.note("reason", "Wartung über Nacht, 日本語 ok, emoji \ud83d\ude80", 1000)).endsWith("\ud83d\ude80");
        assertThat(refused(() -> InputPolicy.note("reason", "line1\nline2", 1000)).getMessage()).contains("U+000A");
        assertThat(refused(() -> InputPolicy.note("reason", "abc\u202edef", 1000)).getMessage()).contains("U+202E");
        assertThat(refused(() -> InputPolicy.note("reason", "   ", 1000)).field()).isEqualTo("reason");
        assertThat(refused(() -> InputPolicy.note("requestedBy", "x".repeat(129), 128)).getMessage()).contains("129 characters");
        // Counted in characters, not UTF-16 units: 128 emoji are 128 characters.
        assertThat(InputPolicy.note("requestedBy", "\ud83d\ude80".repeat(128), 128)).hasSize(256);
    }

    @Test
    void aHugeValueIsQuotedAsABoundedEscapedPrefix() {
        String huge = "\u0001".repeat(250_000);
        BadRequestException e = refused(() -> InputPolicy.note("reason", huge, 1000));
        assertThat(e.getMessage()).hasSizeLessThan(700).contains("250000 characters").contains("\\u0001").doesNotContain("\u0001");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999d", "9223372036854775807d", "9223372036854775807ms", "106751991167301d", "8d",
            "169h", "604800001ms", "0s", "-1h", "1.5h", "1h30m", " 1h", "1h ", "1H", "", "1\u0000h", "PT1H"})
    void durationsAreBoundedAndNeverOverflow(String text) {
        BadRequestException e = refused(() -> InputPolicy.duration("for", text, WEEK));
        assertThat(e.field()).isEqualTo("for");
        assertThat(e.getMessage()).hasSizeLessThan(300);
    }

    @Test
    void durationsInRange() {
        assertThat(InputPolicy.duration("for", "7d", WEEK)).isEqualTo(WEEK);
        assertThat(InputPolicy.duration("for", "168h", WEEK)).isEqualTo(WEEK);
        assertThat(InputPolicy.duration("for", "500ms", WEEK)).isEqualTo(Duration.ofMillis(500));
        assertThat(InputPolicy.duration("for", "000000000090m", WEEK)).isEqualTo(Duration.ofMinutes(90));
        assertThat(refused(() -> InputPolicy.duration("for", "99999999999999999999d", WEEK)).getMessage()).contains("at most 7d");
    }

    @Test
    void boundedMessagesKeepTextAndEscapeOnlyWhatIsRefused() {
        assertThat(InputPolicy.bounded("no target named 'x' \u2192 \u00e9; targets: [a]", 100)).isEqualTo("no target named 'x' \u2192 \u00e9; targets: [a]");
        assertThat(InputPolicy.bounded("a\nb\u0000c\ud800d\ud83d\ude80", 100)).isEqualTo("a\\u000ab\\u0000c\\ud800d\ud83d\ude80");
        assertThat(InputPolicy.bounded("y".repeat(5000), 2000)).hasSize(2000 + "...(5000 chars)".length());
    }

    @Test
    void escapeKeepsLettersAndEscapesTheRest() {
        assertThat(InputPolicy.escape("nat-a\u0000\\x\u00e9\u202e", 64)).isEqualTo("nat-a\\u0000\\\\x\u00e9\\u202e");
        assertThat(InputPolicy.escape("abcdef", 3)).isEqualTo("abc...(6 chars)");
        assertThat(InputPolicy.quote(null)).isEqualTo("null");
    }
}
