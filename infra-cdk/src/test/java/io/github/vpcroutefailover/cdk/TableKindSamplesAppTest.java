package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Aspects;
import software.amazon.awscdk.assertions.Annotations;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The app synthesized from the samples of the #15 table kinds (samples/config/tgw-inspection.yaml: transit gateway
 * tables and attachments with appliances; ingress-gwlb.yaml: a gateway table with GWLB endpoints), as {@code cdk synth
 * -c configPath=...} builds it, with cdk-nag's AwsSolutions pack attached.
 */
class TableKindSamplesAppTest {
    private static final Path TGW = SampleConfigs.repoRoot().resolve("samples/config/tgw-inspection.yaml");
    private static final Path INGRESS = SampleConfigs.repoRoot().resolve("samples/config/ingress-gwlb.yaml");
    private static final Map<Path, JsonNode> SYNTHS = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<Path, VrfStack> STACKS = new java.util.concurrent.ConcurrentHashMap<>();

    /** One synth per sample per JVM (seconds each on 2 cores), nag attached before it. */
    static synchronized JsonNode template(Path sample) {
        return SYNTHS.computeIfAbsent(sample, p -> {
            App app = TestStacks.app();
            VrfStack stack = VrfApp.build(app, AppSettings.fromContext(
                    Map.<String, Object>of("configPath", p.toString(), "vpcEndpoints", "false")::get), TestStacks.ENV);
            Aspects.of(app).add(AwsSolutionsChecks.Builder.create().verbose(true).build());
            STACKS.put(p, stack);
            return new ObjectMapper().valueToTree(Template.fromStack(stack).toJSON());
        });
    }

    static Stream<Path> samples() {
        return Stream.of(TGW, INGRESS);
    }

    /** Every IAM statement of every policy in the template (inline, managed, role policies). */
    private static List<JsonNode> statements(JsonNode template) {
        List<JsonNode> out = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            r.path("Properties").path("PolicyDocument").path("Statement").forEach(out::add);
            r.path("Properties").path("Policies").forEach(p -> p.path("PolicyDocument").path("Statement").forEach(out::add));
        });
        assertThat(out).as("the template has policies at all").isNotEmpty();
        return out;
    }

    private static JsonNode sid(JsonNode template, String sid) {
        return statements(template).stream().filter(s -> sid.equals(s.path("Sid").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no statement " + sid));
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isArray()) {
            node.forEach(n -> out.add(n.isTextual() ? n.asText() : n.toString()));
        } else if (!node.isMissingNode()) {
            out.add(node.isTextual() ? node.asText() : node.toString());
        }
        return out;
    }

    private static List<JsonNode> ec2StateRules(JsonNode template) {
        List<JsonNode> out = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            JsonNode pattern = r.path("Properties").path("EventPattern");
            if ("AWS::Events::Rule".equals(r.path("Type").asText())
                    && strings(pattern.path("detail-type")).contains("EC2 Instance State-change Notification")) {
                out.add(pattern);
            }
        });
        return out;
    }

    private static List<String> agentAlarmInstances(JsonNode template) {
        List<String> out = new ArrayList<>();
        template.path("Resources").forEach(r -> {
            if ("AWS::CloudWatch::Alarm".equals(r.path("Type").asText())
                    && Contract.METRIC_CHECK_RESULT.equals(r.path("Properties").path("MetricName").asText())) {
                r.path("Properties").path("Dimensions").forEach(d -> {
                    if ("InstanceId".equals(d.path("Name").asText())) {
                        out.add(d.path("Value").asText());
                    }
                });
            }
        });
        return out;
    }

    @ParameterizedTest
    @MethodSource("samples")
    void noPolicyGrantsAWildcardAction(Path sample) {
        // Why: the issue keeps "no wildcard actions" for every new kind; a "ec2:*TransitGateway*" would pass the
        // exact-ARN checks below and still be one. Deny statements are CDK's TLS-only guardrails ("sqs:*" with
        // aws:SecureTransport false): a wildcard there takes rights away, so only Allow statements are checked.
        assertThat(statements(template(sample))).filteredOn(s -> "Allow".equals(s.path("Effect").asText())).isNotEmpty().allSatisfy(s ->
                assertThat(strings(s.path("Action"))).allSatisfy(a -> assertThat(a).doesNotContain("*")));
    }

    @ParameterizedTest
    @MethodSource("samples")
    void cdkNagFindsNothing(Path sample) {
        // Why: "cdk-nag clean" for each new kind; suppressions live in NagRules with reasons, none added for these.
        template(sample);
        VrfStack stack = STACKS.get(sample);
        assertThat(Annotations.fromStack(stack).findError("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
        assertThat(Annotations.fromStack(stack).findWarning("*", Match.stringLikeRegexp("AwsSolutions-.*")))
                .extracting(m -> m.getId() + " " + m.getEntry().getData()).isEmpty();
    }

    @Test
    void theTransitGatewayRouteApiIsGrantedOnTheSampleTablesAndAttachmentsOnly() {
        // Why: Create/Replace authorize the table AND the attachment they point at; granting exactly the two
        // configured tables and the two attachments means no other table can be written and no route can be
        // pointed at an attachment the config does not name.
        JsonNode routes = sid(template(TGW), "RoutesInTransitGatewayTables");
        assertThat(strings(routes.path("Action"))).containsExactlyInAnyOrderElementsOf(ControllerPermissions.TGW_ROUTE_MUTATIONS);
        String ec2 = "arn:aws:ec2:eu-west-1:111111111111:";
        assertThat(strings(routes.path("Resource"))).containsExactlyInAnyOrder(
                ec2 + "transit-gateway-route-table/tgw-rtb-0123456789abcdef0",
                ec2 + "transit-gateway-route-table/tgw-rtb-0fedcba9876543210",
                ec2 + "transit-gateway-attachment/tgw-attach-0aaaaaaaaaaaaaaaa",
                ec2 + "transit-gateway-attachment/tgw-attach-0bbbbbbbbbbbbbbbb");
        assertThat(routes.has("Condition")).isFalse();
        // The two describes have no resource-level permissions: "*" is the only possible resource.
        assertThat(strings(sid(template(TGW), "ObserveTransitGatewayTables").path("Action")))
                .containsExactlyInAnyOrderElementsOf(ControllerPermissions.TGW_DESCRIBE);
        // No other statement carries a transit gateway action (e.g. on "*").
        assertThat(statements(template(TGW))).filteredOn(s -> strings(s.path("Action")).stream().anyMatch(a -> a.contains("TransitGateway")))
                .extracting(s -> s.path("Sid").asText()).containsExactlyInAnyOrder("RoutesInTransitGatewayTables", "ObserveTransitGatewayTables");
    }

    @Test
    void theIngressSampleGetsNoTransitGatewayActionsAndVpcScopedRouteWrites() {
        // Why: a gateway (edge) table cannot be named by id in IAM when it is selected by its gateway, so route
        // writes are bounded by the VPC, as for subnet- and main-selected VPC tables; nothing TGW is granted.
        JsonNode template = template(INGRESS);
        assertThat(statements(template)).noneSatisfy(s -> assertThat(s.toString()).contains("TransitGateway"));
        JsonNode vpcWide = sid(template, "RoutesInConfiguredVpc");
        assertThat(strings(vpcWide.path("Action"))).containsExactlyInAnyOrderElementsOf(ControllerPermissions.ROUTE_MUTATIONS);
        assertThat(strings(vpcWide.path("Resource"))).containsExactly("arn:aws:ec2:eu-west-1:111111111111:route-table/*");
        assertThat(vpcWide.path("Condition").path("StringEquals").path("ec2:Vpc").asText())
                .isEqualTo("arn:aws:ec2:eu-west-1:111111111111:vpc/vpc-0123456789abcdef0");
        // The tag-selected return-path table keeps its own tag-conditioned statement.
        JsonNode tagged = sid(template, "RoutesInTaggedTables");
        assertThat(tagged.path("Condition").path("StringEquals").path("aws:ResourceTag/tier").asText()).isEqualTo("app");
    }

    @Test
    void theAppliancesBehindTransitGatewayAttachmentsWakeTheController() {
        // Why: an attachment is as healthy as its appliance. Before, ConfigFacts ignored `appliance:`, so a
        // TGW-only config had no EC2 state rule and no agent alarm at all: a stopped appliance or a failing agent
        // was noticed only at the next scheduled reconcile. Both appliances are named exactly (nothing else wakes us).
        JsonNode template = template(TGW);
        assertThat(ec2StateRules(template)).singleElement().satisfies(p -> assertThat(strings(p.path("detail").path("instance-id")))
                .containsExactly("i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb"));
        assertThat(agentAlarmInstances(template)).containsExactlyInAnyOrder("i-0aaaaaaaaaaaaaaaa", "i-0bbbbbbbbbbbbbbbb");
    }

    @Test
    void anEndpointWithAnApplianceGetsItsAgentAlarmAndOneWithoutGetsNone() {
        // Why: gwlbe-a names its appliance (agent check fw-agent: an alarm on that instance); gwlbe-b has alarm
        // checks only, so there is no instance to watch. The ENI target's instance is only known at run time, so the
        // EC2 state rule cannot list instances and takes every instance's states (the controller filters).
        JsonNode template = template(INGRESS);
        assertThat(agentAlarmInstances(template)).containsExactly("i-0aaaaaaaaaaaaaaaa");
        assertThat(ec2StateRules(template)).singleElement().satisfies(p -> assertThat(p.path("detail").has("instance-id")).isFalse());
    }
}
