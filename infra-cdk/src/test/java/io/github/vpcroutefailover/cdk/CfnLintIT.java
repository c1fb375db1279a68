package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The synthesized templates pass cfn-lint (AWS's CloudFormation linter: resource specs, property types, value
 * ranges, best-practice rules). cfn-lint comes from the emulator venv that {@code scripts/local-aws start}
 * creates; when it is missing this test FAILS and says how to install it: a skipped lint is no lint.
 */
class CfnLintIT {

    static Path cfnLint() {
        String dir = System.getenv("VRF_LOCAL_AWS_DIR");
        Path base = dir != null && !dir.isBlank() ? Path.of(dir) : SampleConfigs.repoRoot().resolve(".local-aws");
        return base.resolve("venv/bin/cfn-lint");
    }

    static Stream<String> stacks() {
        // Plus the #15 table-kind samples (transit gateway and gateway/GWLB tables), synthesized as the app does.
        return Stream.of("full", "minimal", "tgw-inspection", "ingress-gwlb");
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void templatePassesCfnLint(String which, @TempDir Path dir) throws IOException, InterruptedException {
        Path lint = cfnLint();
        if (!Files.isExecutable(lint)) {
            fail("cfn-lint not found at " + lint + ". Create the emulator venv (it includes cfn-lint): "
                    + "scripts/local-aws start   (or set VRF_LOCAL_AWS_DIR to a directory whose venv/bin/cfn-lint exists, "
                    + "or: python3 -m venv .local-aws/venv && .local-aws/venv/bin/pip install cfn-lint)");
        }
        Path template = dir.resolve(which + ".template.json");
        Object json = switch (which) {
            case "full" -> TestStacks.full().template().toJSON();
            case "minimal" -> TestStacks.minimal().template().toJSON();
            default -> TableKindSamplesAppTest.template(SampleConfigs.repoRoot().resolve("samples/config/" + which + ".yaml"));
        };
        new ObjectMapper().writeValue(template.toFile(), json);

        // W3005 ("dependency already enforced by a GetAtt") is the only rule ignored: aws-cdk-lib's Function itself
        // adds DependsOn on its role next to the Role GetAtt (so the role's default policy exists first); redundant,
        // harmless, and not ours to change. Every other finding, warnings and informational included, fails.
        Process process = new ProcessBuilder(List.of(lint.toString(), "--format", "parseable", "--ignore-checks", "W3005",
                "--", template.toString()))
                .redirectErrorStream(true).start();
        String output;
        try (var in = process.getInputStream()) {
            output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            fail("cfn-lint did not finish within 5 minutes");
        }
        // Exit code 0: clean. Anything else lists errors (2), warnings (4) or informational findings (8).
        assertThat(process.exitValue()).as("cfn-lint findings for the " + which + " stack:\n" + output).isZero();
    }
}
