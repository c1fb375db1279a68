package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.assertions.Template;

/**
 * The synth-time validation with the function's real parser. Everything else in this module uses {@link SampleConfigs}; the first test here proves that fixture equals what
 * the parser reads from samples/config/nat-two-az.yaml, as far as the stack is concerned.
 */
class RealConfigParsingTest {

    private static AppSettings settings(Path config, Object... kv) {
        Map<String, Object> ctx = new java.util.HashMap<>();
        ctx.put("configPath", config.toString());
        for (int i = 0; i < kv.length; i += 2) {
            ctx.put((String) kv[i], kv[i + 1]);
        }
        return AppSettings.fromContext(ctx::get);
    }

    @Test
    void parsedSampleBuildsTheSameStackAsTheFixture() throws Exception {
        FailoverConfig parsed = VrfApp.validateConfig(settings(SampleConfigs.natTwoAzYaml()));
        VrfStackProps props = VrfStackProps.builder().env(TestStacks.ENV).stackName("VrfTest")
                .failover(TestStacks.fullProps().name("VrfTest").config(parsed).build()).build();
        App app = TestStacks.app();
        Template fromParser = Template.fromStack(new VrfStack(app, "VrfTest", props));
        assertThat(ConfigFacts.of(parsed)).isEqualTo(ConfigFacts.of(SampleConfigs.natTwoAz()));
        // cdk-nag metadata is only on the fixture stack (TestStacks adds the aspect); compare everything else.
        assertThat(TemplateSnapshotTest.normalise(fromParser.toJSON()))
                .isEqualTo(TemplateSnapshotTest.normalise(TestStacks.full().template().toJSON()).replaceAll("(?s)\"cdk_nag\" : \\{.*?\\n {6}\\}\\n", ""));
    }

    @Test
    void aBrokenConfigFailsSynthWithEveryProblemAndItsLine(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                version: 1
                vpc: vpc-0123456789abcdef0
                targets:
                  nat-a:
                    instance: i-0aaaaaaaaaaaaaaaa
                    colour: blue
                routes:
                  - name: default-egress
                    destination: 10.0.0.1/24
                    routeTables: [{id: rtb-0aaaaaaaaaaaaaaaa}]
                    targets: [nat-a, nat-z]
                """);
        assertThatThrownBy(() -> VrfApp.validateConfig(settings(bad))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml")
                .hasMessageContaining("line 6")
                .hasMessageContaining("colour")
                .hasMessageContaining("routes[0].destination")
                .hasMessageContaining("nat-z");
        assertThat(((ConfigException) catchThrowable(bad)).problems()).hasSizeGreaterThanOrEqualTo(3);
    }

    private static Throwable catchThrowable(Path bad) {
        try {
            ConfigLoader.load(bad);
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }

    @Test
    void contextVpcIdMustMatchTheConfig() {
        assertThatThrownBy(() -> VrfApp.validateConfig(settings(SampleConfigs.natTwoAzYaml(), "vpcId", "vpc-0fffffffffffffff0")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vpcId: context says vpc-0fffffffffffffff0 but")
                .hasMessageContaining("manages vpc-0123456789abcdef0");
    }

    @Test
    void theAppBuildsFromContextAlone() {
        App app = TestStacks.app();
        VrfStack stack = VrfApp.build(app, settings(SampleConfigs.natTwoAzYaml(), "vpcEndpoints", "false"), TestStacks.ENV);
        Template.fromStack(stack).resourceCountIs("AWS::Lambda::LayerVersion", 1);
    }
}
