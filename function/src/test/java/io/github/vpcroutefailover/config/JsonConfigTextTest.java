package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The JSON reading of a config must be the YAML reading of the same text: same tree, same line for every path. What it
 * cannot promise that for, it declines, and the YAML parser reads it as before.
 */
class JsonConfigTextTest {

    @TempDir
    Path dir;

    private static void sameAsYaml(String text) {
        YamlTree json = JsonConfigText.read(text);
        YamlTree yaml = YamlTree.parseYaml(text);
        assertThat(json).as("read as JSON:\n%s", text).isNotNull();
        assertThat(yaml.problems).as("YAML problems of:\n%s", text).isEmpty();
        assertThat(json.root).as(text).isEqualTo(yaml.root);
        assertThat(json.lines).as(text).isEqualTo(yaml.lines);
        assertThat(json.problems).isEmpty();
    }

    @Test
    void everySampleConfigCompilesToJsonThatReadsBackToTheSameConfig() throws IOException {
        List<Path> samples = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(Path.of("../samples/config"), "*.yaml")) {
            s.forEach(samples::add);
        }
        assertThat(samples).hasSizeGreaterThanOrEqualTo(4);
        for (Path sample : samples) {
            String json = ConfigLoader.compiledJson(sample);
            sameAsYaml(json);
            Path compiled = dir.resolve(sample.getFileName() + ".json");
            Files.writeString(compiled, json, StandardCharsets.UTF_8);
            FleetConfig fromYaml = FleetConfigLoader.load(sample);
            assertThat(FleetConfigLoader.load(compiled)).as(sample.toString()).isEqualTo(fromYaml);
            assertThat(YamlTree.parseFile(compiled).root).isEqualTo(YamlTree.parseFile(sample).root);
        }
    }

    @Test
    void aBrokenCompiledConfigReportsItsProblemsWithTheJsonLines() throws IOException {
        Path file = dir.resolve("config.json");
        Files.writeString(file, """
                {
                  "version": 1,
                  "vpc": "vpc-12345678",
                  "targets": {"nat-a": {"instance": "i-0123456789abcdef0"}},
                  "routes": [
                    {"name": "r", "destination": "10.0.0.0/33", "routeTables": ["rtb-11111111"], "targets": ["nat-a"]}
                  ]
                }
                """);
        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("routes[0].destination").hasMessageContaining("line 6");
    }

    @Test
    void compilingExpandsAliasesDropsCommentsAndRefusesWhatJsonCannotCarry() throws IOException {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "# comment\nbase: &b {x: 1, y: [a, 'b']}\ncopy: *b\nbig: 123456789012345678901234567890\nf: 1.5e3\n");
        String json = ConfigLoader.compiledJson(file);
        assertThat(json).doesNotContain("comment").doesNotContain("&b");
        assertThat(JsonConfigText.read(json).root).isEqualTo(YamlTree.parseFile(file).root);

        Files.writeString(file, "x: .inf\n");
        assertThatThrownBy(() -> ConfigLoader.compiledJson(file)).isInstanceOf(ConfigException.class).hasMessageContaining("quoted string");
        Files.writeString(file, "# nothing\n");
        assertThatThrownBy(() -> ConfigLoader.compiledJson(file)).isInstanceOf(ConfigException.class).hasMessageContaining("no config");
        Files.writeString(file, "a: [\n");
        assertThatThrownBy(() -> ConfigLoader.compiledJson(file)).isInstanceOf(ConfigException.class).hasMessageContaining("not valid YAML");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\": 1, \"a\": 2}", // a duplicate key: YAML words the problem with both lines
            "{\"a\": 1} {\"b\": 2}", "{\"a\": 1}\n---\n{\"b\": 2}\n", "{\"a\": 1} # note", // trailing content
            "{a: 1, b: [x, y]}", "{\"a\": 'single'}", "{\"a\": [1, 2,]}", "{\"a\": .inf}", "{\"a\": 0x1F}", // YAML, not JSON
            "{\"a\":\t1}", "\t{\"a\": 1}", // tabs
            "{\"a\": \"\u007f\"}", "{\"a\": \"\u0085\"}", "{\"a\": \"\u2028x\uFFFE\"}", "{\"a\": \"\uFFFF\"}", // characters YAML refuses or breaks on
            "{\"a\": \"\uD800\"}", "{\"a\": \"x\uDC00\"}", "\uFEFF{\"a\": 1}", "{\"a\": \"\uFEFF\"}", // unpaired surrogates, byte-order marks
            "{\"a\": 1", "", "  ", "[1, 2]", "\"text\"", "# only a comment", "{\"a\": nul}", "{\"a\": 01}", "{\"a\": -}" // not one JSON object
    })
    void declinesWhatYamlMightReadDifferently(String text) {
        assertThat(JsonConfigText.read(text)).isNull();
        YamlTree viaParse = YamlTree.parse(text);
        YamlTree yaml = YamlTree.parseYaml(text);
        assertThat(viaParse.root).isEqualTo(yaml.root);
        assertThat(viaParse.problems).isEqualTo(yaml.problems);
    }

    @Test
    void declinesWhatIsNearYamlsBoundsSoYamlRefusesIt() {
        String deep = "{\"a\": " + "[".repeat(70) + "]".repeat(70) + "}";
        assertThat(JsonConfigText.read(deep)).isNull();
        assertThat(YamlTree.parse(deep).problems).singleElement().satisfies(p -> assertThat(p.message()).contains("nested more than"));
        assertThat(JsonConfigText.read("{\"" + "k".repeat(1025) + "\": 1}")).isNull();
        assertThat(JsonConfigText.read("{\"n\": " + "9".repeat(2000) + "}")).isNull();
        StringBuilder many = new StringBuilder("{\"a\": [");
        for (int i = 0; i < 60_000; i++) {
            many.append(i == 0 ? "" : ",").append('1');
        }
        assertThat(JsonConfigText.read(many.append("]}").toString())).isNull();
        byte[] notUtf8 = {'{', '"', 'a', '"', ':', ' ', '"', (byte) 0xC3, '"', '}'};
        assertThat(JsonConfigText.read(notUtf8)).isNull();
        assertThat(JsonConfigText.read("\uFEFF{\"a\": 1}".getBytes(StandardCharsets.UTF_8))).as("a leading byte-order mark in a file, as YAML allows")
                .isNotNull();
    }

    @Test
    void scalarsResolveAsTheCoreSchemaResolvesThem() {
        sameAsYaml("""
                {"s": "5", "t": true, "f": false, "n": null, "i": 7, "neg": -7, "zero": -0, "maxInt": 2147483647, "aboveInt": 2147483648,
                 "minLong": -9223372036854775808, "aboveLong": 9223372036854775808, "huge": 123456789012345678901234567890,
                 "d": 1.5, "e": 1e5, "E": 2E-7, "ep": 1.25e+300, "negZero": -0.0, "over": 1e400, "tiny": 4.9e-325,
                 "esc": "q\\"b\\\\s\\/n\\nt\\tr\\ru\\u00e9\\ud83d\\ude00", "raw": "é中😀", "empty": "", "emptyObj": {}, "emptyArr": []}
                """);
    }

    @Test
    void randomDocumentsReadTheSameBothWays() {
        Random random = new Random(17);
        for (int i = 0; i < 1_500; i++) {
            StringBuilder text = new StringBuilder();
            String nl = random.nextInt(4) == 0 ? "\r\n" : "\n";
            object(random, text, 0, random.nextBoolean(), nl);
            sameAsYaml(text.toString());
        }
    }

    private static final String[] KEYS = {"version", "vpc", "routes", "targets", "a", "b-c", "x_y", "é", "中文", "😀", "with space",
            "quote\\\"d", "back\\\\slash", "esc\\u00e9", "1", "true", "null", "~", "- dash", "#hash", ":colon", "&amp", "*star", "!bang", "%pct"};
    private static final String[] STRINGS = {"", "x", "nat-a", "0.0.0.0/0", "2001:db8::/32", "5m", "yes", "no", "on", "off", "True",
            "NULL", "~", "0x1F", "0o17", "1_000", ".inf", "-.Inf", ".nan", "1e3", "+1", "012", " lead", "trail ", "a: b", "a #b",
            "[x]", "{y}", "- z", "'", "\\\"", "\\\\", "\\/", "\\b\\f", "\\n\\r\\t", "\\u0000", "\\u001f", "\\u00e9", "\\u2028", "\\ud83d\\ude00",
            "é中😀", "&anchor", "*alias", "!tag", "%dir", "@at", "`tick", "|", ">", "---", "..."};
    private static final String[] NUMBERS = {"0", "-0", "1", "-1", "42", "2147483647", "-2147483648", "2147483648", "-2147483649",
            "9223372036854775807", "-9223372036854775808", "9223372036854775808", "123456789012345678901234567890", "0.0", "-0.0",
            "1.5", "-2.25", "3.141592653589793", "1e5", "1E5", "1e-5", "1.5e+10", "-7.0E-3", "1e308", "1e400", "5e-324", "0.1e1"};

    private static void space(Random r, StringBuilder b, boolean pretty, String nl, int depth) {
        if (pretty) {
            b.append(nl).append("  ".repeat(depth));
        } else if (r.nextInt(3) == 0) {
            b.append(r.nextBoolean() ? " " : nl);
        }
    }

    private static void object(Random r, StringBuilder b, int depth, boolean pretty, String nl) {
        b.append('{');
        int n = r.nextInt(depth == 0 ? 6 : 4);
        List<String> used = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String key = KEYS[r.nextInt(KEYS.length)] + (used.size() > 0 && r.nextBoolean() ? used.size() : "");
            if (used.contains(key)) {
                continue;
            }
            b.append(used.isEmpty() ? "" : ",");
            used.add(key);
            space(r, b, pretty, nl, depth + 1);
            b.append('"').append(key).append('"').append(r.nextBoolean() ? ": " : ":");
            value(r, b, depth + 1, pretty, nl);
        }
        if (!used.isEmpty()) {
            space(r, b, pretty, nl, depth);
        }
        b.append('}');
    }

    private static void value(Random r, StringBuilder b, int depth, boolean pretty, String nl) {
        int kind = r.nextInt(depth >= 5 ? 6 : 8);
        switch (kind) {
            case 0, 1 -> b.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 2 -> b.append(NUMBERS[r.nextInt(NUMBERS.length)]);
            case 3 -> b.append(r.nextBoolean() ? "true" : "false");
            case 4 -> b.append("null");
            case 5 -> b.append('"').append(STRINGS[r.nextInt(STRINGS.length)]).append(STRINGS[r.nextInt(STRINGS.length)]).append('"');
            case 6 -> object(r, b, depth, pretty, nl);
            default -> {
                b.append('[');
                int n = r.nextInt(4);
                for (int i = 0; i < n; i++) {
                    b.append(i == 0 ? "" : ",");
                    space(r, b, pretty, nl, depth + 1);
                    value(r, b, depth + 1, pretty, nl);
                }
                if (n > 0) {
                    space(r, b, pretty, nl, depth);
                }
                b.append(']');
            }
        }
    }
}
