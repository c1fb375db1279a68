package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The derivations the stack is built from, without a synth. */
class ConfigFactsTest {

    @Test
    void sampleConfigFacts() {
        ConfigFacts facts = ConfigFacts.of(SampleConfigs.natTwoAz());
        assertThat(facts.vpcId()).isEqualTo(SampleConfigs.VPC);
        assertThat(facts.routeTableIds()).isEmpty();
        assertThat(facts.tagSelectors()).containsExactly(
                new TableSelector.ByTags(Map.of("tier", "private"), Map.of("nat", "unmanaged"), false),
                new TableSelector.ByTags(Map.of("tier", "private"), Map.of(), false));
        assertThat(facts.vpcWideSelection()).as("subnet and main selectors").isTrue();
        assertThat(facts.instanceIds()).containsExactly(SampleConfigs.NAT_A, SampleConfigs.NAT_B);
        assertThat(facts.runtimeResolvedTargets()).containsExactly("dns-fleet");
        assertThat(facts.instancesFullyKnown()).isFalse();
        assertThat(facts.fixesSourceDestCheck()).isTrue();
        assertThat(facts.agentAlarms()).containsExactly(
                new ConfigFacts.AgentAlarm("nat-a", "nat-agent", SampleConfigs.NAT_A, "egress-https", 3),
                new ConfigFacts.AgentAlarm("nat-a", "nat-forward", SampleConfigs.NAT_A, "ip-forward", 3),
                new ConfigFacts.AgentAlarm("nat-b", "nat-agent", SampleConfigs.NAT_B, "egress-https", 3),
                new ConfigFacts.AgentAlarm("nat-b", "nat-forward", SampleConfigs.NAT_B, "ip-forward", 3));
        // nat-peer is reportedBy: peers: its series are the peers' (peer:<id>), no alarm on the target's own id.
        assertThat(facts.probePorts()).containsExactly(22, 8080);
        assertThat(facts.probedChecks()).containsExactly(
                new ConfigFacts.ProbedCheck("nat-a", SampleConfigs.NAT_A, "nat-tcp"),
                new ConfigFacts.ProbedCheck("nat-b", SampleConfigs.NAT_B, "nat-tcp"));
        assertThat(facts.routeNames()).containsExactly("default-egress", "dns-anycast", "ipv6-egress");
        assertThat(facts.configAlarmNames()).isEmpty();
    }

    @Test
    void dataPathEndpointPortsAreOpenedBecauseTheyLieBeyondTheNatNotInTheVpc() {
        ConfigFacts facts = ConfigFacts.of(io.github.vpcroutefailover.config.ConfigLoader.parse("""
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  tcp: {type: tcp, port: 22}
                  egress-path:
                    type: data-path
                    routes: [egress]
                    endpoints: ["https://checkip.amazonaws.com/"]
                    paths:
                      - {zone: us-east-1a, endpoints: ["tcp://203.0.113.10:8443", "http://example.com/"]}
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [tcp]}
                  nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [tcp]}
                routes:
                  - name: egress
                    destination: 0.0.0.0/0
                    routeTables: [{id: rtb-0aaaaaaaaaaaaaaaa}]
                    targets: [nat-a, nat-b]
                """, "dp.yaml"));
        assertThat(facts.dataPathPorts()).as("https default, http default, explicit").containsExactly(80, 443, 8443);
        assertThat(facts.probePorts()).as("data-path ports are not VPC-internal check ports").containsExactly(22);
    }

    @Test
    void idOnlyConfigFacts() {
        ConfigFacts facts = ConfigFacts.of(SampleConfigs.natPairByIds());
        assertThat(facts.routeTableIds()).containsExactly("rtb-0aaaaaaaaaaaaaaaa", "rtb-0bbbbbbbbbbbbbbbb");
        assertThat(facts.tagSelectors()).isEmpty();
        assertThat(facts.vpcWideSelection()).isFalse();
        assertThat(facts.instancesFullyKnown()).isTrue();
        assertThat(facts.fixesSourceDestCheck()).isFalse();
        assertThat(facts.configAlarmNames()).containsExactly("team-nat-packet-loss");
        assertThat(facts.probePorts()).isEmpty();
    }

    @Test
    void agentAlarmWaitsForFallAndForStaleness() {
        // fall 3 at 10 s periods vs. silence for 60 s: the longer one wins, so one late datapoint cannot trip it.
        assertThat(ConfigFacts.evaluationPeriods(new CheckSpec.Agent("a", "egress", Duration.ofSeconds(60), 2, 3))).isEqualTo(6);
        assertThat(ConfigFacts.evaluationPeriods(new CheckSpec.Agent("a", "egress", Duration.ofSeconds(15), 2, 3))).isEqualTo(3);
        assertThat(ConfigFacts.evaluationPeriods(new CheckSpec.Agent("a", "egress", Duration.ofSeconds(25), 2, 1))).isEqualTo(3);
        assertThat(ConfigFacts.evaluationPeriods(new CheckSpec.Agent("a", "egress", null, 2, 1))).isEqualTo(1);
    }

    @Test
    void tagSelectorsBecomeIamConditions() {
        // "*" means "key present": StringLike is false for an absent key; negations are true for an absent key.
        var conditions = ConfigFacts.tagConditions(new TableSelector.ByTags(
                Map.of("tier", "private", "managed", "*"), Map.of("nat", "unmanaged", "legacy", "*"), false));
        assertThat(conditions).isEqualTo(Map.of(
                "StringEquals", Map.of("aws:ResourceTag/tier", "private"),
                "StringLike", Map.of("aws:ResourceTag/managed", "*"),
                "StringNotEquals", Map.of("aws:ResourceTag/nat", "unmanaged"),
                "StringNotLike", Map.of("aws:ResourceTag/legacy", "*")));
    }

    @Test
    void eventPatternDetailFollowsWhatIsKnown() {
        ConfigFacts ids = ConfigFacts.of(SampleConfigs.natPairByIds());
        assertThat(EventPatterns.ec2StateDetail(ids)).containsEntry("instance-id", List.of(SampleConfigs.NAT_A, SampleConfigs.NAT_B));
        ConfigFacts tags = ConfigFacts.of(SampleConfigs.natTwoAz());
        assertThat(EventPatterns.ec2StateDetail(tags)).doesNotContainKey("instance-id");
        assertThat(EventPatterns.alarmDetail("vrf-", List.of("vrf-covered-by-prefix", "team-alarm")))
                .isEqualTo(Map.of("alarmName", List.of(Map.of("prefix", "vrf-"), "team-alarm")));
    }

    @Test
    void anApplianceBehindAnEndpointOrAttachmentIsWatchedLikeAnInstanceTarget() {
        // Why: `appliance:` makes the instance's health the next hop's health; without its id in the facts the EC2
        // rules and agent alarms would leave it out and its failure would wait for the schedule. A target without
        // an appliance (alarm checks only) adds nothing.
        ConfigFacts facts = ConfigFacts.of(io.github.vpcroutefailover.config.ConfigLoader.parse("""
                version: 1
                vpc: vpc-0123456789abcdef0
                checks:
                  ec2: {type: ec2-status}
                  fw: {type: agent, agentCheck: egress-https, staleAfter: 30s}
                  tg: {type: alarm, alarmName: tg-unhealthy}
                targets:
                  a: {vpcEndpoint: vpce-0aaaaaaaaaaaaaaaa, appliance: i-0aaaaaaaaaaaaaaaa, checks: [ec2, fw]}
                  b: {vpcEndpoint: vpce-0bbbbbbbbbbbbbbbb, checks: [tg]}
                routes:
                  - {name: r, destination: 10.0.1.0/24, routeTables: [{gateway: igw-0123456789abcdef0}], targets: [a, b]}
                """, "gwlb.yaml"));
        assertThat(facts.instanceIds()).containsExactly("i-0aaaaaaaaaaaaaaaa");
        assertThat(facts.instancesFullyKnown()).isTrue();
        assertThat(facts.agentAlarms()).singleElement().satisfies(a -> {
            assertThat(a.targetName()).isEqualTo("a");
            assertThat(a.instanceId()).isEqualTo("i-0aaaaaaaaaaaaaaaa");
            assertThat(a.agentCheck()).isEqualTo("egress-https");
        });
    }
}
