package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configs built to hurt the loader (issue #11): each must come back as one ConfigException problem naming the
 * bound, not a StackOverflowError, an OutOfMemoryError or a minute of parsing. No wall-clock asserts: returning at all
 * (with the surefire timeout as the backstop) is the point.
 */
class HostileConfigTest {

    private static ConfigProblem onlyProblem(ConfigException e) {
        assertThat(e).isNotNull();
        assertThat(e.problems()).hasSize(1);
        return e.problems().getFirst();
    }

    @Test
    void twentyThousandNestedListsAreRefused() {
        String yaml = "version: 1\nroutes: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n";
        ConfigProblem p = onlyProblem(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "deep.yaml")));
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).contains("nested more than 64 levels");
    }

    @Test
    void twentyThousandNestedMappingsAreRefused() {
        StringBuilder sb = new StringBuilder("version: 1\nroutes: ");
        for (int i = 0; i < 20_000; i++) {
            sb.append("{a: ");
        }
        sb.append("1").append("}".repeat(20_000)).append('\n');
        ConfigProblem p = onlyProblem(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(sb.toString(), "deep.yaml")));
        assertThat(p.message()).contains("nested more than 64 levels");
    }

    @Test
    void fourAndFortyMegabyteFilesAreRefusedBeforeReading(@TempDir Path dir) throws IOException {
        for (int mb : new int[] {4, 40}) {
            Path file = dir.resolve(mb + "mb.yaml");
            byte[] chunk = "# padding padding padding padding padding padding padding padding padding padding\n"
                    .repeat(1000).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream out = Files.newOutputStream(file)) {
                out.write("version: 1\n".getBytes(StandardCharsets.US_ASCII));
                for (long written = 0; written < mb * 1_048_576L; written += chunk.length) {
                    out.write(chunk);
                }
            }
            ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
            ConfigProblem p = onlyProblem(e);
            assertThat(p.message()).as(mb + " MB").contains("more than the 1048576 (1 MiB)");
            assertThat(e.getMessage()).contains(file.toString());
        }
    }

    @Test
    void fourMegabytesOfTextAreRefused() {
        String yaml = "version: 1\n" + "# x\n".repeat(1_048_576);
        assertThat(onlyProblem(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "big"))).message())
                .contains("1 MiB");
    }

    @Test
    void billionLaughsIsRefused() {
        StringBuilder sb = new StringBuilder("version: 1\nx0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            sb.append("x").append(i).append(": &x").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                sb.append(j == 0 ? "" : ", ").append("*x").append(i - 1);
            }
            sb.append("]\n");
        }
        ConfigProblem p = onlyProblem(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(sb.toString(), "laughs")));
        assertThat(p.message()).contains("aliases").contains("100000");
    }

    @Test
    void invalidUtf8IsRefusedWithItsLine(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "version: 1\nvpc: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        ConfigProblem p = onlyProblem(catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file)));
        assertThat(p.line()).isEqualTo(2);
        assertThat(p.message()).contains("not UTF-8");
    }

    @Test
    void yaml12RulesApply() throws IOException {
        // YAML 1.1 (the old Jackson reader) could read an unquoted yes as a boolean; YAML 1.2's core schema keeps it
        // text, so a boolean setting written as yes is refused with the type named instead of silently read.
        String fixture = Files.readString(Path.of("src/test/resources/config/broken/wrong-type-boolean.yaml"));
        String yaml = fixture.substring(0, fixture.indexOf("preempt:")) + "preempt: yes\n";
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "yes.yaml"));
        ConfigProblem p = onlyProblem(e);
        assertThat(p.path()).isEqualTo("routes[0].policy.preempt");
        assertThat(p.message()).contains("must be true or false, but found 'yes'");
    }
}
