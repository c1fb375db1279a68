package io.github.vpcroutefailover.agent.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.config.CheckSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandCheckTest {
    private static CheckOutcome run(Duration timeout, int success, String... argv) throws Exception {
        return new CommandCheck("cmd", new CheckSpec.Command(List.of(argv), success)).run(timeout);
    }

    @Test
    void exitZeroPasses() throws Exception {
        assertThat(run(Duration.ofSeconds(5), 0, "/bin/sh", "-c", "exit 0").passed()).isTrue();
    }

    @Test
    void nonZeroExitFails() throws Exception {
        CheckOutcome o = run(Duration.ofSeconds(5), 0, "/bin/sh", "-c", "exit 3");
        assertThat(o.passed()).isFalse();
        assertThat(o.detail()).isEqualTo("exit 3");
    }

    @Test
    void configuredSuccessCodeIsHonoured() throws Exception {
        assertThat(run(Duration.ofSeconds(5), 3, "/bin/sh", "-c", "exit 3").passed()).isTrue();
    }

    @Test
    void commandPastItsTimeoutFailsAndIsKilledWithItsChildren(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("child-survived");
        // The child would create the marker after 3 s if it survived the kill.
        CheckOutcome o = run(Duration.ofMillis(300), 0, "/bin/sh", "-c", "(sleep 3; touch " + marker + ") & sleep 30");
        assertThat(o.passed()).isFalse();
        assertThat(o.detail()).contains("timed out");
        for (int i = 0; i < 40 && ProcessHandle.current().descendants().findAny().isPresent(); i++) {
            Thread.sleep(100);
        }
        assertThat(ProcessHandle.current().descendants().toList()).isEmpty();
        assertThat(Files.exists(marker)).isFalse();
    }
}
