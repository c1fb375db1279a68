package io.github.vpcroutefailover.coldstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cold-start harness itself: the real runtime interface client, started as Lambda starts it, against the emulated
 * Runtime API, with a one-class task root. Needs no AWS emulator.
 */
class LambdaJavaRuntimeIT {
    static final String HANDLER = EchoHandler.class.getName() + "::handleRequest";

    @TempDir
    Path dir;
    LambdaJavaRuntime runtime;
    Path taskRoot;

    @BeforeEach
    void taskRootWithOnlyTheEchoHandler() throws Exception {
        runtime = new LambdaJavaRuntime(dir.resolve("rt"), 256);
        String resource = EchoHandler.class.getName().replace('.', '/') + ".class";
        taskRoot = dir.resolve("task");
        Path cls = taskRoot.resolve(resource);
        Files.createDirectories(cls.getParent());
        try (var in = EchoHandler.class.getClassLoader().getResourceAsStream(resource)) {
            Files.copy(in, cls);
        }
    }

    @Test
    void aColdInvocationAnswersThroughTheRuntimeInterfaceClient() throws Exception {
        for (boolean snapStart : new boolean[] {false, true}) {
            LambdaJavaRuntime.Measurement m = runtime.coldInvoke("echo-" + snapStart, taskRoot, HANDLER, Map.of(),
                    "{\"x\":[1,2]}".getBytes(StandardCharsets.UTF_8), snapStart, Duration.ofSeconds(60));
            assertThat(m.response()).startsWith("{\"echo\":{\"x\":[1,2]},\"requestId\":\"").endsWith("\"memory\":256}");
            assertThat(m.peakRssKb()).as("VmHWM of the runtime process, not of this JVM").isPositive();
            assertThat(m.restoreNextCalls()).as("SnapStart init asks restore/next once, on-demand never").isEqualTo(snapStart ? 1 : 0);
        }
    }

    @Test
    void aHandlerErrorIsReportedNotMeasured() {
        assertThatThrownBy(() -> runtime.coldInvoke("fail", taskRoot, HANDLER, Map.of(), "\"fail\"".getBytes(StandardCharsets.UTF_8),
                false, Duration.ofSeconds(60)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("reported error").hasMessageContaining("failed on purpose");
    }

    @Test
    void anInitErrorIsReportedNotMeasured() {
        assertThatThrownBy(() -> runtime.coldInvoke("init-fail", taskRoot, HANDLER, Map.of("ECHO_INIT_FAILS", "1"),
                "{}".getBytes(StandardCharsets.UTF_8), false, Duration.ofSeconds(60)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("init refused on purpose");
    }

    @Test
    void aMissingHandlerClassFailsInsteadOfHanging() {
        assertThatThrownBy(() -> runtime.coldInvoke("no-class", taskRoot, "no.such.Handler::handleRequest", Map.of(),
                "{}".getBytes(StandardCharsets.UTF_8), false, Duration.ofSeconds(60)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no.such.Handler");
    }
}
