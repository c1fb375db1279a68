package io.github.vpcroutefailover.config;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks a route config against the agent configs that will run on its targets: every {@code type: agent} check a
 * target waits for must be one that some agent publishes. Without this a typo (or a renamed agent check) is only
 * found in production, where the missing series reads as stale and fails every target at once.
 *
 * <p>What an agent publishes is read from its config file (the {@code Check} dimension values of the metric
 * contract, README "Metric contract"): a check's {@code name}, or {@code name:<peerId>} per peer for a
 * {@code type: peer} check. Only {@code checks[].name}, {@code type} and {@code peers[].id} are read here; the rest
 * of the agent config is the agent's to validate ({@code agent.jar check-config}).
 *
 * <p>Which agent config runs on which instance is not known here (an agent config usually has no instance id), so
 * a self-reported check passes when any given agent config publishes it. A peer-reported check
 * ({@code reportedBy: peers}) needs an agent with a peer check of that name that lists the target's instance id
 * among its peers (for targets named by instance id).
 */
public final class AgentCrossCheck {
    private AgentCrossCheck() {
    }

    /** What one agent config publishes: plain check names, and peer check names with the peer ids each probes. */
    public record Publications(String source, Set<String> checks, Map<String, Set<String>> peerChecks) {
        public Publications {
            checks = Set.copyOf(checks);
            Map<String, Set<String>> copy = new LinkedHashMap<>();
            peerChecks.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
            peerChecks = Map.copyOf(copy);
        }

        /** The Check dimension values this agent publishes (an instance skips its own id in peer checks). */
        public Set<String> dimensionValues() {
            Set<String> out = new TreeSet<>(checks);
            peerChecks.forEach((name, ids) -> ids.forEach(id -> out.add(name + ":" + id)));
            return out;
        }
    }

    /**
     * Reads what an agent config file publishes.
     *
     * @throws ConfigException when the file cannot be read or has no usable {@code checks} list
     */
    public static Publications read(Path agentConfig) {
        String text;
        try {
            text = Files.readString(agentConfig, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(agentConfig.toString(), List.of(new ConfigProblem("", 0,
                    "cannot read the agent config: " + e.getMessage() + ". Fix: give the path of the agent's agent.yaml")));
        }
        return parse(text, agentConfig.toString());
    }

    /** As {@link #read(Path)}, from the YAML text. */
    public static Publications parse(String yaml, String source) {
        YamlTree tree = YamlTree.parse(yaml);
        List<ConfigProblem> problems = new ArrayList<>(tree.problems);
        Set<String> checks = new LinkedHashSet<>();
        Map<String, Set<String>> peers = new LinkedHashMap<>();
        JsonNode list = tree.root == null ? null : tree.root.get("checks");
        if (tree.root != null && (list == null || !list.isArray())) {
            problems.add(new ConfigProblem("checks", line(tree, "checks"),
                    "the agent config has no 'checks' list; it publishes no CheckResult, so no agent check can be satisfied"));
        }
        if (list != null && list.isArray()) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode c = list.get(i);
                String path = "checks[" + i + "]";
                JsonNode name = c.get("name");
                if (name == null || !name.isTextual() || name.asText().isBlank()) {
                    problems.add(new ConfigProblem(path + ".name", line(tree, path),
                            "every agent check needs a name (the Check dimension it publishes)"));
                    continue;
                }
                JsonNode type = c.get("type");
                if (type != null && "peer".equals(type.asText())) {
                    Set<String> ids = peers.computeIfAbsent(name.asText(), k -> new LinkedHashSet<>());
                    JsonNode ps = c.get("peers");
                    if (ps != null && ps.isArray()) {
                        for (JsonNode p : ps) {
                            if (p.hasNonNull("id")) {
                                ids.add(p.get("id").asText());
                            }
                        }
                    }
                } else {
                    checks.add(name.asText());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new Publications(source, checks, peers);
    }

    /**
     * The problems of {@code config} against the agents: each names the route config's check
     * ({@code checks.<name>.agentCheck}) and says what the agents publish instead. Empty when consistent.
     */
    public static List<ConfigProblem> problems(FailoverConfig config, List<Publications> agents) {
        List<ConfigProblem> out = new ArrayList<>();
        if (agents.isEmpty()) {
            return out;
        }
        Set<String> published = new TreeSet<>();
        agents.forEach(a -> published.addAll(a.checks()));
        Set<String> peerNames = new TreeSet<>();
        agents.forEach(a -> peerNames.addAll(a.peerChecks().keySet()));
        String sources = String.join(", ", agents.stream().map(Publications::source).toList());
        for (CheckSpec spec : config.checks().values()) {
            if (!(spec instanceof CheckSpec.Agent agent) || !usedByATarget(config, agent.name())) {
                continue;
            }
            String path = "checks." + agent.name() + ".agentCheck";
            String wanted = agent.agentCheck();
            if (!agent.reportedByPeers()) {
                if (published.contains(wanted)) {
                    continue;
                }
                String hint = peerNames.contains(wanted)
                        ? " '" + wanted + "' is a peer check there (published as " + wanted + ":<peer id> by the other instances); set reportedBy: peers"
                        : " Set agentCheck to one of those, or add a check named '" + wanted + "' to the agent config";
                out.add(new ConfigProblem(path, 0, "no agent publishes Check=" + wanted + " (" + sources + " publish "
                        + describe(published, peerNames) + "); the series would be missing and the check stale, failing every target that lists it."
                        + hint));
                continue;
            }
            if (!peerNames.contains(wanted)) {
                out.add(new ConfigProblem(path, 0, "reportedBy: peers needs an agent check of type peer named '" + wanted + "', but "
                        + sources + " publish " + describe(published, peerNames)
                        + ". Add {name: " + wanted + ", type: peer, peers: [...]} to the agent config, or fix agentCheck"));
                continue;
            }
            Set<String> probed = new TreeSet<>();
            agents.forEach(a -> probed.addAll(a.peerChecks().getOrDefault(wanted, Set.of())));
            for (TargetSpec t : config.targets().values()) {
                if (t instanceof TargetSpec.Instance i && t.checks().contains(agent.name()) && !probed.contains(i.instanceId())) {
                    out.add(new ConfigProblem(path, 0, "target '" + t.name() + "' (" + i.instanceId() + ") waits for peer check '" + wanted
                            + "', but no agent lists " + i.instanceId() + " among the peers of '" + wanted + "' (" + sources
                            + "); add {id: " + i.instanceId() + ", address: <its private IP>} to that check's peers"));
                }
            }
        }
        return out;
    }

    /** @throws ConfigException naming every agent check no agent publishes */
    public static void require(FailoverConfig config, String configSource, List<Publications> agents) {
        List<ConfigProblem> problems = problems(config, agents);
        if (!problems.isEmpty()) {
            throw new ConfigException(configSource, problems);
        }
    }

    private static boolean usedByATarget(FailoverConfig config, String check) {
        return config.targets().values().stream().anyMatch(t -> t.checks().contains(check));
    }

    private static String describe(Set<String> checks, Set<String> peerNames) {
        Set<String> all = new TreeSet<>(checks);
        peerNames.forEach(p -> all.add(p + ":<peer id>"));
        return all.isEmpty() ? "no checks" : String.join(", ", all);
    }

    private static int line(YamlTree tree, String path) {
        Integer l = tree.lines.get(path);
        return l == null ? 0 : l;
    }
}
