package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** SnapStart priming runs the whole scheduled path on canned clients and never calls AWS. */
@ExtendWith(LocalAwsExtension.class)
class PrimingIT {
    @TempDir
    Path dir;

    @Test
    void primingReconcilesOnCannedClientsAndMakesNoCallOnTheRealOnes(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        aws.calls().reset();
        w.handler.prime();
        assertThat(aws.calls().snapshot()).as("calls through the real (counted) clients").isEmpty();
        assertThat(w.metrics).as("no EMF metric line from priming").isEmpty();

        JsonNode answer = Priming.scheduledReconcile(w.components().settings(), () -> io.github.vpcroutefailover.config.ConfigLoader.load(w.configFile), w.clock);
        // The canned EC2 answers hold no route table: the run observes everything, then refuses the VPC as missing.
        assertThat(answer.path("ok").asBoolean()).as(answer.toString()).isFalse();
        assertThat(answer.path("error").path("field").asText()).as(answer.toString()).isEqualTo("vpc");
        assertThat(aws.calls().snapshot()).isEmpty();
        // The world itself is untouched: the routes were never created.
        assertThat(w.hop(w.rtbA)).isNull();
    }
}
