package io.github.vpcroutefailover.cdk;

import io.github.vpcroutefailover.config.ConfigLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Locates the deployable function jar and stages the config layer's directory. */
public final class FunctionArtifacts {
    private FunctionArtifacts() {
    }

    /** The shaded jar the reactor builds: function/target/function-&lt;version&gt;-lambda.jar. */
    public static Path defaultJar() {
        Properties props = new Properties();
        try (InputStream in = FunctionArtifacts.class.getResourceAsStream("/vrf-build.properties")) {
            if (in == null) {
                throw new IllegalStateException("vrf-build.properties is missing from the CDK app's classpath; rebuild infra-cdk with Maven");
            }
            props.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Path.of(props.getProperty("function.jar")).normalize();
    }

    /**
     * @throws IllegalStateException telling the user how to build the jar when it is not there
     */
    public static Path requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the function jar " + jar + " does not exist. Build it first, from the repository root: "
                    + "mvn -B -ntp -pl function package   (or pass -c functionJar=<path to function-<version>-lambda.jar>)");
        }
        return jar;
    }

    private static void deleteQuietly(Path dir) {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // Best effort: a leftover temp directory is harmless.
        }
    }

    /**
     * Writes the (already validated) config, compiled to JSON ({@code ConfigLoader.compiledJson}: the same tree, read at
     * a cold start without the YAML parser, issue #17), into a fresh directory laid out as the Lambda layer expects
     * ({@code vrf/config.json}, mounted at {@code /opt/vrf/config.json}). The asset hash is computed from the content,
     * so an unchanged config publishes no new layer version; a comment-only edit publishes none either.
     */
    public static Path stageConfigLayer(Path configFile) {
        try {
            Path dir = Files.createTempDirectory("vrf-config-layer");
            // The CDK copies assets into the cloud assembly at synth; the staging directory is not needed after.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir)));
            Path target = dir.resolve(Contract.LAYER_CONFIG_FILE);
            Files.createDirectories(target.getParent());
            Files.writeString(target, ConfigLoader.compiledJson(configFile), StandardCharsets.UTF_8);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stage the config layer from " + configFile, e);
        }
    }
}
