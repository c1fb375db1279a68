package io.github.vpcroutefailover.arch;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class ArchitectureTest {

    private static final String ROOT = "io.github.vpcroutefailover";
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(ROOT);

    static Stream<String> ruleNames() {
        return Architecture.rules(ROOT).keySet().stream();
    }

    @Test
    void theRealCodeIsImported() {
        // Guards against a rule passing vacuously because the importer found nothing.
        assertThat(MAIN.contain(ROOT + ".app.Reconciler")).isTrue();
        assertThat(MAIN.contain(ROOT + ".domain.plan.Planner")).isTrue();
        assertThat(MAIN.contain(ROOT + ".archfixture.cycle.a.A")).as("fixtures stay out of the real check").isFalse();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ruleNames")
    void theFunctionKeepsTheRule(String rule) {
        Architecture.rules(ROOT).get(rule).check(MAIN);
    }

    // The fixtures below are tiny packages under src/test that break the rules on purpose.

    private static final String FIXTURES = ROOT + ".archfixture";

    private static EvaluationResult evaluate(String root, String rule) {
        JavaClasses fixtures = new ClassFileImporter().importPackages(root);
        assertThat(fixtures).as("fixture classes under " + root).isNotEmpty();
        ArchRule archRule = Architecture.rules(root).get(rule);
        return archRule.evaluate(fixtures);
    }

    @Test
    void aPackageCycleFails() {
        EvaluationResult result = evaluate(FIXTURES + ".cycle", "no package cycles");
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("Cycle detected").contains("cycle.a").contains("cycle.b");
    }

    @Test
    void anAwsOrJacksonImportInTheDomainFails() {
        EvaluationResult result = evaluate(FIXTURES + ".bad", "domain is pure Java");
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString())
                .contains("software.amazon.awssdk.regions.Region")
                .contains("com.fasterxml.jackson.databind.JsonNode");
    }

    @Test
    void theDomainImportingConfigParsingFails() {
        EvaluationResult result = evaluate(FIXTURES + ".bad", "domain knows nothing above it");
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("bad.config.Parser");
    }

    @Test
    void theDomainUsingAnyOtherOfOurPackagesFails() {
        EvaluationResult result = evaluate(FIXTURES + ".bad", "domain uses only itself and Durations from our code");
        assertThat(result.hasViolation()).isTrue();
        assertThat(result.getFailureReport().toString()).contains("bad.config.Parser");
    }

    @Test
    void theBrokenFixtureAlsoHasACycle() {
        // bad.config -> bad.domain -> bad.config: the cycle rule sees it too.
        assertThat(evaluate(FIXTURES + ".bad", "no package cycles").hasViolation()).isTrue();
    }
}
