package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The app with a config that lists several VPCs (samples/config/fleet-two-accounts.yaml, docs/fleet.md). */
class FleetAppTest {
    private static final Path SAMPLE = SampleConfigs.repoRoot().resolve("samples/config/fleet-two-accounts.yaml");

    private static AppSettings settings(Path config) {
        return AppSettings.fromContext(Map.<String, Object>of("configPath", config.toString(), "vpcEndpoints", "false")::get);
    }

    @Test
    void theControllerMayAssumeExactlyTheConfiguredRolesAndNagFindsNothing() {
        App app = TestStacks.app();
        VrfStack stack = VrfApp.build(app, settings(SAMPLE), TestStacks.ENV);
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        Template template = Template.fromStack(stack);
        JsonNode json = new ObjectMapper().valueToTree(template.toJSON());
        List<JsonNode> assume = new ArrayList<>();
        json.path("Resources").forEach(r -> r.path("Properties").path("PolicyDocument").path("Statement").forEach(s -> {
            if (s.toString().contains("sts:AssumeRole")) {
                assume.add(s);
            }
        }));
        assertThat(assume).singleElement().satisfies(s -> {
            assertThat(s.path("Action").asText()).isEqualTo("sts:AssumeRole");
            List<String> resources = new ArrayList<>();
            s.path("Resource").forEach(r -> resources.add(r.asText()));
            assertThat(resources).containsExactlyInAnyOrder("arn:aws:iam::222233334444:role/vrf-member",
                    "arn:aws:iam::333344445555:role/vrf-member");
        });
        // The stack's own IAM is derived from the home VPC (listed first): its id, not a member VPC's.
        assertThat(stack.facts().vpcId()).isEqualTo("vpc-0123456789abcdef0");
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }

    @Test
    void aSingleVpcConfigGetsNoAssumeRolePermission() {
        App app = TestStacks.app();
        VrfStack stack = VrfApp.build(app, settings(SampleConfigs.natTwoAzYaml()), TestStacks.ENV);
        assertThat(new ObjectMapper().valueToTree(Template.fromStack(stack).toJSON()).toString()).doesNotContain("AssumeMemberRoles")
                .doesNotContain(":role/vrf-member");
    }

    @Test
    void aFleetWithoutAHomeVpcIsRefusedSayingWhatToDo(@TempDir Path dir) throws IOException {
        Path remoteOnly = dir.resolve("remote.yaml");
        Files.writeString(remoteOnly, """
                version: 1
                vpcs:
                  - vpc: vpc-0aaaaaaaaaaaaaaaa
                    roleArn: arn:aws:iam::222233334444:role/vrf-member
                    targets: {gw: {natGateway: nat-0aaaaaaaaaaaaaaaa}}
                """);
        assertThatThrownBy(() -> VrfApp.build(TestStacks.app(), settings(remoteOnly), TestStacks.ENV))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configPath").hasMessageContaining("own account");
    }

    @Test
    void aWildcardRoleIsRefused() {
        assertThatThrownBy(() -> ControllerPermissions.assumeRoles(List.of("arn:aws:iam::222233334444:role/*")))
                .hasMessageContaining("wildcard");
    }
}
