package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads and validates the YAML route config (format: samples/config/*.yaml and docs/config.md).
 * Reports every problem at once, each with its path and line, and a message that says how to fix it.
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /** @throws ConfigException listing every problem found (an unreadable file is one problem) */
    public static FailoverConfig load(Path file) {
        return parse(YamlTree.parseFile(file), file.toString());
    }

    /**
     * @param sourceName how to name the source in errors, e.g. a file name
     * @throws ConfigException listing every problem found
     */
    public static FailoverConfig parse(String yaml, String sourceName) {
        return parse(YamlTree.parse(yaml), sourceName);
    }

    static FailoverConfig parse(YamlTree tree, String sourceName) {
        if (tree.root == null && !tree.problems.isEmpty()) {
            throw new ConfigException(sourceName, tree.problems);
        }
        ConfigValidator v = new ConfigValidator(tree.lines);
        FailoverConfig config = v.document(tree.root);
        List<ConfigProblem> all = new java.util.ArrayList<>(tree.problems);
        all.addAll(v.problems());
        if (!all.isEmpty()) {
            all.sort(java.util.Comparator.comparingInt(ConfigProblem::line));
            throw new ConfigException(sourceName, all);
        }
        return config;
    }

    /**
     * Validates one route (as registered at runtime) against an existing config: its targets must be the
     * config's targets, and it must not manage a destination in a table selector another route (under a different
     * name) already manages. Same rules and messages as the file; paths are relative to the route
     * ("destination", "policy.failBack"), lines 0. Whether a route of the same name is an update is the caller's call.
     *
     * @throws ConfigException listing every problem found
     */
    public static RouteSpec parseRoute(JsonNode route, FailoverConfig base) {
        return route(YamlTree.of(route), base, "route");
    }

    /** As {@link #parseRoute(JsonNode, FailoverConfig)}, from YAML or JSON text (JSON is YAML), with line numbers. */
    public static RouteSpec parseRoute(String yamlOrJson, String sourceName, FailoverConfig base) {
        YamlTree tree = YamlTree.parse(yamlOrJson);
        if (tree.root == null) {
            throw new ConfigException(sourceName, tree.problems.isEmpty()
                    ? List.of(new ConfigProblem("", 0, "the route is empty; give name, destination, routeTables and targets")) : tree.problems);
        }
        return route(tree, base, sourceName);
    }

    private static RouteSpec route(YamlTree tree, FailoverConfig base, String sourceName) {
        ConfigValidator v = new ConfigValidator(tree.lines);
        RouteSpec spec = v.singleRoute(tree.root, base);
        List<ConfigProblem> all = new java.util.ArrayList<>(tree.problems);
        all.addAll(v.problems());
        if (!all.isEmpty()) {
            throw new ConfigException(sourceName, all);
        }
        return spec;
    }
}
