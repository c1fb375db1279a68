package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.yaml.Durations;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a YAML/JSON tree into validated config records, collecting every problem (it never stops at the first).
 * Each problem names the path and, when known, the line; the message says what is wrong and how to fix it.
 */
final class ConfigValidator extends ConfigFields {
    private static final List<String> TOP_KEYS = List.of("version", "vpc", "checks", "targets", "routes");

    private final CheckRules checkRules;
    private final TargetRules targetRules;
    private final RouteRules routeRules;

    ConfigValidator(Map<String, Integer> lines) {
        super(lines, new ArrayList<>());
        this.checkRules = new CheckRules(lines, problems);
        this.targetRules = new TargetRules(lines, problems);
        this.routeRules = new RouteRules(lines, problems);
    }

    List<ConfigProblem> problems() {
        return problems;
    }

    // ---------------------------------------------------------------------------------------------- document

    FailoverConfig document(JsonNode root) {
        if (root == null || root.isNull() || (root.isObject() && root.isEmpty())) {
            problem("", "the config is empty; it needs at least 'version: 1', 'vpc: vpc-...' and 'targets'");
            return null;
        }
        if (!root.isObject()) {
            problem("", "the config must be a map with keys " + String.join(", ", TOP_KEYS) + ", but found " + describe(root));
            return null;
        }
        checkKeys(root, "", TOP_KEYS);

        JsonNode version = root.get("version");
        if (version == null) {
            problem("version", "missing 'version'; add 'version: 1' at the top of the file");
        } else if (!version.isIntegralNumber() || version.asLong() != 1) {
            problem("version", "version must be 1 (the only config format so far), but found " + describe(version));
        }
        String vpcId = null;
        JsonNode vpc = root.get("vpc");
        if (vpc == null) {
            problem("vpc", "missing 'vpc'; add the id of the VPC whose route tables are managed, e.g. vpc: " + AwsIds.example("vpc"));
        } else {
            vpcId = id(vpc, "vpc", "a VPC", "vpc");
        }

        Map<String, CheckSpec> checks = new LinkedHashMap<>();
        Set<String> declaredChecks = new LinkedHashSet<>();
        JsonNode checksNode = root.get("checks");
        if (checksNode != null && !checksNode.isNull()) {
            if (!checksNode.isObject()) {
                problem("checks", "checks must be a map of check name to check, e.g. 'checks: {nat-tcp: {type: tcp, port: 22}}', but found " + describe(checksNode));
            } else {
                checksNode.properties().forEach(e -> {
                    declaredChecks.add(e.getKey());
                    CheckSpec spec = checkRules.check(e.getKey(), e.getValue(), YamlTree.child("checks", e.getKey()));
                    if (spec != null) {
                        checks.put(e.getKey(), spec);
                    }
                });
            }
        }

        Map<String, TargetSpec> targets = new LinkedHashMap<>();
        Set<String> declaredTargets = new LinkedHashSet<>();
        JsonNode targetsNode = root.get("targets");
        if (targetsNode == null || targetsNode.isNull() || (targetsNode.isObject() && targetsNode.isEmpty())) {
            problem("targets", "no targets; add a 'targets' map of name to next hop, e.g. 'targets: {nat-a: {instance: " + AwsIds.example("i") + ", checks: [ec2]}}'");
        } else if (!targetsNode.isObject()) {
            problem("targets", "targets must be a map of target name to next hop, but found " + describe(targetsNode));
        } else {
            targetsNode.properties().forEach(e -> {
                declaredTargets.add(e.getKey());
                TargetSpec spec = targetRules.target(e.getKey(), e.getValue(), YamlTree.child("targets", e.getKey()), declaredChecks, checks);
                if (spec != null) {
                    targets.put(e.getKey(), spec);
                }
            });
        }

        List<RouteSpec> routes = new ArrayList<>();
        JsonNode routesNode = root.get("routes");
        if (routesNode != null && !routesNode.isNull()) {
            if (!routesNode.isArray()) {
                problem("routes", "routes must be a list ('- name: ...' entries), but found " + describe(routesNode));
            } else {
                Map<String, Integer> names = new LinkedHashMap<>();
                List<RouteSpec> byIndex = new ArrayList<>();
                for (int i = 0; i < routesNode.size(); i++) {
                    String path = YamlTree.index("routes", i);
                    JsonNode r = routesNode.get(i);
                    RouteSpec spec = routeRules.route(r, path, declaredTargets, targets);
                    String name = r.isObject() && r.path("name").isTextual() ? r.path("name").asText() : null;
                    if (name != null) {
                        Integer first = names.putIfAbsent(name, i);
                        if (first != null) {
                            problem(YamlTree.child(path, "name"), "route name '" + name + "' is already used by routes[" + first
                                    + "]; route names must be unique (they key ownership and status)");
                        }
                    }
                    byIndex.add(spec);
                    if (spec != null) {
                        routes.add(spec);
                    }
                }
                for (int j = 0; j < byIndex.size(); j++) {
                    for (int i = 0; i < j; i++) {
                        routeRules.duplicateSelectors(byIndex.get(i), "routes[" + i + "]", byIndex.get(j), YamlTree.index("routes", j));
                    }
                }
            }
        }
        checkRules.dataPathRoutesExist(checks, routes);
        if (!problems.isEmpty()) {
            return null;
        }
        return new FailoverConfig(vpcId, checks, targets, routes);
    }

    /** One route against an existing config (runtime registration); paths are relative to the route. */
    RouteSpec singleRoute(JsonNode node, FailoverConfig base) {
        RouteSpec spec = routeRules.route(node, "", base.targets().keySet(), base.targets());
        if (spec != null) {
            for (RouteSpec other : base.routes()) {
                if (!other.name().equals(spec.name())) {
                    routeRules.duplicateSelectors(other, "route '" + other.name() + "'", spec, "");
                }
            }
        }
        return problems.isEmpty() ? spec : null;
    }
}
