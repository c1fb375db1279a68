package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.testsupport.fuzz.YamlMutations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.statistics.Statistics;

/**
 * Generative half of issue #11 for the route config: every mutation of the shipped sample (duplicated keys, hostile
 * scalars, truncation, tabs, nesting, second documents, control characters) either loads or is refused with a
 * {@link ConfigException} whose problems name a line of the file and say what is wrong. Any other exception, an
 * empty problem list or a problem pointing past the file is a bug: the operator would get a stack trace instead of
 * a fix. Fixed seed, so CI runs the same cases every time.
 */
class ConfigLoaderFuzzTest {

    private static final String SAMPLE = read(Path.of("../samples/config/nat-two-az.yaml"));

    @Property(tries = 2000, seed = "1127")
    void everyMutationLoadsOrIsRefusedWithNamedProblems(@ForAll long seed, @ForAll @IntRange(min = 1, max = 4) int mutations) {
        String yaml = YamlMutations.mutate(SAMPLE, seed, mutations);
        try {
            ConfigLoader.parse(yaml, "fuzz.yaml");
            Statistics.collect("loaded");
        } catch (ConfigException e) {
            Statistics.collect("refused");
            long lines = yaml.lines().count() + 1;
            assertThat(e.problems()).as("problems of a refused config").isNotEmpty();
            assertThat(e.problems()).allSatisfy(p -> {
                assertThat(p.message()).isNotBlank();
                assertThat(p.line()).isBetween(0, (int) lines);
            });
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p.toAbsolutePath() + " (run from the function module)", e);
        }
    }
}
