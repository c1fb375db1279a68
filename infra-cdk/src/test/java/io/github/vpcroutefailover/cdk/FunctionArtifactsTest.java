package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FunctionArtifactsTest {

    @Test
    void defaultJarIsTheReactorsShadedJar() {
        // The fixed name the function module builds: function/target/function-<version>-lambda.jar.
        Path jar = FunctionArtifacts.defaultJar();
        assertThat(jar.toString()).matches(".*/function/target/function-[^/]+-lambda\\.jar");
        assertThat(jar.getParent().getParent().getParent()).isEqualTo(SampleConfigs.repoRoot());
    }

    @Test
    void aMissingJarStopsSynthWithTheBuildCommand(@TempDir Path dir) {
        assertThatThrownBy(() -> FunctionArtifacts.requireJar(dir.resolve("function-9-lambda.jar")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not exist")
                .hasMessageContaining("mvn -B -ntp -pl function package");
    }

    @Test
    void configLayerHoldsTheConfigUnchangedAtVrfConfigYaml() throws Exception {
        Path staged = FunctionArtifacts.stageConfigLayer(SampleConfigs.natTwoAzYaml());
        Path inLayer = staged.resolve("vrf/config.yaml");
        assertThat(inLayer).exists();
        assertThat(Files.readString(inLayer)).isEqualTo(Files.readString(SampleConfigs.natTwoAzYaml()));
        try (var files = Files.walk(staged)) {
            assertThat(files.filter(Files::isRegularFile).count()).as("nothing else in the layer").isEqualTo(1);
        }
        assertThat("/opt/" + staged.relativize(inLayer)).isEqualTo(Contract.CONFIG_PATH_IN_FUNCTION);
    }
}
