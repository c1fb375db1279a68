package io.github.vpcroutefailover.config;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A route config checked against the agent configs of its targets (validate --agent, cdk synth -c agentConfigs). */
class AgentCrossCheckTest {
    private static final String ROUTES = """
            version: 1
            vpc: vpc-0123456789abcdef0
            checks:
              nat-agent: {type: agent, agentCheck: %s}
              nat-peer: {type: agent, agentCheck: peer, reportedBy: peers}
              unused: {type: agent, agentCheck: nobody-publishes-this}
            targets:
              nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [nat-agent, nat-peer]}
              nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [nat-agent, nat-peer]}
            routes:
              - {name: egress, destination: 0.0.0.0/0, routeTables: [{tags: {tier: private}}], targets: [nat-a, nat-b]}
            """;

    private static final String AGENT = """
            interval: 1s
            checks:
              - {name: egress-https, type: http, url: "https://checkip.amazonaws.com/"}
              - {name: ip-forward, type: command, command: ["/bin/true"]}
              - name: peer
                type: peer
                peers: [{id: i-0aaaaaaaaaaaaaaaa, address: 10.0.1.10}, {id: i-0bbbbbbbbbbbbbbbb, address: 10.0.2.10}]
            """;

    private static FailoverConfig routes(String agentCheck) {
        return ConfigLoader.parse(ROUTES.formatted(agentCheck), "routes.yaml");
    }

    @Test
    void consistentConfigsHaveNoProblemAndAnUnusedCheckIsNotRequired() {
        assertThat(AgentCrossCheck.problems(routes("egress-https"), List.of(AgentCrossCheck.parse(AGENT, "agent.yaml")))).isEmpty();
    }

    @Test
    void aCheckNoAgentPublishesIsNamedWithWhatTheAgentsPublish() {
        List<ConfigProblem> problems = AgentCrossCheck.problems(routes("egress"), List.of(AgentCrossCheck.parse(AGENT, "agent.yaml")));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("checks.nat-agent.agentCheck");
            assertThat(p.message()).contains("no agent publishes Check=egress").contains("agent.yaml")
                    .contains("egress-https, ip-forward, peer:<peer id>");
        });
        assertThatThrownBy(() -> AgentCrossCheck.require(routes("egress"), "routes.yaml", List.of(AgentCrossCheck.parse(AGENT, "agent.yaml"))))
                .isInstanceOf(ConfigException.class).hasMessageContaining("checks.nat-agent.agentCheck");
    }

    @Test
    void aPeerCheckNameUsedAsASelfCheckSaysToSetReportedBy() {
        List<ConfigProblem> problems = AgentCrossCheck.problems(routes("peer"), List.of(AgentCrossCheck.parse(AGENT, "agent.yaml")));
        assertThat(problems).singleElement().satisfies(p -> assertThat(p.message()).contains("set reportedBy: peers"));
    }

    @Test
    void aPeerReportedCheckNeedsAnAgentThatProbesTheTarget() {
        String onlyA = AGENT.replace(", {id: i-0bbbbbbbbbbbbbbbb, address: 10.0.2.10}", "");
        List<ConfigProblem> problems = AgentCrossCheck.problems(routes("egress-https"), List.of(AgentCrossCheck.parse(onlyA, "agent.yaml")));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.path()).isEqualTo("checks.nat-peer.agentCheck");
            assertThat(p.message()).contains("nat-b").contains("i-0bbbbbbbbbbbbbbbb").contains("add {id: i-0bbbbbbbbbbbbbbbb");
        });
        String noPeer = AGENT.substring(0, AGENT.indexOf("  - name: peer"));
        assertThat(AgentCrossCheck.problems(routes("egress-https"), List.of(AgentCrossCheck.parse(noPeer, "agent.yaml"))))
                .singleElement().satisfies(p -> assertThat(p.message()).contains("needs an agent check of type peer named 'peer'"));
    }

    @Test
    void checksPublishedByDifferentAgentsCountTogether() {
        String one = "checks: [{name: egress-https, type: http, url: \"http://x/\"}]\n";
        String two = "checks: [{name: peer, type: peer, peers: [{id: i-0aaaaaaaaaaaaaaaa, address: a}, {id: i-0bbbbbbbbbbbbbbbb, address: b}]}]\n";
        assertThat(AgentCrossCheck.problems(routes("egress-https"),
                List.of(AgentCrossCheck.parse(one, "one.yaml"), AgentCrossCheck.parse(two, "two.yaml")))).isEmpty();
    }

    @Test
    void anAgentConfigWithoutChecksOrUnreadableIsRefusedWithTheFileName() {
        assertThatThrownBy(() -> AgentCrossCheck.parse("interval: 1s\n", "agent.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("agent.yaml").hasMessageContaining("no 'checks' list");
        assertThatThrownBy(() -> AgentCrossCheck.parse("checks: [{type: tcp}]\n", "agent.yaml"))
                .hasMessageContaining("checks[0].name");
        assertThatThrownBy(() -> AgentCrossCheck.parse("checks: [\n", "agent.yaml")).hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> AgentCrossCheck.read(java.nio.file.Path.of("/nonexistent/agent.yaml")))
                .hasMessageContaining("cannot read the agent config");
    }

    @Test
    void noAgentConfigGivenChecksNothing() {
        assertThat(AgentCrossCheck.problems(routes("anything"), List.of())).isEmpty();
    }
}
