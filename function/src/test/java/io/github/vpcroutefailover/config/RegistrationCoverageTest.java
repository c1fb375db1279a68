package io.github.vpcroutefailover.config;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A registered route may only use tables the deployed IAM policy covers (/work/coord/iam-registration.md, docs/deploy.md). */
class RegistrationCoverageTest {
    private static final String FILE = """
            version: 1
            vpc: vpc-0123456789abcdef0
            checks:
              ec2: {type: ec2-status}
            targets:
              nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [ec2]}
            routes:
              - name: egress
                destination: 0.0.0.0/0
                routeTables:
                  - id: rtb-0aaaaaaaaaaaaaaaa
                  - tags: {tier: private}
                    notTags: {nat: unmanaged}
                targets: [nat-a]
            """;

    private static List<ConfigProblem> problems(String file, String routeTables) {
        FailoverConfig config = ConfigLoader.parse(file, "routes.yaml");
        RouteSpec route = ConfigLoader.parseRoute("""
                name: partner
                destination: 10.200.0.0/16
                routeTables: %s
                targets: [nat-a]
                """.formatted(routeTables), "register", config);
        return RegistrationCoverage.problems(route, config);
    }

    @Test
    void tablesTaggedRegistrableThatAlsoExcludeTheFilesExclusionsAreCovered() {
        assertThat(problems(FILE, "[{tags: {vrf-registrable: \"true\", tier: partner}, notTags: {nat: unmanaged}}]")).isEmpty();
    }

    @Test
    void aTableTheFileNamesByIdIsCoveredAnyOtherIdIsNot() {
        assertThat(problems(FILE, "[{id: rtb-0aaaaaaaaaaaaaaaa}]")).isEmpty();
        assertThat(problems(FILE, "[{id: rtb-0bbbbbbbbbbbbbbbb}]")).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("routeTables[0].id");
            assertThat(p.message()).contains("rtb-0bbbbbbbbbbbbbbbb is not in the deployed IAM policy").contains("vrf-registrable=true");
        });
    }

    @Test
    void tagsWithoutTheRegistrableTagOrWithoutTheFilesExclusionAreRefused() {
        assertThat(problems(FILE, "[{tags: {tier: private}, notTags: {nat: unmanaged}}]")).singleElement()
                .satisfies(p -> assertThat(p.path() + ": " + p.message()).isEqualTo(
                        "routeTables[0].tags: must include vrf-registrable: \"true\" (IAM lets the controller change registered routes only in tables with that tag)"));
        assertThat(problems(FILE, "[{tags: {vrf-registrable: \"true\"}}]")).singleElement()
                .satisfies(p -> assertThat(p.path()).isEqualTo("routeTables[0].notTags"));
        assertThat(problems(FILE, "[{tags: {vrf-registrable: \"false\"}, notTags: {nat: unmanaged}}]")).hasSize(1);
    }

    @Test
    void subnetAndMainSelectorsAreNeverCovered() {
        assertThat(problems(FILE, "[{subnet: subnet-0dddddddddddddddd}, {main: true}]")).extracting(ConfigProblem::path)
                .containsExactly("routeTables[0].subnet", "routeTables[1].main");
    }

    @Test
    void aFileWithASubnetSelectorHasNoDenyStatementSoNoExclusionIsRequired() {
        String file = FILE.replace("    targets: [nat-a]\n", "      - subnet: subnet-0dddddddddddddddd\n    targets: [nat-a]\n");
        assertThat(file).contains("subnet-0dddddddddddddddd");
        assertThat(problems(file, "[{tags: {vrf-registrable: \"true\"}}]")).isEmpty();
    }
}
