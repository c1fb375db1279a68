package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Config files built to hurt (issue #11), through the real command line: every one must end in exit status 2
 * (configuration error: systemd's unit does not restart on it) with a message naming the bound, never a
 * StackOverflowError or exit 1 (which would be restarted forever). No wall-clock asserts: returning at all is the point.
 */
class HostileConfigTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int checkConfig(Path config) {
        return AgentMain.execute(new String[] {"check-config", "--config", config.toString()}, name -> null,
                new PrintWriter(out, true), new PrintWriter(err, true));
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void twentyThousandNestedListsExitTwo() throws IOException {
        Path file = write("deep.yaml", "checks: " + "[".repeat(20_000) + "]".repeat(20_000) + "\n");
        assertThat(checkConfig(file)).isEqualTo(2);
        assertThat(err.toString()).contains("nested more than 64 levels").contains("line 1");
    }

    @Test
    void twentyThousandNestedMappingsExitTwo() throws IOException {
        Path file = write("deep-map.yaml", "checks: " + "{a: ".repeat(20_000) + "1" + "}".repeat(20_000) + "\n");
        assertThat(checkConfig(file)).isEqualTo(2);
        assertThat(err.toString()).contains("nested more than 64 levels");
    }

    @Test
    void fourAndFortyMegabyteFilesExitTwoWithoutBeingRead() throws IOException {
        for (int mb : new int[] {4, 40}) {
            Path file = dir.resolve(mb + "mb.yaml");
            byte[] chunk = "# padding padding padding padding padding padding padding padding padding padding\n"
                    .repeat(1000).getBytes(StandardCharsets.US_ASCII);
            try (OutputStream o = Files.newOutputStream(file)) {
                for (long written = 0; written < mb * 1_048_576L; written += chunk.length) {
                    o.write(chunk);
                }
            }
            err.getBuffer().setLength(0);
            assertThat(checkConfig(file)).as(mb + " MB").isEqualTo(2);
            assertThat(err.toString()).contains("more than the 1048576 (1 MiB)");
        }
    }

    @Test
    void billionLaughsExitsTwo() throws IOException {
        StringBuilder sb = new StringBuilder("x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            sb.append("x").append(i).append(": &x").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                sb.append(j == 0 ? "" : ", ").append("*x").append(i - 1);
            }
            sb.append("]\n");
        }
        sb.append("checks: []\n");
        assertThat(checkConfig(write("laughs.yaml", sb.toString()))).isEqualTo(2);
        assertThat(err.toString()).contains("aliases");
    }

    @Test
    void invalidUtf8ExitsTwo() throws IOException {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "checks: []\nregion: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        assertThat(checkConfig(file)).isEqualTo(2);
        assertThat(err.toString()).contains("not UTF-8").contains("line 2");
    }

    @Test
    void aDirectoryInsteadOfAFileExitsTwo() {
        assertThat(checkConfig(dir)).isEqualTo(2);
    }

    @Test
    void aMissingFileExitsTwo() {
        assertThat(checkConfig(dir.resolve("nope.yaml"))).isEqualTo(2);
        assertThat(err.toString()).contains("file not found");
    }
}
