package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Scheduled failover drills (issue #14) move traffic, so none exist unless asked for; when on, one rule per route that
 * can be verified (a data-path check is bound to it) invokes the operator alias, the only path that accepts manual
 * actions, and the probes may reach the data-path endpoints beyond the NAT.
 */
class DrillScheduleTest {
    private static final FailoverConfig CONFIG = ConfigLoader.parse("""
            version: 1
            vpc: vpc-0123456789abcdef0
            checks:
              tcp: {type: tcp, port: 22}
              egress-path: {type: data-path, routes: [egress], endpoints: ["https://checkip.amazonaws.com/", "tcp://203.0.113.10:8443"]}
            targets:
              nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
              nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [tcp]}
            routes:
              - name: egress
                destination: 0.0.0.0/0
                routeTables: [{id: rtb-0aaaaaaaaaaaaaaaa}]
                targets: [nat-a, nat-b]
              - name: unverified
                destination: 10.9.0.0/16
                routeTables: [{id: rtb-0aaaaaaaaaaaaaaaa}]
                targets: [nat-a, nat-b]
            """, "drill.yaml");

    private static Template synth(int drillHours) {
        VrfStackProps props = VrfStackProps.builder().env(TestStacks.ENV).stackName("VrfDrill" + drillHours)
                .failover(TestStacks.fullProps().name("VrfDrill" + drillHours).config(CONFIG).drillScheduleHours(drillHours).build()).build();
        return Template.fromStack(new VrfStack(TestStacks.app(), props.stackName(), props));
    }

    @Test
    void drillsAreScheduledOnlyWhenAskedForOnlyForVerifiableRoutesThroughTheOperatorAlias() {
        Template off = synth(0);
        assertThat(off.findResources("AWS::Events::Rule", Map.of("Properties", Map.of("Description", Match.stringLikeRegexp("failover drill.*")))))
                .as("off by default: a drill moves traffic").isEmpty();

        Template on = synth(24);
        Map<String, Map<String, Object>> drills = on.findResources("AWS::Events::Rule",
                Map.of("Properties", Map.of("Description", Match.stringLikeRegexp("failover drill.*"))));
        assertThat(drills).as("'unverified' has no data-path check: a drill of it would be refused").hasSize(1);
        on.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(1 day)",
                "Targets", List.of(Match.objectLike(Map.of(
                        "Input", "{\"action\":\"drill\",\"route\":\"egress\",\"requestedBy\":\"drill-schedule\"}",
                        "Arn", Map.of("Ref", Match.stringLikeRegexp(".*ControllerOperator.*")))))));

        // The data-path endpoints lie beyond the NAT: their ports are open to any address, nothing else is.
        on.hasResourceProperties("AWS::EC2::SecurityGroup", Map.of("SecurityGroupEgress", Match.arrayWith(List.of(
                Map.of("CidrIp", "0.0.0.0/0", "IpProtocol", "tcp", "FromPort", 8443, "ToPort", 8443,
                        "Description", "data-path check endpoint port 8443 through the managed route")))));
    }
}
