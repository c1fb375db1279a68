package io.github.vpcroutefailover.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.DayOfWeek;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Trees are read, built and written without a mapper; each must be exactly what the mapper gave before. */
class JsonTreesTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    record Point(String name, int x) {
    }

    @Test
    void everyKindOfValueAnAnswerHoldsGivesTheSameTreeAsValueToTree() {
        Map<String, Object> change = new LinkedHashMap<>();
        change.put("route", "nat");
        change.put("to", null);
        change.put("version", 7L);
        change.put("count", 3);
        change.put("ratio", 0.25);
        change.put("exact", new BigDecimal("1.10"));
        change.put("big", new BigInteger("123456789012345678901234567890"));
        change.put("ok", true);
        change.put("day", DayOfWeek.MONDAY);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("ok", true);
        out.put("changes", List.of(change, Map.of()));
        out.put("notes", Arrays.asList("a", null, "c"));
        out.put("set", new LinkedHashSet<>(List.of("x", "y")));
        out.put("sorted", new TreeMap<>(Map.of("b", 2, "a", 1)));
        out.put("nan", Double.NaN);
        // Not built here: each goes through a mapper, as before.
        out.put("float", 1.5f);
        out.put("short", (short) 2);
        out.put("record", new Point("p", 1));
        out.put("intKeys", Map.of(1, "one"));
        out.put("nested", List.of(List.of(1, 2), List.of()));

        assertThat(JsonTrees.of(out)).isEqualTo(MAPPER.valueToTree(out));
        assertThat(JsonTrees.toText(JsonTrees.of(out))).isEqualTo(MAPPER.valueToTree(out).toString());
    }

    @Test
    void aTreeIsKeptAndNullIsTheNullNode() {
        ObjectNode node = JsonTrees.object().put("a", 1);
        assertThat(JsonTrees.of(Map.of("n", node)).get("n")).isSameAs(node);
        assertThat(JsonTrees.of(null).isNull()).isTrue();
    }

    @Test
    void writingGivesTheMappersBytesForEveryNodeKind() throws Exception {
        ObjectNode n = JsonTrees.object();
        n.put("text", "quote \" backslash \\ newline \n control \u0001 unicode é \uD83D\uDE00");
        n.put("int", Integer.MIN_VALUE).put("long", Long.MAX_VALUE).put("double", -0.0).put("nan", Double.NaN)
                .put("inf", Double.POSITIVE_INFINITY).put("float", 1.25f).put("short", (short) 3)
                .put("decimal", new BigDecimal("1.10")).put("big", new BigInteger("-98765432109876543210"))
                .put("yes", true).putNull("nothing");
        n.putArray("list").add(1).add("two").addNull().addObject().put("deep", List.of().size());
        n.putObject("empty");
        n.putArray("none");
        n.set("missing", JsonTrees.object().missingNode());
        n.put("bytes", new byte[] {1, 2, 3});
        n.putPOJO("pojo", new Point("p", 2));

        assertThat(JsonTrees.toBytes(n)).isEqualTo(MAPPER.writeValueAsBytes(n));
        assertThat(JsonTrees.toText(n)).isEqualTo(n.toString());
    }

    @Test
    void readingGivesTheMappersTree() throws Exception {
        String json = """
                {"s":"x\\u0041\\n","i":2147483647,"l":2147483648,"neg":-9223372036854775808,"b":18446744073709551619,
                 "d":1.5,"e":1e400,"t":true,"f":false,"n":null,"a":[[],{},[1,[2,[3]]]],"o":{"k":{"k":"v"}}, "":0}""";
        JsonNode mapper = MAPPER.readTree(json);
        JsonNode ours;
        try (JsonParser p = new JsonFactory().createParser(json)) {
            p.nextToken();
            ours = JsonTrees.read(p);
            assertThat(p.nextToken()).as("the reader stops on the value's last token").isNull();
        }
        assertThat(ours).isEqualTo(mapper);
        assertThat(ours.get("i").isInt()).isTrue();
        assertThat(ours.get("l").isLong()).isTrue();
        assertThat(ours.get("b").isBigInteger()).isTrue();
        assertThat(ours.get("e").isDouble()).isTrue();
        assertThat(JsonTrees.toText(ours)).isEqualTo(mapper.toString());
    }

    @Test
    void readingNeedsAToken() throws Exception {
        try (JsonParser p = new JsonFactory().createParser("")) {
            assertThatThrownBy(() -> JsonTrees.read(p)).isInstanceOf(IllegalStateException.class).hasMessageContaining("not on a token");
        }
    }
}
