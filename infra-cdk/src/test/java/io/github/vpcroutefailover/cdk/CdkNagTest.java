package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.cxapi.SynthesisMessage;

/**
 * cdk-nag's AwsSolutions pack over both stack shapes: zero unsuppressed errors or warnings. Suppressions live
 * in {@link NagRules} with a written reason each; this test fails on any new finding.
 */
class CdkNagTest {

    static Stream<TestStacks.Synth> stacks() {
        return Stream.of(TestStacks.full(), TestStacks.minimal());
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void noUnsuppressedErrors(TestStacks.Synth synth) {
        List<SynthesisMessage> errors = Annotations.fromStack(synth.stack()).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        assertThat(errors).extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("stacks")
    void noUnsuppressedWarnings(TestStacks.Synth synth) {
        List<SynthesisMessage> warnings = Annotations.fromStack(synth.stack()).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"));
        assertThat(warnings).extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
    }
}
