package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.model.Destination;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The tag-exclusion Deny (issue #11: route changes limited to the tables the config can select wherever tags make
 * that expressible), on configs small enough to state the whole expectation. Statements are rendered exactly as
 * they land in the template (stack.resolve), without a synth.
 */
class ControllerPermissionsTest {
    static final Object ANY_TABLE = VrfStackTest.arn(":ec2:eu-west-1:111111111111:route-table/*");

    static FailoverConfig withSelectors(List<List<TableSelector>> perRoute) {
        FailoverConfig sample = SampleConfigs.natPairByIds();
        List<RouteSpec> routes = new ArrayList<>();
        int i = 0;
        for (List<TableSelector> selectors : perRoute) {
            routes.add(new RouteSpec("route-" + i, Destination.parse("10.9." + (i++) + ".0/24"), selectors, List.of("nat-a", "nat-b"),
                    List.of(), RoutePolicy.defaults()));
        }
        return new FailoverConfig(sample.vpcId(), sample.checks(), sample.targets(), routes);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rendered(FailoverConfig config) {
        Stack stack = new Stack(TestStacks.app(), "S", StackProps.builder().env(TestStacks.ENV).build());
        List<PolicyStatement> statements = ControllerPermissions.statements(stack, ConfigFacts.of(config), "arn:aws:dynamodb:table/t", "vrf-", List.of());
        return statements.stream().map(s -> (Map<String, Object>) stack.resolve(s.toStatementJson())).toList();
    }

    static List<Map<String, Object>> denies(FailoverConfig config) {
        return rendered(config).stream().filter(s -> "Deny".equals(s.get("Effect"))).toList();
    }

    static TableSelector.ByTags tags(Map<String, String> match, Map<String, String> exclude) {
        return new TableSelector.ByTags(match, exclude, false);
    }

    @Test
    void anExclusionEverySelectorSharesIsDeniedOnEveryTable() {
        // Why: no selector can ever pick a table tagged nat=unmanaged, so IAM refuses it too (defence in depth
        // against a planner bug or a registered route).
        FailoverConfig config = withSelectors(List.of(
                List.of(tags(Map.of("tier", "private"), Map.of("nat", "unmanaged", "team", "x"))),
                List.of(tags(Map.of("tier", "app"), Map.of("nat", "unmanaged")))));
        assertThat(denies(config)).containsExactly(Map.of("Sid", "DenyExcludedTables", "Effect", "Deny",
                "Action", ControllerPermissions.ROUTE_MUTATIONS, "Resource", ANY_TABLE,
                "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/nat", "unmanaged"))));
    }

    @Test
    void tablesNamedByIdAreExemptFromTheDeny() {
        // Why: naming a table is an explicit choice; the Deny must not refuse a table the config lists by id.
        FailoverConfig config = withSelectors(List.of(
                List.of(tags(Map.of("tier", "private"), Map.of("env", "*"))),
                List.of(new TableSelector.ById("rtb-0aaaaaaaaaaaaaaaa", false))));
        assertThat(denies(config)).containsExactly(Map.of("Sid", "DenyExcludedTables", "Effect", "Deny",
                "Action", ControllerPermissions.ROUTE_MUTATIONS,
                "NotResource", VrfStackTest.arn(":ec2:eu-west-1:111111111111:route-table/rtb-0aaaaaaaaaaaaaaaa"),
                // "*" excludes any table that has the key at all.
                "Condition", Map.of("StringLike", Map.of("aws:ResourceTag/env", "*"))));
    }

    @Test
    void noDenyWhenAnotherSelectorCouldReachTheExcludedTables() {
        // Why: an exclusion binds only its own route; a second route without it, or a subnet/main selector (IAM
        // cannot see a table's subnet or main flag), may legitimately select such a table.
        assertThat(denies(withSelectors(List.of(
                List.of(tags(Map.of("tier", "private"), Map.of("nat", "unmanaged"))),
                List.of(tags(Map.of("tier", "private"), Map.of())))))).isEmpty();
        assertThat(denies(withSelectors(List.of(
                List.of(tags(Map.of("tier", "private"), Map.of("nat", "unmanaged"))),
                List.of(new TableSelector.Main(false)))))).isEmpty();
        assertThat(denies(withSelectors(List.of(
                List.of(tags(Map.of("tier", "private"), Map.of("nat", "unmanaged"))),
                List.of(tags(Map.of("tier", "app"), Map.of("nat", "other"))))))).isEmpty();
        assertThat(denies(SampleConfigs.natTwoAz())).as("the sample: the dns route selects tier=private without the exclusion").isEmpty();
    }

    @Test
    void registrableTablesAreAlwaysGrantedByTagAndVpc() {
        // Why: routes registered at run time cannot be in a policy computed at synth; the rule (docs/deploy.md,
        // /work/coord/iam-registration.md) is: only tables tagged vrf-registrable=true in the configured VPC.
        assertThat(rendered(SampleConfigs.natPairByIds())).contains(Map.of("Sid", "RoutesInRegistrableTables", "Effect", "Allow",
                "Action", ControllerPermissions.ROUTE_MUTATIONS, "Resource", ANY_TABLE,
                "Condition", Map.of("StringEquals", Map.of("aws:ResourceTag/vrf-registrable", "true", "ec2:Vpc", VrfStackTest.VPC_ARN))));
    }
}
