package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The whole synthesized template against a reviewed snapshot, so any change to what users deploy shows up in a
 * diff. Volatile values (asset hashes, the version resource's code-derived logical id) are normalised.
 *
 * <p>To accept a deliberate change: {@code VRF_UPDATE_SNAPSHOTS=1 mvn -B -ntp -pl infra-cdk -am verify
 * -Dtest=TemplateSnapshotTest -Dsurefire.failIfNoSpecifiedTests=false} (or {@code -Dvrf.updateSnapshots=true}),
 * then review and commit src/test/resources/snapshots.
 */
class TemplateSnapshotTest {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    static final Path SNAPSHOTS = Path.of("src/test/resources/snapshots");

    static boolean updating() {
        return "true".equals(System.getProperty("vrf.updateSnapshots")) || "1".equals(System.getenv("VRF_UPDATE_SNAPSHOTS"))
                || "true".equals(System.getenv("VRF_UPDATE_SNAPSHOTS"));
    }

    /** Asset hashes change with every function build; the version's logical id embeds a hash of the code. */
    static String normalise(Map<String, Object> template) throws IOException {
        return JSON.writeValueAsString(template)
                .replaceAll("[0-9a-f]{64}", "<ASSET_HASH>")
                .replaceAll("CurrentVersion[0-9A-Fa-f]{32,}", "CurrentVersion<CODE_HASH>")
                + "\n";
    }

    private static void check(String name, Map<String, Object> template) throws IOException {
        Path file = SNAPSHOTS.resolve(name);
        String actual = normalise(template);
        if (updating()) {
            Files.createDirectories(SNAPSHOTS);
            Files.writeString(file, actual);
            return;
        }
        assertThat(file).as("snapshot " + file + " is missing; create it with VRF_UPDATE_SNAPSHOTS=1 (see class javadoc)").exists();
        assertThat(actual).as("template differs from " + file + "; if the change is intended, update the snapshot "
                + "with VRF_UPDATE_SNAPSHOTS=1 and review the diff").isEqualTo(Files.readString(file));
    }

    @Test
    void fullStackMatchesSnapshot() throws IOException {
        check("full.template.json", TestStacks.full().template().toJSON());
    }

    @Test
    void minimalStackMatchesSnapshot() throws IOException {
        check("minimal.template.json", TestStacks.minimal().template().toJSON());
    }

    @Test
    void normalisationRemovesOnlyVolatileValues() throws IOException {
        // Why: a normaliser that blanked too much would make the snapshot test unable to fail.
        String out = normalise(Map.of("S3Key", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.jar",
                "Ref", "ControllerCurrentVersion0123456789ABCDEF0123456789abcdef", "Other", "rtb-0aaaaaaaaaaaaaaaa"));
        assertThat(out).contains("<ASSET_HASH>.jar", "ControllerCurrentVersion<CODE_HASH>", "rtb-0aaaaaaaaaaaaaaaa");
    }
}
