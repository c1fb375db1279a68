package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The member-account role (docs/fleet.md): least privilege, trusts only the controller's role with the external id. */
class MemberRoleStackTest {
    private static Template template;
    private static JsonNode json;
    private static MemberRoleStack stack;

    @BeforeAll
    static void synth() {
        App app = TestStacks.app();
        // Environment-agnostic, as a StackSet deploys it: no account or region baked in.
        stack = new MemberRoleStack(app, "VrfMemberRole", StackProps.builder().build());
        Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
        template = Template.fromStack(stack);
        json = new ObjectMapper().valueToTree(template.toJSON());
    }

    private static List<JsonNode> statements() {
        List<JsonNode> out = new ArrayList<>();
        json.path("Resources").forEach(r -> {
            if (r.path("Type").asText().equals("AWS::IAM::ManagedPolicy") || r.path("Type").asText().equals("AWS::IAM::Policy")) {
                r.path("Properties").path("PolicyDocument").path("Statement").forEach(out::add);
            }
        });
        return out;
    }

    @Test
    void theRoleTrustsOnlyTheControllerRoleAndOnlyWithTheExternalId() {
        template.resourceCountIs("AWS::IAM::Role", 1);
        template.hasResourceProperties("AWS::IAM::Role", Map.of(
                "RoleName", Map.of("Ref", "RoleName"),
                "MaxSessionDuration", 3600,
                "AssumeRolePolicyDocument", Map.of("Statement", List.of(Map.of(
                        "Action", "sts:AssumeRole", "Effect", "Allow",
                        "Principal", Map.of("AWS", Map.of("Ref", "ControllerRoleArn")),
                        "Condition", Map.of("StringEquals", Map.of("sts:ExternalId", Map.of("Ref", "ExternalId"))))))));
        assertThat(json.path("Parameters").path("ExternalId").path("NoEcho").asBoolean()).isTrue();
    }

    @Test
    void noWildcardActionAndRouteChangesOnlyInTheListedVpcs() {
        List<JsonNode> all = statements();
        assertThat(all).isNotEmpty();
        for (JsonNode s : all) {
            List<String> actions = new ArrayList<>();
            s.path("Action").forEach(a -> actions.add(a.asText()));
            if (s.path("Action").isTextual()) {
                actions.add(s.path("Action").asText());
            }
            assertThat(actions).as(s.toString()).allSatisfy(a -> assertThat(a).doesNotContain("*"));
            boolean mutates = actions.stream().anyMatch(a -> !a.contains(":Describe") && !a.contains(":Get"));
            if (mutates) {
                assertThat(s.path("Condition").path("StringLike").has("ec2:Vpc")).as(s.toString()).isTrue();
                assertThat(s.path("Condition").toString()).contains("VpcIds").contains("vpc/");
                assertThat(s.path("Resource").toString()).doesNotContain("\"*\"");
            }
        }
        assertThat(all).extracting(s -> s.path("Sid").asText())
                .containsExactlyInAnyOrder("ObserveVpcs", "ReadHealth", "RoutesInListedVpcs", "FixSourceDestCheck");
    }

    @Test
    void theTemplateDeploysWithoutCdkBootstrapOrAssets() {
        assertThat(json.path("Parameters").has("BootstrapVersion")).isFalse();
        assertThat(json.has("Rules")).isFalse();
        assertThat(json.toString()).doesNotContain("cdk-hnb659fds").doesNotContain("AssetParameters");
        assertThat(json.path("Outputs").has("MemberRoleArn")).isTrue();
    }

    @Test
    void cdkNagFindsNothingUnsuppressed() {
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*"))).isEmpty();
    }
}
