package io.github.vpcroutefailover.arch;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * One AWS SDK version for everything we run, the emulator included: scripts/emulators/pom.xml (DynamoDB Local's class
 * path, outside the reactor, so the enforcer rule does not see it) must import the SDK BOM at the root pom's
 * {@code aws-sdk.version} and pin no SDK module of its own.
 */
class EmulatorSdkVersionTest {
    private static final Path ROOT = Path.of("..");

    @Test
    void theEmulatorsRunOnTheProjectsSdkVersion() throws Exception {
        String root = Files.readString(ROOT.resolve("pom.xml"));
        String emulators = Files.readString(ROOT.resolve("scripts/emulators/pom.xml"));
        String version = first(Pattern.compile("<aws-sdk.version>([^<]+)</aws-sdk.version>"), root);

        Matcher sdk = Pattern.compile("<groupId>software\\.amazon\\.awssdk</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
                + "<version>([^<]+)</version>").matcher(emulators);
        int found = 0;
        while (sdk.find()) {
            found++;
            assertThat(sdk.group(1)).as("the emulators pin SDK modules only through the BOM").isEqualTo("bom");
            assertThat(sdk.group(2)).as("scripts/emulators/pom.xml SDK BOM = root pom aws-sdk.version").isEqualTo(version);
        }
        assertThat(found).as("scripts/emulators/pom.xml imports the SDK BOM").isEqualTo(1);
    }

    private static String first(Pattern p, String text) {
        Matcher m = p.matcher(text);
        assertThat(m.find()).as(p.pattern()).isTrue();
        return m.group(1);
    }
}
