package io.github.vpcroutefailover.yaml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.vpcroutefailover.yaml.YamlException.Kind;
import io.github.vpcroutefailover.yaml.YamlNode.Mapping;
import io.github.vpcroutefailover.yaml.YamlNode.Position;
import io.github.vpcroutefailover.yaml.YamlNode.Scalar;
import io.github.vpcroutefailover.yaml.YamlNode.Sequence;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlReaderTest {

    private static YamlNode root(String yaml) throws YamlException {
        return YamlReader.read(yaml).root();
    }

    private static Object value(YamlNode mapping, String key) {
        return ((Scalar) entry(mapping, key).value()).value();
    }

    private static YamlNode.Entry entry(YamlNode mapping, String key) {
        return ((Mapping) mapping).entries().stream().filter(e -> key.equals(((Scalar) e.key()).value())).findFirst().orElseThrow();
    }

    @Test
    void coreSchemaNotYaml11() throws YamlException {
        YamlNode r = root("""
                a: yes
                b: on
                c: 017
                d: 0o17
                e: 0x1f
                f: ~
                g: true
                h: "true"
                i: 1.5
                j: 99999999999999999999
                k: 3000000000
                """);
        assertThat(value(r, "a")).isEqualTo("yes");
        assertThat(value(r, "b")).isEqualTo("on");
        assertThat(value(r, "c")).isEqualTo(17);
        assertThat(value(r, "d")).isEqualTo(15);
        assertThat(value(r, "e")).isEqualTo(31);
        assertThat(value(r, "f")).isNull();
        assertThat(value(r, "g")).isEqualTo(true);
        assertThat(value(r, "h")).isEqualTo("true");
        assertThat(((Scalar) entry(r, "h").value()).quoted()).isTrue();
        assertThat(value(r, "i")).isEqualTo(1.5);
        assertThat(value(r, "j")).isEqualTo(new BigInteger("99999999999999999999"));
        assertThat(value(r, "k")).isEqualTo(3000000000L);
    }

    @Test
    void keepsPositionsOfKeysValuesAndItems() throws YamlException {
        YamlNode r = root("""
                routes:
                  - name: a
                    targets: [x, y]
                """);
        YamlNode.Entry routes = entry(r, "routes");
        assertThat(routes.key().at()).isEqualTo(new Position(1, 1));
        YamlNode first = ((Sequence) routes.value()).items().get(0);
        assertThat(entry(first, "name").key().at()).isEqualTo(new Position(2, 5));
        Sequence targets = (Sequence) entry(first, "targets").value();
        assertThat(targets.items().get(1).at()).isEqualTo(new Position(3, 18));
    }

    @Test
    void keepsDuplicateKeysForTheCallerToReport() throws YamlException {
        YamlNode r = root("a: 1\nb: 2\na: 3\n");
        List<YamlNode.Entry> entries = ((Mapping) r).entries();
        assertThat(entries).extracting(e -> ((Scalar) e.key()).value()).containsExactly("a", "b", "a");
        assertThat(entries.get(2).key().at().line()).isEqualTo(3);
    }

    @Test
    void emptyDocumentHasNoRoot() throws YamlException {
        assertThat(YamlReader.read("# only a comment\n").root()).isNull();
        assertThat(YamlReader.read("").root()).isNull();
    }

    @Test
    void aSecondDocumentIsPointedAt() throws YamlException {
        YamlReader.Document d = YamlReader.read("a: 1\n---\nb: 2\n");
        assertThat(d.extraDocument()).isEqualTo(new Position(2, 1));
        assertThat(value(d.root(), "a")).isEqualTo(1);
    }

    @Test
    void syntaxErrorsCarryTheirPosition() {
        YamlException e = catchThrowableOfType(YamlException.class, () -> root("a: [1, 2\nb: 3\n"));
        assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
        assertThat(e.line()).isPositive();
        assertThat(e.getMessage()).startsWith("at line ");
    }

    @Test
    void aliasesShareTheirAnchorAndUndefinedOnesAreRefused() throws YamlException {
        YamlNode r = root("base: &b {port: 22}\nother: *b\n");
        assertThat(entry(r, "other").value()).isSameAs(entry(r, "base").value());
        YamlException e = catchThrowableOfType(YamlException.class, () -> root("a: *nope\n"));
        assertThat(e.problem()).contains("undefined alias '*nope'");
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void unsupportedTagsAreRefusedWithTheirLine() {
        YamlException e = catchThrowableOfType(YamlException.class, () -> root("a: 1\nb: !!binary aGVsbG8=\n"));
        assertThat(e.kind()).isEqualTo(Kind.SYNTAX);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("'!!binary' is not supported");
        assertThat(catchThrowableOfType(YamlException.class, () -> root("a: !!set {x}\n")).problem()).contains("!!set");
    }

    // Hostile input: each must come back as a YamlException (no StackOverflowError, no OutOfMemoryError).

    @Test
    void twentyThousandNestedFlowListsAreRefusedAsTooDeep() {
        String yaml = "a: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        YamlException e = catchThrowableOfType(YamlException.class, () -> root(yaml));
        assertThat(e.kind()).isEqualTo(Kind.TOO_DEEP);
        assertThat(e.line()).isEqualTo(1);
    }

    @Test
    void twentyThousandNestedBlockMappingsAreRefusedAsTooDeep() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            sb.append(" ".repeat(i)).append("k").append(":\n");
        }
        String yaml = sb.toString();
        // 20,000 levels of indentation is ~200 MB of spaces, beyond the size bound; stay below it to reach the depth bound.
        String within = yaml.substring(0, Math.min(yaml.length(), YamlReader.MAX_BYTES - 1));
        YamlException e = catchThrowableOfType(YamlException.class, () -> root(within));
        assertThat(e.kind()).isEqualTo(Kind.TOO_DEEP);
        assertThat(e.line()).isEqualTo(YamlReader.MAX_DEPTH + 1);
    }

    @Test
    void atTheDepthBoundItStillReads() throws YamlException {
        int depth = YamlReader.MAX_DEPTH;
        YamlNode r = root("[".repeat(depth) + "]".repeat(depth));
        int seen = 0;
        for (YamlNode n = r; n instanceof Sequence s; n = s.items().isEmpty() ? null : s.items().get(0)) {
            seen++;
        }
        assertThat(seen).isEqualTo(depth);
        assertThat(catchThrowableOfType(YamlException.class, () -> root("[".repeat(depth + 1) + "]".repeat(depth + 1))).kind())
                .isEqualTo(Kind.TOO_DEEP);
    }

    @Test
    void fourAndFortyMegabyteFilesAreRefusedBeforeParsing(@TempDir Path dir) throws IOException {
        for (int mb : new int[] {4, 40}) {
            Path file = dir.resolve(mb + "mb.yaml");
            byte[] line = "key: value\n".getBytes(StandardCharsets.US_ASCII);
            try (var out = Files.newOutputStream(file)) {
                for (long written = 0; written < mb * 1_048_576L; written += line.length) {
                    out.write(line);
                }
            }
            YamlException e = catchThrowableOfType(YamlException.class, () -> YamlReader.readFile(file));
            assertThat(e.kind()).as(mb + " MB").isEqualTo(Kind.TOO_LARGE);
            assertThat(e.problem()).contains("1048576").contains("bytes");
        }
        YamlException text = catchThrowableOfType(YamlException.class, () -> YamlReader.read("a".repeat(4 * 1_048_576)));
        assertThat(text.kind()).isEqualTo(Kind.TOO_LARGE);
    }

    @Test
    void billionLaughsIsRefusedWithoutExpanding() {
        String yaml = """
                a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
                b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
                c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
                d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
                e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
                f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
                g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
                h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
                i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
                """;
        YamlException e = catchThrowableOfType(YamlException.class, () -> root(yaml));
        assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_VALUES);
        assertThat(e.problem()).contains("alias");
    }

    @Test
    void aDoublingAliasChainUnderTheAliasCountIsStillBounded() {
        StringBuilder sb = new StringBuilder("a0: &a0 [x, x]\n");
        for (int i = 1; i < 40; i++) {
            sb.append("a").append(i).append(": &a").append(i).append(" [*a").append(i - 1).append(", *a").append(i - 1).append("]\n");
        }
        YamlException e = catchThrowableOfType(YamlException.class, () -> root(sb.toString()));
        assertThat(e.kind()).isEqualTo(Kind.TOO_MANY_VALUES);
    }

    @Test
    void invalidUtf8IsRefusedWithItsLine() {
        byte[] bytes = "a: 1\nb: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        YamlException e = catchThrowableOfType(YamlException.class, () -> YamlReader.read(bytes));
        assertThat(e.kind()).isEqualTo(Kind.ENCODING);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("not UTF-8").contains("0xE9");
    }

    @Test
    void aByteOrderMarkIsAllowed() throws YamlException {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] body = "a: 1\n".getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[bom.length + body.length];
        System.arraycopy(bom, 0, all, 0, bom.length);
        System.arraycopy(body, 0, all, bom.length, body.length);
        assertThat(value(YamlReader.read(all).root(), "a")).isEqualTo(1);
    }

    @Test
    void controlCharactersAreRefused() {
        YamlException e = catchThrowableOfType(YamlException.class, () -> root("a: 1\nb: x\u0001y\n"));
        assertThat(e).isNotNull();
        assertThat(e.line()).isEqualTo(2);
    }

    @Test
    void aMissingFileIsAnIoProblem(@TempDir Path dir) {
        YamlException e = catchThrowableOfType(YamlException.class, () -> YamlReader.readFile(dir.resolve("nope.yaml")));
        assertThat(e.kind()).isEqualTo(Kind.IO);
    }
}
