package io.github.vpcroutefailover.coldstart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded controller jar under the real Lambda runtime interface client, across the seam between the runtime's CRaC
 * support and our priming hook: registered (and run) where Lambda snapshots, left out where it never does, and the
 * invocation answers the same either way.
 */
@ExtendWith(LocalAwsExtension.class)
class ControllerUnderRuntimeIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void thePrimingHookRunsForSnapStartOnlyAndTheAnswerIsTheSame(LocalAws aws) throws Exception {
        Path jar = ColdStartBenchmark.candidateJar();
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            Map<String, String> env = new LinkedHashMap<>(ColdStartBenchmark.world(aws, net, dir));
            env.put("VRF_LOG_LEVEL", "INFO");
            byte[] event = Files.readAllBytes(ColdStartBenchmark.events().resolve("aws.events-scheduled.json"));
            LambdaJavaRuntime runtime = new LambdaJavaRuntime(dir.resolve("runtime"), 1024);
            Path task = runtime.taskRoot(jar, "A");
            for (boolean snapStart : new boolean[] {true, false}) {
                String label = snapStart ? "snap-start" : "on-demand";
                LambdaJavaRuntime.Measurement m = runtime.coldInvoke(label, task, ColdStartBenchmark.HANDLER, env, event, snapStart,
                        Duration.ofSeconds(120));
                JsonNode answer = JSON.readTree(m.response());
                assertThat(answer.path("ok").asBoolean()).as(label + " " + answer).isTrue();
                assertThat(answer.path("trigger").asText()).as(label).isEqualTo("Scheduled");
                String log = Files.readString(dir.resolve("runtime").resolve(label + ".log"), StandardCharsets.UTF_8);
                assertThat(log.lines().filter(l -> l.contains("\"event\":\"primed\"")).count())
                        .as(label + ": the runtime runs CRaC hooks only for snap-start, and we register ours only there; log:\n" + log)
                        .isEqualTo(snapStart ? 1 : 0);
            }
        }
    }
}
