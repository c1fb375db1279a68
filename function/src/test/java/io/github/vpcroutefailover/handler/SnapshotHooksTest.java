package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotHooksTest {

    @ParameterizedTest
    @ValueSource(strings = {"on-demand", "provisioned-concurrency", "lambda-managed-instances", " on-demand "})
    void initializationsLambdaNeverSnapshotsRegisterNoHook(String type) {
        assertThat(SnapshotHooks.maySnapshot(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", type))).isFalse();
    }

    /** A missing priming hook makes every restored start slow; a needless one costs milliseconds, so doubt registers. */
    @ParameterizedTest
    @ValueSource(strings = {"snap-start", "some-future-type", "", "On-Demand"})
    void snapStartAndAnythingUnknownRegister(String type) {
        assertThat(SnapshotHooks.maySnapshot(Map.of("AWS_LAMBDA_INITIALIZATION_TYPE", type))).isTrue();
    }

    @org.junit.jupiter.api.Test
    void outsideLambdaTheHookIsRegistered() {
        assertThat(SnapshotHooks.maySnapshot(Map.of())).isTrue();
    }
}
