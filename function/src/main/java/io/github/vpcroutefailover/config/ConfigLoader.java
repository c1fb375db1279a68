package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.json.JsonTrees;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
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
     * The config file (a route config or a fleet config, YAML or JSON) as the JSON text the deployment ships: the same
     * tree, so it reads back to the same config, but read at a cold start without the YAML parser
     * ({@link JsonConfigText}, issue #17). Comments and anchors do not survive (aliases are expanded); validate the file
     * first ({@link #load}, {@code FleetConfigLoader.load}), as the CDK app does, for errors with the file's own lines.
     *
     * @throws ConfigException when the file cannot be read as YAML, or its JSON would not read back to the same tree
     *                         (for example a YAML {@code .inf}, which JSON cannot write)
     */
    public static String compiledJson(Path file) {
        YamlTree tree = YamlTree.parseFile(file);
        if (tree.root == null || !tree.problems.isEmpty()) {
            throw new ConfigException(file.toString(), tree.problems.isEmpty()
                    ? List.of(new ConfigProblem("", 0, "the file holds no config; write the config's mappings into it")) : tree.problems);
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            JsonTrees.write(tree.root, g);
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory", e);
        }
        String json = out + "\n";
        YamlTree back = JsonConfigText.read(json);
        if (back == null || !back.root.equals(tree.root)) {
            throw new ConfigException(file.toString(), List.of(new ConfigProblem("", 0, "a value cannot be written as JSON that reads back the"
                    + " same (a YAML .inf or .nan, or a character JSON escapes differently); write it as a quoted string")));
        }
        return json;
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
