package io.github.vpcroutefailover.handler.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StrictJsonTest {

    private static BadRequestException refusal(String json) {
        return refusal(json.getBytes(StandardCharsets.UTF_8));
    }

    private static BadRequestException refusal(byte[] json) {
        Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> StrictJson.readObject(json));
        assertThat(t).as(new String(json, 0, Math.min(json.length, 200), StandardCharsets.UTF_8)).isInstanceOf(BadRequestException.class);
        BadRequestException e = (BadRequestException) t;
        assertThat(e.getMessage()).hasSizeLessThanOrEqualTo(InputPolicy.MAX_ERROR_CHARS + 300);
        return e;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"action\":\"status\",\"action\":\"drain\",\"target\":\"nat-a\"}                | action",
            "{\"action\":\"drain\",\"target\":\"nat-b\",\"dryRun\":true,\"dryRun\":false}     | dryRun",
            "{\"detail\":{\"instance-id\":\"i-1\",\"instance-id\":\"i-2\"}}                   | detail.instance-id",
            "{\"route\":{\"routeTables\":[{\"tags\":{\"a\":1,\"a\":2}}]}}                        | route.routeTables[0].tags.a",
    })
    void duplicateKeysAreRefusedNamingTheKey(String json, String field) {
        BadRequestException e = refusal(json);
        assertThat(e.field()).isEqualTo(field);
        assertThat(e.getMessage()).contains("more than once");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"action\":\"status\"} {\"action\":\"drain\",\"target\":\"nat-a\"}",
            "{\"action\":\"status\"}]",
            "{\"action\":\"status\"} x",
            "{\"action\":\"status\"}{}",
    })
    void trailingContentIsRefused(String json) {
        BadRequestException e = refusal(json);
        assertThat(e.field()).isEqualTo("$");
        assertThat(e.getMessage()).contains("content after the JSON object");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"[1,2,3]", "\"status\"", "42", "null", "true"})
    void nonObjectRootsAreRefused(String json) {
        BadRequestException e = refusal(json);
        assertThat(e.field()).isEqualTo("$");
        assertThat(e.getMessage()).contains("expected a JSON object");
    }

    @Test
    void emptyAndBlankInputsAreRefused() {
        assertThat(refusal("").field()).isEqualTo("$");
        assertThat(refusal("   ").field()).isEqualTo("$");
        assertThat(refusal(new byte[0]).field()).isEqualTo("$");
    }

    @Test
    void aHugeStringIsRefusedAtItsOwnFieldWithoutEchoingIt() {
        String huge = "x".repeat(5 * 1024 * 1024);
        BadRequestException e = refusal("{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"" + huge + "\"}");
        assertThat(e.field()).isEqualTo("reason");
        assertThat(e.getMessage()).doesNotContain("x".repeat(InputPolicy.ECHO_CHARS + 1)).contains("longer than 65536 characters");
    }

    @Test
    void aDocumentOverTheLimitIsRefusedAsAWhole() {
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; b.length() < StrictJson.MAX_DOCUMENT_BYTES + 10_000; i++) {
            b.append("\"k").append(i).append("\":\"").append("y".repeat(1000)).append("\",");
        }
        b.append("\"end\":1}");
        BadRequestException e = refusal(b.toString());
        assertThat(e.field()).isEqualTo("$");
        assertThat(e.getMessage()).contains("256 KB");
    }

    @Test
    void deepNestingIsRefusedWithoutAStackOverflow() {
        String deep = "{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000);
        BadRequestException e = refusal(deep);
        assertThat(e.field()).startsWith("a.a.a");
        assertThat(e.getMessage()).contains("nested deeper than 32 levels");
        String arrays = "{\"a\":" + "[".repeat(50_000) + "]".repeat(50_000) + "}";
        assertThat(refusal(arrays).field()).startsWith("a[0]");
    }

    @Test
    void hugeNumbersAndKeysAreRefused() {
        assertThat(refusal("{\"n\":" + "9".repeat(10_000) + "}").field()).isEqualTo("n");
        BadRequestException key = refusal("{\"" + "k\u0001".repeat(10_000) + "\":1}");
        assertThat(key.getMessage()).doesNotContain("\u0001");
        assertThat(key.field()).hasSizeLessThan(200).doesNotContain("\u0001");
    }

    @Test
    void numbersThatWouldWrapAreRefused() {
        // 2^64 + 3: asLong() would read it as 3, a valid rise count.
        assertThat(refusal("{\"route\":{\"policy\":{\"rise\":18446744073709551619}}}").field()).isEqualTo("route.policy.rise");
        assertThat(refusal("{\"a\":[1,-99999999999999999999]}").field()).isEqualTo("a[1]");
        assertThat(refusal("{\"a\":1e400}").getMessage()).contains("out of range");
        assertThat(StrictJson.readObject("{\"a\":9223372036854775807,\"b\":-1.5e300}").get("a").asLong()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void invalidJsonNamesWhereItBroke() {
        assertThat(refusal("{not json").field()).isEqualTo("$");
        assertThat(refusal("{\"action\":\"status\",\"route\":}").field()).isEqualTo("route");
        assertThat(refusal("{\"a\":NaN}").field()).isEqualTo("a");
        assertThat(refusal("{\"a\":'x'}").field()).isEqualTo("a");
        assertThat(refusal("{\"a\":1,}").getMessage()).contains("not valid JSON");
        assertThat(refusal(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xff, '"', '}'}).field()).isEqualTo("a");
    }

    @Test
    void aCleanObjectIsReadAsItIs() {
        assertThat(StrictJson.readObject("{\"action\":\"status\",\"n\":[1,{\"b\":null}]}").toString())
                .isEqualTo("{\"action\":\"status\",\"n\":[1,{\"b\":null}]}");
        assertThat(StrictJson.readObject("  {\"action\":\"status\"}\n\t ").get("action").asText()).isEqualTo("status");
    }
}
