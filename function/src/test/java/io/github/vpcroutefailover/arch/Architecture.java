package io.github.vpcroutefailover.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.lang.ArchRule;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The package rules of the function, written against a root package so that the same rules run on the real code
 * ({@code io.github.vpcroutefailover}) and on the deliberately broken fixtures under {@code archfixture}, which
 * prove each rule can fail.
 *
 * <p>The direction: {@code handler -> app -> probe -> ports -> domain}; adapters ({@code aws.*}, {@code net},
 * {@code metrics}) implement ports and know only {@code ports} and {@code domain}; {@code config} parses YAML into
 * {@code domain.config} and is imported by nobody below {@code app}.
 */
final class Architecture {

    private Architecture() {
    }

    /** Every rule by name; {@code root} is the package the layout lives under. */
    static Map<String, ArchRule> rules(String root) {
        String domain = root + ".domain..";
        String ports = root + ".ports..";
        String[] adapters = {root + ".aws..", root + ".net..", root + ".metrics.."};
        String[] aboveDomain = {root + ".config..", root + ".app..", root + ".handler..", root + ".aws..",
                root + ".net..", root + ".metrics..", root + ".probe..", root + ".ports..", root + ".cli..",
                root + ".sandbox.."};
        Map<String, ArchRule> rules = new LinkedHashMap<>();
        rules.put("no package cycles", slices().matching(root + ".(**)").should().beFreeOfCycles()
                .allowEmptyShould(true));
        rules.put("domain is pure Java", noClasses().that().resideInAPackage(domain).should().dependOnClassesThat()
                .resideInAnyPackage("software.amazon..", "com.amazonaws..", "com.fasterxml.jackson..", "org.snakeyaml..",
                        "org.slf4j..", "ch.qos.logback..", "net.logstash..")
                .allowEmptyShould(true));
        rules.put("domain knows nothing above it", noClasses().that().resideInAPackage(domain).should()
                .dependOnClassesThat().resideInAnyPackage(aboveDomain).allowEmptyShould(true));
        // The config-yaml module's Durations (the config's duration syntax, pure Java) is the one thing of ours from
        // outside the domain that the domain may use: its messages write durations the way configs do.
        rules.put("domain uses only itself and Durations from our code", classes().that().resideInAPackage(domain).should()
                .onlyDependOnClassesThat(DescribedPredicate.describe("outside " + root + " or in the domain or yaml.Durations",
                        (JavaClass c) -> !c.getPackageName().startsWith(root + ".") || c.getPackageName().startsWith(root + ".domain")
                                || c.getName().equals(root + ".yaml.Durations")))
                .allowEmptyShould(true));
        rules.put("ports know only the domain", classes().that().resideInAPackage(ports).should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", domain, ports).allowEmptyShould(true));
        rules.put("config parsing is not imported below app", noClasses().that()
                .resideInAnyPackage(domain, ports, root + ".probe..", root + ".aws..", root + ".net..", root + ".metrics..")
                .should().dependOnClassesThat().resideInAPackage(root + ".config..").allowEmptyShould(true));
        rules.put("adapters know only ports and domain", noClasses().that().resideInAnyPackage(adapters).should()
                .dependOnClassesThat().resideInAnyPackage(root + ".app..", root + ".handler..", root + ".probe..",
                        root + ".cli..", root + ".sandbox..")
                .allowEmptyShould(true));
        rules.put("app does not know handlers or adapters", noClasses().that().resideInAPackage(root + ".app..").should()
                .dependOnClassesThat().resideInAnyPackage(root + ".handler..", root + ".aws..", root + ".net..",
                        root + ".metrics..", root + ".cli..", root + ".sandbox..")
                .allowEmptyShould(true));
        rules.put("probe logic does no network or AWS I/O", noClasses().that().resideInAPackage(root + ".probe..").should()
                .dependOnClassesThat().resideInAnyPackage("java.net..", "javax.net..", "software.amazon..",
                        "com.fasterxml.jackson..", root + ".net..", root + ".aws..", root + ".app..", root + ".handler..")
                .allowEmptyShould(true));
        return rules;
    }
}
