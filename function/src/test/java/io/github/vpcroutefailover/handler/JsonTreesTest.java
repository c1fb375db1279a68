package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

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

/** The answers' trees are built without databind's serializers; they must be exactly what valueToTree built before. */
class JsonTreesTest {
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
        // Not built here: each goes through valueToTree, as before.
        out.put("float", 1.5f);
        out.put("short", (short) 2);
        out.put("record", new Point("p", 1));
        out.put("intKeys", Map.of(1, "one"));
        out.put("nested", List.of(List.of(1, 2), List.of()));

        assertThat(JsonTrees.of(out)).isEqualTo(ControllerHandler.JSON.valueToTree(out));
        assertThat(JsonTrees.of(out).toString()).isEqualTo(ControllerHandler.JSON.valueToTree(out).toString());
    }

    @Test
    void aTreeIsKeptAndNullIsTheNullNode() {
        var node = ControllerHandler.JSON.createObjectNode().put("a", 1);
        assertThat(JsonTrees.of(Map.of("n", node)).get("n")).isSameAs(node);
        assertThat(JsonTrees.of(null).isNull()).isTrue();
    }
}
