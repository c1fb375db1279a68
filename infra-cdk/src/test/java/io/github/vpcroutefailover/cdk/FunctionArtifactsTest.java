package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
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

    /** The layer carries the config as JSON the function reads without the YAML parser, and it must be the same config. */
    @Test
    void configLayerHoldsTheConfigCompiledToJsonAtVrfConfigJson() throws Exception {
        Path staged = FunctionArtifacts.stageConfigLayer(SampleConfigs.natTwoAzYaml());
        Path inLayer = staged.resolve("vrf/config.json");
        assertThat(inLayer).exists();
        assertThat(Files.readString(inLayer)).startsWith("{").isEqualTo(ConfigLoader.compiledJson(SampleConfigs.natTwoAzYaml()));
        assertThat(ConfigLoader.load(inLayer)).as("the function reads the same config from the layer as synth validated")
                .isEqualTo(ConfigLoader.load(SampleConfigs.natTwoAzYaml()));
        try (var files = Files.walk(staged)) {
            assertThat(files.filter(Files::isRegularFile).count()).as("nothing else in the layer").isEqualTo(1);
        }
        assertThat("/opt/" + staged.relativize(inLayer)).isEqualTo(Contract.CONFIG_PATH_IN_FUNCTION);
    }

    @Test
    void aConfigJsonCannotCarryStopsSynth(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "version: 1\nweight: .inf\n");
        assertThatThrownBy(() -> FunctionArtifacts.stageConfigLayer(config)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("quoted string");
    }
}
