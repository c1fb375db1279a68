package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every file under config/broken/ is a broken config whose expected problems are written next to
 * the offending line as {@code # <- path: message fragment} (several on one line separated by ";;"). The expected
 * line is the line the marker sits on, so the oracle is the file itself, not the parser. The test also demands
 * that nothing else is reported: one clear message per problem.
 */
class BrokenConfigTest {
    record Expected(String path, int line, String fragment) {
    }

    static Stream<Path> brokenConfigs() throws IOException, URISyntaxException {
        Path dir = Path.of(BrokenConfigTest.class.getResource("/config/broken").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenConfigs")
    void reportsEveryProblemWithPathLineAndFix(Path file) throws IOException {
        List<Expected> expected = markers(Files.readAllLines(file));
        assertThat(expected).as("fixture %s declares its expected problems", file.getFileName()).isNotEmpty();

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));

        assertThat(e).as("%s must be rejected", file.getFileName()).isNotNull();
        List<ConfigProblem> problems = e.problems();
        for (Expected x : expected) {
            assertThat(problems).as("%s: expected a problem at line %d, path '%s', mentioning \"%s\"; got:%n%s",
                            file.getFileName(), x.line(), x.path(), x.fragment(), e.getMessage())
                    .anySatisfy(p -> {
                        assertThat(p.path()).isEqualTo(x.path());
                        assertThat(p.line()).isEqualTo(x.line());
                        assertThat(p.message()).contains(x.fragment());
                    });
        }
        assertThat(problems).as("%s: no problems beyond the expected ones:%n%s", file.getFileName(), e.getMessage()).hasSameSizeAs(expected);
        assertThat(e.getMessage()).contains(file.toString());
    }

    static List<Expected> markers(List<String> lines) {
        List<Expected> out = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            int at = lines.get(i).indexOf("# <- ");
            if (at < 0) {
                continue;
            }
            for (String m : lines.get(i).substring(at + 5).split(";;")) {
                String t = m.strip();
                int colon = t.indexOf(": ");
                out.add(new Expected(t.substring(0, colon), i + 1, t.substring(colon + 2)));
            }
        }
        return out;
    }

    @org.junit.jupiter.api.Test
    void markerParsing() {
        assertThat(markers(List.of("a: 1", "b: x  # <- b: bad thing;; c.d: other")))
                .containsExactly(new Expected("b", 2, "bad thing"), new Expected("c.d", 2, "other"));
        assertThatThrownBy(() -> ConfigLoader.parse("version: [", "inline")).isInstanceOf(ConfigException.class);
    }
}
