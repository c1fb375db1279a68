package io.github.vpcroutefailover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every file in samples/config passes {@code vrf validate} against the sample agent config, so a sample users copy
 * (one per table kind: subnet tables, transit gateway tables, gateway tables with GWLB endpoints, a fleet) can never
 * be one the loader refuses or one whose agent checks no agent publishes.
 */
class SampleConfigsValidateTest {
    private static final Path SAMPLES = Path.of("../samples/config");
    private static final Path AGENT = Path.of("../samples/agent/agent.yaml");

    static Stream<Path> samples() throws IOException {
        try (Stream<Path> files = Files.list(SAMPLES)) {
            List<Path> yaml = files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
            // Guards the guard: an empty or moved directory would make every case vanish and the test pass.
            assertThat(yaml).extracting(p -> p.getFileName().toString())
                    .contains("nat-two-az.yaml", "fleet-two-accounts.yaml", "tgw-inspection.yaml", "ingress-gwlb.yaml");
            return yaml.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("samples")
    void validatesWithTheSampleAgent(Path sample) {
        StringWriter out = new StringWriter();
        int exit = new CommandLine(new Main.Validate()).setOut(new PrintWriter(out, true))
                .execute(sample.toString(), "--agent", AGENT.toString());
        assertThat(out.toString()).contains(": OK (");
        assertThat(exit).isZero();
    }
}
