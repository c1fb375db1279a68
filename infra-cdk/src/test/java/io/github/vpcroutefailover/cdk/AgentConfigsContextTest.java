package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awscdk.App;

/** {@code cdk synth -c agentConfigs=...}: the route config is checked against the agents before anything is built. */
class AgentConfigsContextTest {

    @Test
    void contextListsAgentConfigsAsCommaSeparatedTextOrAJsonArray() {
        assertThat(VrfApp.agentConfigs(Map.<String, Object>of("agentConfigs", "a.yaml, b.yaml")::get))
                .containsExactly(Path.of("a.yaml"), Path.of("b.yaml"));
        assertThat(VrfApp.agentConfigs(Map.<String, Object>of("agentConfigs", List.of("a.yaml"))::get)).containsExactly(Path.of("a.yaml"));
        assertThat(VrfApp.agentConfigs(Map.<String, Object>of()::get)).isEmpty();
    }

    @Test
    void synthStopsWhenNoAgentPublishesACheckTheConfigWaitsFor(@TempDir Path dir) throws Exception {
        Path agent = dir.resolve("agent.yaml");
        // The agent config as user-data.sh wrote it before the samples were fixed: no peer check.
        Files.writeString(agent, """
                checks:
                  - {name: ip-forward, type: command, command: ["/bin/true"]}
                  - {name: egress-https, type: http, url: "https://checkip.amazonaws.com/"}
                """);
        AppSettings settings = AppSettings.fromContext(Map.<String, Object>of("configPath", SampleConfigs.natTwoAzYaml().toString())::get);
        assertThatThrownBy(() -> VrfApp.build(new App(), settings, TestStacks.ENV, List.of(agent)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("checks.nat-peer.agentCheck")
                .hasMessageContaining("reportedBy: peers needs an agent check of type peer named 'peer'");
    }

    @Test
    void theSampleAgentConfigSatisfiesTheSampleRouteConfig() {
        AppSettings settings = AppSettings.fromContext(Map.<String, Object>of("configPath", SampleConfigs.natTwoAzYaml().toString())::get);
        Path agent = SampleConfigs.repoRoot().resolve("samples/agent/agent.yaml");
        assertThat(VrfApp.build(new App(), settings, TestStacks.ENV, List.of(agent))).isNotNull();
    }
}
