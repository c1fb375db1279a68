package io.github.vpcroutefailover.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.config.AgentConfig;
import io.github.vpcroutefailover.agent.config.CheckSpec;
import io.github.vpcroutefailover.config.AgentCrossCheck;
import io.github.vpcroutefailover.config.ConfigLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The samples a user copies must work together: every agent check the sample route config waits for is published
 * by the sample agent configs (samples/agent/agent.yaml, and the config user-data.sh writes), and the function's
 * reading of "what an agent publishes" agrees with the agent's own config loader.
 */
class SamplesConsistencyTest {
    private static final Path REPO = Path.of(System.getProperty("vrf.repoRoot", "..")).toAbsolutePath().normalize();
    private static final Path ROUTES = REPO.resolve("samples/config/nat-two-az.yaml");
    private static final Path AGENT = REPO.resolve("samples/agent/agent.yaml");

    static String userDataAgentYaml() throws IOException {
        String userData = Files.readString(REPO.resolve("samples/agent/user-data.sh"));
        int start = userData.indexOf("<<'YAML'\n");
        int end = userData.indexOf("\nYAML\n", start);
        assertThat(start).as("user-data.sh writes the agent config with a <<'YAML' heredoc").isPositive();
        return userData.substring(start + "<<'YAML'\n".length(), end + 1);
    }

    @Test
    void sampleRouteConfigWaitsOnlyForChecksTheSampleAgentsPublish() throws IOException {
        var config = ConfigLoader.load(ROUTES);
        assertThat(AgentCrossCheck.problems(config, List.of(AgentCrossCheck.read(AGENT)))).isEmpty();
        // The NAT instances' own agent config, as the user data installs it, must be enough on its own.
        assertThat(AgentCrossCheck.problems(config, List.of(AgentCrossCheck.parse(userDataAgentYaml(), "user-data.sh")))).isEmpty();
    }

    @Test
    void theFunctionReadsWhatAnAgentPublishesAsTheAgentDoes() throws IOException {
        assertThat(AgentCrossCheck.read(AGENT).dimensionValues()).isEqualTo(published(io.github.vpcroutefailover.agent.config.ConfigLoader.load(AGENT)));
        assertThat(AgentCrossCheck.parse(userDataAgentYaml(), "user-data.sh").dimensionValues())
                .isEqualTo(published(io.github.vpcroutefailover.agent.config.ConfigLoader.parse(userDataAgentYaml(), "user-data.sh")));
    }

    /** The Check values the agent publishes (docs/agent.md, metric contract), from the agent's own model. */
    private static Set<String> published(AgentConfig config) {
        Set<String> out = new TreeSet<>();
        for (CheckSpec c : config.checks()) {
            if (c.target() instanceof CheckSpec.Peer p) {
                p.peers().forEach(peer -> out.add(c.name() + ":" + peer.id()));
            } else {
                out.add(c.name());
            }
        }
        return out;
    }
}
