package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a route config that names one VPC ({@code vpc}, the format of every earlier release, unchanged) or several
 * ({@code vpcs}, each optionally in another account or region reached by a role). Each {@code vpcs} entry is
 * validated by the very rules of a single-VPC file ({@link ConfigValidator}), with the top-level {@code checks}
 * shared by all entries; problems keep their full path ({@code vpcs[1].routes[0].destination}) and line, and every
 * problem of every entry is reported at once (docs/config.md "Several VPCs and accounts").
 */
public final class FleetConfigLoader {
    /** Past this, one controller's invocation cannot give each VPC a useful share of its time (BENCHMARKS.md). */
    public static final int MAX_VPCS = 200;
    private static final List<String> ENTRY_KEYS = List.of("vpc", "region", "roleArn", "externalId", "checks", "targets", "routes");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    static final Pattern ROLE_ARN = Pattern.compile("arn:aws(-cn|-us-gov|-iso|-iso-b|-iso-e|-iso-f|-eusc)?:iam::\\d{12}:role/"
            + "([\\x21-\\x7e&&[^/]]+/)*[A-Za-z0-9+=,.@_-]{1,64}");
    static final Pattern EXTERNAL_ID = Pattern.compile("[A-Za-z0-9+=,.@:/_-]{2,1224}");

    private FleetConfigLoader() {
    }

    /** @throws ConfigException listing every problem found (an unreadable file is one problem) */
    public static FleetConfig load(Path file) {
        return parse(YamlTree.parseFile(file), file.toString());
    }

    /** @throws ConfigException listing every problem found */
    public static FleetConfig parse(String yaml, String sourceName) {
        return parse(YamlTree.parse(yaml), sourceName);
    }

    /** Whether a file uses the {@code vpcs} format (the CDK app and the probe keep to single-VPC files). */
    static boolean isFleet(JsonNode root) {
        return root != null && root.isObject() && root.has("vpcs");
    }

    private static FleetConfig parse(YamlTree tree, String sourceName) {
        if (!isFleet(tree.root)) {
            return FleetConfig.single(ConfigLoader.parse(tree, sourceName));
        }
        Rules rules = new Rules(tree.lines);
        List<VpcSite> sites = rules.fleet(tree.root);
        List<ConfigProblem> all = new ArrayList<>(tree.problems);
        all.addAll(rules.problems);
        if (!all.isEmpty()) {
            all.sort(Comparator.comparingInt(ConfigProblem::line));
            throw new ConfigException(sourceName, all);
        }
        return new FleetConfig(sites, false);
    }

    private static final class Rules extends ConfigFields {
        Rules(Map<String, Integer> lines) {
            super(lines, new ArrayList<>());
        }

        List<VpcSite> fleet(JsonNode root) {
            // vpc, targets and routes get their own message below, saying where they go instead.
            checkKeys(root, "", List.of("version", "checks", "vpcs", "vpc", "targets", "routes"));
            if (root.has("vpc")) {
                problem("vpc", "give either 'vpc' (one VPC) or 'vpcs' (several), not both; move this VPC into the 'vpcs' list as '- vpc: "
                        + root.get("vpc").asText() + "'");
            }
            for (String moved : List.of("targets", "routes")) {
                if (root.has(moved)) {
                    problem(moved, "with 'vpcs', each VPC lists its own '" + moved + "'; move them under the entry of their VPC");
                }
            }
            JsonNode version = root.get("version");
            if (version == null) {
                problem("version", "missing 'version'; add 'version: 1' at the top of the file");
            } else if (!version.isIntegralNumber() || version.asLong() != 1) {
                problem("version", "version must be 1 (the only config format so far), but found " + describe(version));
            }
            JsonNode shared = root.get("checks");
            if (shared != null && !shared.isNull() && !shared.isObject()) {
                problem("checks", "checks must be a map of check name to check (shared by every VPC), but found " + describe(shared));
                shared = null;
            }
            JsonNode vpcs = root.get("vpcs");
            if (vpcs == null || !vpcs.isArray() || vpcs.isEmpty()) {
                problem("vpcs", "vpcs must be a non-empty list of VPCs ('- vpc: vpc-...' entries with their targets and routes), but found "
                        + describe(vpcs));
                return List.of();
            }
            if (vpcs.size() > MAX_VPCS) {
                problem("vpcs", vpcs.size() + " VPCs is more than one controller manages (" + MAX_VPCS
                        + "): split them across several deployments (docs/deploy.md \"One stack per VPC or one central controller\")");
                return List.of();
            }
            List<VpcSite> sites = new ArrayList<>();
            Map<String, Integer> vpcIndex = new HashMap<>();
            Map<String, String> routeOwner = new HashMap<>();
            for (int i = 0; i < vpcs.size(); i++) {
                VpcSite site = entry(vpcs.get(i), i, shared);
                if (site == null) {
                    continue;
                }
                String at = YamlTree.index("vpcs", i);
                Integer first = vpcIndex.putIfAbsent(site.vpcId(), i);
                if (first != null) {
                    problem(YamlTree.child(at, "vpc"), "VPC " + site.vpcId() + " is already listed at vpcs[" + first
                            + "]; list each VPC once (merge the two entries' targets and routes)");
                    continue;
                }
                List<RouteSpec> routes = site.config().routes();
                for (int r = 0; r < routes.size(); r++) {
                    String owner = routeOwner.putIfAbsent(routes.get(r).name(), at);
                    if (owner != null) {
                        problem(YamlTree.child(YamlTree.index(YamlTree.child(at, "routes"), r), "name"), "route name '" + routes.get(r).name()
                                + "' is already used in " + owner + "; route names are unique across all VPCs (manual actions find a VPC by its route's name)");
                    }
                }
                sites.add(site);
            }
            return sites;
        }

        private VpcSite entry(JsonNode e, int i, JsonNode shared) {
            String at = YamlTree.index("vpcs", i);
            if (e == null || !e.isObject()) {
                problem(at, "each vpcs entry must be a map with 'vpc', 'targets' and 'routes' (and optionally region, roleArn, externalId, checks), but found "
                        + describe(e));
                return null;
            }
            checkKeys(e, at, ENTRY_KEYS);
            String region = optional(e, at, "region", REGION, "a region name like eu-west-1");
            String roleArn = optional(e, at, "roleArn", ROLE_ARN, "an IAM role ARN like arn:aws:iam::111122223333:role/vrf-member");
            String externalId = optional(e, at, "externalId", EXTERNAL_ID, "2-1224 characters of letters, digits and +=,.@:/_-");
            if (externalId != null && roleArn == null && e.has("externalId")) {
                problem(YamlTree.child(at, "externalId"), "an externalId is only sent when assuming a role; add 'roleArn' or remove 'externalId'");
            }
            FailoverConfig config = vpcConfig(e, at, shared);
            if (config == null || problemsIn(at)) {
                return null;
            }
            return new VpcSite(region, roleArn, roleArn == null ? null : externalId, config);
        }

        private boolean problemsIn(String at) {
            return problems.stream().anyMatch(p -> p.path().equals(at) || p.path().startsWith(at + ".") || p.path().startsWith(at + "["));
        }

        private String optional(JsonNode e, String at, String key, Pattern pattern, String expected) {
            JsonNode v = e.get(key);
            if (v == null || v.isNull()) {
                return null;
            }
            String path = YamlTree.child(at, key);
            if (!v.isTextual()) {
                problem(path, key + " must be " + expected + ", but found " + describe(v));
                return null;
            }
            if (!pattern.matcher(v.asText()).matches()) {
                problem(path, key + " '" + shown(v.asText()) + "' is not " + expected);
                return null;
            }
            return v.asText();
        }

        /**
         * The entry as the single-VPC document it amounts to, validated by the single-VPC rules; problem paths and
         * lines are mapped back to where they are in this file.
         */
        private FailoverConfig vpcConfig(JsonNode e, String at, JsonNode shared) {
            JsonNodeFactory f = JsonNodeFactory.instance;
            ObjectNode doc = f.objectNode();
            doc.put("version", 1);
            if (e.has("vpc")) {
                doc.set("vpc", e.get("vpc"));
            }
            Set<String> sharedNames = new LinkedHashSet<>();
            ObjectNode checks = f.objectNode();
            if (shared != null && shared.isObject()) {
                shared.properties().forEach(c -> {
                    sharedNames.add(c.getKey());
                    checks.set(c.getKey(), c.getValue());
                });
            }
            JsonNode own = e.get("checks");
            if (own != null && !own.isNull()) {
                if (!own.isObject()) {
                    problem(YamlTree.child(at, "checks"), "checks must be a map of check name to check, but found " + describe(own));
                } else {
                    own.properties().forEach(c -> {
                        if (sharedNames.contains(c.getKey())) {
                            problem(YamlTree.child(YamlTree.child(at, "checks"), c.getKey()), "check '" + c.getKey()
                                    + "' is already defined in the top-level checks shared by every VPC; rename this one");
                        } else {
                            checks.set(c.getKey(), c.getValue());
                        }
                    });
                }
            }
            if (!checks.isEmpty() || shared != null || own != null) {
                doc.set("checks", checks);
            }
            for (String key : List.of("targets", "routes")) {
                if (e.has(key)) {
                    doc.set(key, e.get(key));
                }
            }
            String prefix = at + ".";
            Map<String, Integer> sub = new LinkedHashMap<>();
            lines.forEach((path, line) -> {
                if (path.equals("checks") || path.startsWith("checks.")) {
                    sub.put(path, line);
                }
            });
            lines.forEach((path, line) -> {
                if (path.startsWith(prefix)) {
                    sub.put(path.substring(prefix.length()), line);
                }
            });
            sub.put("", lineOf(at));
            ConfigValidator v = new ConfigValidator(sub);
            FailoverConfig config = v.document(doc);
            Set<String> seen = new LinkedHashSet<>(problems.stream().map(p -> p.path() + "\n" + p.message()).toList());
            for (ConfigProblem p : v.problems()) {
                String path = sharedCheck(p.path(), sharedNames) ? p.path() : p.path().isEmpty() ? at : prefix + p.path();
                // A problem in a shared check shows up once per VPC; it is one problem in the file.
                if (seen.add(path + "\n" + p.message())) {
                    problems.add(new ConfigProblem(path, p.line(), p.message()));
                }
            }
            return config;
        }

        /** At most 80 characters, control characters escaped: a hostile value is not echoed whole. */
        static String shown(String s) {
            StringBuilder b = new StringBuilder();
            s.codePoints().limit(80).forEach(c -> {
                if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT) {
                    b.append(String.format("\\u%04x", c));
                } else {
                    b.appendCodePoint(c);
                }
            });
            return s.codePointCount(0, s.length()) > 80 ? b + "..." : b.toString();
        }

        private static boolean sharedCheck(String path, Set<String> sharedNames) {
            for (String name : sharedNames) {
                String p = "checks." + name;
                if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
                    return true;
                }
            }
            return false;
        }
    }
}
