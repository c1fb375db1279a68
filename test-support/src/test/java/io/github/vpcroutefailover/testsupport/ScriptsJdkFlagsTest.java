package io.github.vpcroutefailover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The scripts (scripts/with-jdk, scripts/test, infra-cdk/cdk-app) must start Maven on every JDK from 21 up. The
 * build machine has only one JDK, so each version is a fake JDK whose {@code java} reports that version and, like a
 * real JVM, refuses to start when given an option its version does not know. Starting it the way {@code mvn} does
 * ({@code $JAVACMD $MAVEN_OPTS ...}) through {@code scripts/with-jdk} shows whether Maven would start.
 */
class ScriptsJdkFlagsTest {

    private static final String UNSAFE_FLAG = "--sun-misc-unsafe-memory-access=allow";

    /** What mvn does with MAVEN_OPTS: word-split onto the java command line. */
    private static final String START_LIKE_MVN = "exec \"$JAVA_HOME/bin/java\" $MAVEN_OPTS -version";

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "JDK {0}")
    @ValueSource(ints = {21, 22, 23, 25})
    void mavenStartsOnEverySupportedJdk(int version) throws Exception {
        Path jdk = fakeJdk(version);

        Result r = run(List.of(script("scripts/with-jdk").toString(), "bash", "-c",
                "echo \"MAVEN_OPTS=[$MAVEN_OPTS]\"; " + START_LIKE_MVN), Map.of("JAVA_HOME", jdk.toString()));

        assertThat(r.exit()).as("fake java %d with the scripts' MAVEN_OPTS: %s", version, r.output()).isZero();
        assertThat(r.output()).contains("fake jdk " + version + " started");
        if (version >= 23) {
            assertThat(r.output()).contains("MAVEN_OPTS=[" + UNSAFE_FLAG + "]");
        } else {
            assertThat(r.output()).contains("MAVEN_OPTS=[]").doesNotContain(UNSAFE_FLAG);
        }
    }

    @Test
    void flagInheritedFromARunOnANewerJdkIsDroppedOnJdk21AndOtherOptionsKept() throws Exception {
        Path jdk = fakeJdk(21);

        Result r = run(List.of(script("scripts/with-jdk").toString(), "bash", "-c",
                        "echo \"MAVEN_OPTS=[$MAVEN_OPTS]\"; " + START_LIKE_MVN),
                Map.of("JAVA_HOME", jdk.toString(), "MAVEN_OPTS", "-Xmx1g " + UNSAFE_FLAG + " -Dglob=*"));

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("MAVEN_OPTS=[-Xmx1g -Dglob=*]");
    }

    @Test
    void flagIsAddedOnceWhenScriptsNest() throws Exception {
        Path jdk = fakeJdk(25);

        // scripts/test runs scripts/local-aws, which calls find_jdk again in a child that inherits MAVEN_OPTS.
        Result r = run(List.of(script("scripts/with-jdk").toString(), script("scripts/with-jdk").toString(), "bash",
                "-c", "echo \"MAVEN_OPTS=[$MAVEN_OPTS]\""), Map.of("JAVA_HOME", jdk.toString()));

        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.output()).contains("MAVEN_OPTS=[" + UNSAFE_FLAG + "]");
    }

    @Test
    void theJdkRunningThisTestAcceptsWhatTheScriptsGiveIt() throws Exception {
        // A real JVM, not a fake: whatever version runs the build must accept the options chosen for it.
        Path javaHome = Path.of(System.getProperty("java.home"));
        Result r = run(List.of(script("scripts/with-jdk").toString(), "bash", "-c", START_LIKE_MVN),
                Map.of("JAVA_HOME", javaHome.toString()));

        assertThat(r.exit()).as(r.output()).isZero();
    }

    /**
     * A JDK directory whose java prints {@code java.specification.version} like the real one and refuses
     * the unsafe-memory option below JDK 23, with the real JVM's message.
     */
    private Path fakeJdk(int version) throws IOException {
        Path home = tmp.resolve("jdk-" + version);
        Path bin = Files.createDirectories(home.resolve("bin"));
        String java = """
                #!/bin/bash
                version=%d
                for a in "$@"; do
                  if [[ "$a" == --sun-misc-unsafe-memory-access=* ]] && (( version < 23 )); then
                    echo "Unrecognized option: $a" >&2
                    echo "Error: Could not create the Java Virtual Machine." >&2
                    exit 1
                  fi
                done
                for a in "$@"; do
                  if [[ "$a" == -XshowSettings:properties ]]; then
                    echo "    java.specification.version = $version" >&2
                  fi
                done
                echo "fake jdk $version started" >&2
                """.formatted(version);
        executable(bin.resolve("java"), java);
        executable(bin.resolve("javac"), "#!/bin/sh\nexit 0\n");
        return home;
    }

    private static void executable(Path file, String content) throws IOException {
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private static Path script(String relative) {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("scripts/lib.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("scripts/lib.sh not found above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve(relative);
    }

    private record Result(int exit, String output) {}

    private static Result run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("MAVEN_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("script did not finish within 60 s: " + command);
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
