package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.Durations;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RoutePolicy;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import io.github.vpcroutefailover.domain.config.TargetSpec;
import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.TargetKind;
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
final class ConfigValidator {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    /** One probe round a second (BENCHMARKS.md "Probe: detection at the defaults"). */
    static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
    /** A TCP handshake in a VPC takes well under a millisecond; 300 ms (two handshakes of 150 ms) is generous. */
    static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(300);
    /** An HTTP check also waits for the application's answer. */
    static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofMillis(500);
    static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);
    private static final int MAX_RISE_FALL = 1000;

    private static final List<String> TOP_KEYS = List.of("version", "vpc", "checks", "targets", "routes");
    private static final List<String> CHECK_TYPES = List.of("agent", "tcp", "http", "ec2-status", "alarm");
    private static final Map<String, List<String>> CHECK_KEYS = Map.of(
            "agent", List.of("type", "agentCheck", "staleAfter", "rise", "fall"),
            "tcp", List.of("type", "port", "timeout", "interval", "rise", "fall"),
            "http", List.of("type", "scheme", "port", "path", "expectStatus", "bodyContains", "timeout", "interval", "rise", "fall"),
            "ec2-status", List.of("type", "statusChecks", "rise", "fall"),
            "alarm", List.of("type", "alarmName", "rise", "fall"));

    /** Target kind keys, in the order the docs list them, with the id prefix(es) each accepts. */
    private static final Map<String, String[]> TARGET_KINDS = new LinkedHashMap<>();

    static {
        TARGET_KINDS.put("instance", new String[]{"i"});
        TARGET_KINDS.put("instanceTags", new String[]{});
        TARGET_KINDS.put("eni", new String[]{"eni"});
        TARGET_KINDS.put("natGateway", new String[]{"nat"});
        TARGET_KINDS.put("transitGateway", new String[]{"tgw"});
        TARGET_KINDS.put("gateway", new String[]{"igw", "vgw"});
        TARGET_KINDS.put("vpcPeeringConnection", new String[]{"pcx"});
        TARGET_KINDS.put("vpcEndpoint", new String[]{"vpce"});
        TARGET_KINDS.put("egressOnlyInternetGateway", new String[]{"eigw"});
        TARGET_KINDS.put("localGateway", new String[]{"lgw"});
        TARGET_KINDS.put("carrierGateway", new String[]{"cagw"});
    }

    private static final List<String> TARGET_EXTRA_KEYS = List.of("checks", "deviceIndex", "sourceDestCheck");
    private static final List<String> ROUTE_KEYS = List.of("name", "destination", "routeTables", "targets", "fallback", "policy");
    private static final List<String> SELECTOR_KEYS = List.of("id", "tags", "notTags", "subnet", "main", "optional");
    private static final List<String> POLICY_KEYS = List.of("zoneAffinity", "failBack", "preempt", "whenNoneHealthy");

    private final Map<String, Integer> lines;
    private final List<ConfigProblem> problems = new ArrayList<>();

    ConfigValidator(Map<String, Integer> lines) {
        this.lines = lines;
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
                    CheckSpec spec = check(e.getKey(), e.getValue(), YamlTree.child("checks", e.getKey()));
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
                TargetSpec spec = target(e.getKey(), e.getValue(), YamlTree.child("targets", e.getKey()), declaredChecks, checks);
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
                    RouteSpec spec = route(r, path, declaredTargets, targets);
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
                        duplicateSelectors(byIndex.get(i), "routes[" + i + "]", byIndex.get(j), YamlTree.index("routes", j));
                    }
                }
            }
        }
        if (!problems.isEmpty()) {
            return null;
        }
        return new FailoverConfig(vpcId, checks, targets, routes);
    }

    /** One route against an existing config (runtime registration); paths are relative to the route. */
    RouteSpec singleRoute(JsonNode node, FailoverConfig base) {
        RouteSpec spec = route(node, "", base.targets().keySet(), base.targets());
        if (spec != null) {
            for (RouteSpec other : base.routes()) {
                if (!other.name().equals(spec.name())) {
                    duplicateSelectors(other, "route '" + other.name() + "'", spec, "");
                }
            }
        }
        return problems.isEmpty() ? spec : null;
    }

    private void duplicateSelectors(RouteSpec a, String aWhere, RouteSpec b, String bPath) {
        if (a == null || b == null || !a.destination().equals(b.destination())) {
            return;
        }
        for (int k = 0; k < b.routeTables().size(); k++) {
            TableSelector s = normalize(b.routeTables().get(k));
            for (TableSelector t : a.routeTables()) {
                if (normalize(t).equals(s)) {
                    problem(YamlTree.index(YamlTree.child(bPath, "routeTables"), k), "route '" + b.name() + "' and " + aWhere + " ('" + a.name()
                            + "') both manage " + a.destination() + " in the tables selected by " + s.describe()
                            + "; a destination can have one route per table: merge the two routes or make the selectors disjoint");
                }
            }
        }
    }

    private static TableSelector normalize(TableSelector s) {
        return switch (s) {
            case TableSelector.ById b -> new TableSelector.ById(b.routeTableId(), false);
            case TableSelector.ByTags t -> new TableSelector.ByTags(t.match(), t.exclude(), false);
            case TableSelector.BySubnet b -> new TableSelector.BySubnet(b.subnetId(), false);
            case TableSelector.Main m -> new TableSelector.Main(false);
        };
    }

    // ---------------------------------------------------------------------------------------------- checks

    private CheckSpec check(String name, JsonNode n, String path) {
        boolean ok = validName(name, path, "check");
        if (!n.isObject()) {
            problem(path, "check '" + name + "' must be a map with a 'type' (" + String.join(", ", CHECK_TYPES) + "), but found " + describe(n));
            return null;
        }
        int before = problems.size();
        JsonNode typeNode = n.get("type");
        String type = null;
        if (typeNode == null) {
            problem(YamlTree.child(path, "type"), "check '" + name + "' has no 'type'; set one of " + String.join(", ", CHECK_TYPES));
        } else if (!typeNode.isTextual()) {
            problem(YamlTree.child(path, "type"), "type must be one of " + String.join(", ", CHECK_TYPES) + ", but found " + describe(typeNode));
        } else if (!CHECK_TYPES.contains(typeNode.asText())) {
            problem(YamlTree.child(path, "type"), "unknown check type '" + typeNode.asText() + "'" + suggestion(typeNode.asText(), CHECK_TYPES)
                    + "; use one of " + String.join(", ", CHECK_TYPES));
        } else {
            type = typeNode.asText();
        }
        if (type == null) {
            return null;
        }
        checkKeys(n, path, CHECK_KEYS.get(type));
        int rise = positiveInt(n, path, "rise", CheckSpec.DEFAULT_RISE, "consecutive passes before the target counts as healthy");
        int fall = positiveInt(n, path, "fall", CheckSpec.DEFAULT_FALL, "consecutive failures before the target counts as unhealthy");
        CheckSpec spec = switch (type) {
            case "agent" -> {
                String agentCheck = string(n, path, "agentCheck", name);
                if (agentCheck != null && agentCheck.isBlank()) {
                    problem(YamlTree.child(path, "agentCheck"), "agentCheck is empty; name the check the agent publishes (the metric's Check dimension), or omit it to use '" + name + "'");
                }
                Duration stale = duration(n, path, "staleAfter", DEFAULT_STALE_AFTER);
                yield new CheckSpec.Agent(name, agentCheck, stale, rise, fall);
            }
            case "tcp" -> {
                int port = port(n, path, "port", null);
                Duration[] ti = timeoutInterval(n, path, DEFAULT_PROBE_TIMEOUT);
                yield new CheckSpec.Tcp(name, port, ti[0], ti[1], rise, fall);
            }
            case "http" -> {
                String scheme = string(n, path, "scheme", "http");
                if (scheme != null && !scheme.equals("http") && !scheme.equals("https")) {
                    problem(YamlTree.child(path, "scheme"), "scheme must be http or https, but found '" + scheme + "'");
                }
                int port = port(n, path, "port", "https".equals(scheme) ? 443 : 80);
                String p = string(n, path, "path", "/");
                if (p != null && !p.startsWith("/")) {
                    problem(YamlTree.child(path, "path"), "path must start with '/', e.g. /healthz, but found '" + p + "'");
                }
                int status = intIn(n, path, "expectStatus", 200, 100, 599, "an HTTP status code such as 200 or 204");
                String body = string(n, path, "bodyContains", null);
                Duration[] ti = timeoutInterval(n, path, DEFAULT_HTTP_TIMEOUT);
                yield new CheckSpec.Http(name, scheme, port, p, status, body, ti[0], ti[1], rise, fall);
            }
            case "ec2-status" -> new CheckSpec.Ec2Status(name, bool(n, path, "statusChecks", true), rise, fall);
            default -> {
                String alarm = string(n, path, "alarmName", null);
                if (alarm == null || alarm.isBlank()) {
                    problem(YamlTree.child(path, "alarmName"), "an alarm check needs 'alarmName', the CloudWatch alarm whose ALARM state fails the check");
                }
                yield new CheckSpec.Alarm(name, alarm, rise, fall);
            }
        };
        return ok && problems.size() == before ? spec : null;
    }

    private Duration[] timeoutInterval(JsonNode n, String path, Duration defaultTimeout) {
        Duration timeout = duration(n, path, "timeout", defaultTimeout);
        Duration interval = duration(n, path, "interval", DEFAULT_PROBE_INTERVAL);
        if (timeout != null && interval != null && timeout.compareTo(interval) >= 0) {
            String where = n.has("timeout") ? YamlTree.child(path, "timeout") : YamlTree.child(path, "interval");
            problem(where, "timeout (" + Durations.format(timeout) + ") must be shorter than interval (" + Durations.format(interval)
                    + "), or probes overlap; lower the timeout or raise the interval");
        }
        return new Duration[]{timeout, interval};
    }

    // ---------------------------------------------------------------------------------------------- targets

    private TargetSpec target(String name, JsonNode n, String path, Set<String> declaredChecks, Map<String, CheckSpec> checks) {
        boolean ok = validName(name, path, "target");
        String kinds = String.join(", ", TARGET_KINDS.keySet());
        if (!n.isObject()) {
            problem(path, "target '" + name + "' must be a map with exactly one of " + kinds + ", but found " + describe(n));
            return null;
        }
        int before = problems.size();
        List<String> allowed = new ArrayList<>(TARGET_KINDS.keySet());
        allowed.addAll(TARGET_EXTRA_KEYS);
        checkKeys(n, path, allowed);
        List<String> present = fieldNames(n).stream().filter(TARGET_KINDS::containsKey).toList();
        if (present.isEmpty()) {
            problem(path, "target '" + name + "' does not say what it is; add exactly one of " + kinds);
            return null;
        }
        if (present.size() > 1) {
            problem(YamlTree.child(path, present.get(1)), "target '" + name + "' has both '" + present.get(0) + "' and '" + present.get(1)
                    + "'; a target is exactly one next hop: keep one and define the other as its own target");
            return null;
        }
        String kindKey = present.get(0);
        String kindPath = YamlTree.child(path, kindKey);
        boolean instanceLike = kindKey.equals("instance") || kindKey.equals("instanceTags");
        boolean hasEni = instanceLike || kindKey.equals("eni");

        if (n.has("deviceIndex") && !instanceLike) {
            problem(YamlTree.child(path, "deviceIndex"), "deviceIndex only applies to instance and instanceTags targets (it picks the instance's ENI); remove it");
        }
        if (n.has("sourceDestCheck") && !hasEni) {
            problem(YamlTree.child(path, "sourceDestCheck"), "sourceDestCheck only applies to instance, instanceTags and eni targets; remove it");
        }
        List<String> checkNames = nameList(n, path, "checks", "check names, e.g. [ec2, nat-tcp]", false);
        if (checkNames == null) {
            checkNames = List.of();
        }
        for (int i = 0; i < checkNames.size(); i++) {
            String c = checkNames.get(i);
            String cPath = YamlTree.index(YamlTree.child(path, "checks"), i);
            if (!declaredChecks.contains(c)) {
                problem(cPath, "unknown check '" + c + "'" + suggestion(c, declaredChecks) + "; define it under 'checks' or remove it from the list");
            } else if (!hasEni && checks.get(c) != null && !(checks.get(c) instanceof CheckSpec.Alarm)) {
                problem(cPath, "check '" + c + "' is a " + typeName(checks.get(c)) + " check, which looks at an instance; a " + kindKey
                        + " target can only use alarm checks (AWS runs the gateway itself)");
            }
        }
        if (hasEni && checkNames.isEmpty()) {
            problem(YamlTree.child(path, "checks"), "target '" + name + "' has no checks, so it would always count as healthy and never fail over; "
                    + "list at least one, e.g. an ec2-status check");
        }
        TargetSpec.SourceDestCheck sdc = TargetSpec.SourceDestCheck.VERIFY;
        JsonNode sdcNode = n.get("sourceDestCheck");
        if (sdcNode != null && hasEni) {
            String v = sdcNode.isTextual() ? sdcNode.asText() : null;
            if (v == null || !List.of("verify", "fix", "ignore").contains(v)) {
                problem(YamlTree.child(path, "sourceDestCheck"), "sourceDestCheck must be verify (refuse while the ENI's check is on), fix (turn it off) or ignore, but found " + describe(sdcNode));
            } else {
                sdc = TargetSpec.SourceDestCheck.valueOf(v.toUpperCase(Locale.ROOT));
            }
        }
        int deviceIndex = 0;
        if (instanceLike) {
            deviceIndex = intIn(n, path, "deviceIndex", 0, 0, 31, "the device index of the ENI to route to (0 = primary)");
        }
        JsonNode kindNode = n.get(kindKey);
        TargetSpec spec;
        switch (kindKey) {
            case "instance" -> {
                String id = id(kindNode, kindPath, "an instance", "i");
                spec = new TargetSpec.Instance(name, id, Map.of(), deviceIndex, checkNames, sdc);
            }
            case "instanceTags" -> {
                Map<String, String> tags = tagMap(kindNode, kindPath, "instanceTags", true);
                spec = new TargetSpec.Instance(name, null, tags == null ? Map.of() : tags, deviceIndex, checkNames, sdc);
            }
            case "eni" -> spec = new TargetSpec.Eni(name, id(kindNode, kindPath, "a network interface", "eni"), checkNames, sdc);
            default -> {
                String[] prefixes = TARGET_KINDS.get(kindKey);
                String id = null;
                if (!kindNode.isTextual()) {
                    problem(kindPath, kindKey + " must be an id string, e.g. " + AwsIds.example(prefixes[0]) + ", but found " + describe(kindNode));
                } else {
                    String v = kindNode.asText();
                    for (String p : prefixes) {
                        if (AwsIds.valid(p, v)) {
                            id = v;
                        }
                    }
                    if (id == null) {
                        problem(kindPath, "'" + v + "' is not a valid " + kindKey + " id; expected "
                                + String.join(" or ", java.util.Arrays.stream(prefixes).map(p -> p + "-").toList())
                                + " followed by 8 or 17 lower-case hex digits, e.g. " + AwsIds.example(prefixes[0]));
                    }
                }
                spec = new TargetSpec.Gateway(name, gatewayKind(kindKey), id == null ? "" : id, checkNames);
            }
        }
        return ok && problems.size() == before ? spec : null;
    }

    static TargetKind gatewayKind(String key) {
        return switch (key) {
            case "natGateway" -> TargetKind.NAT_GATEWAY;
            case "transitGateway" -> TargetKind.TRANSIT_GATEWAY;
            case "gateway" -> TargetKind.GATEWAY;
            case "vpcPeeringConnection" -> TargetKind.VPC_PEERING_CONNECTION;
            case "vpcEndpoint" -> TargetKind.VPC_ENDPOINT;
            case "egressOnlyInternetGateway" -> TargetKind.EGRESS_ONLY_INTERNET_GATEWAY;
            case "localGateway" -> TargetKind.LOCAL_GATEWAY;
            case "carrierGateway" -> TargetKind.CARRIER_GATEWAY;
            default -> throw new IllegalArgumentException(key);
        };
    }

    private static String typeName(CheckSpec c) {
        return switch (c) {
            case CheckSpec.Agent a -> "agent";
            case CheckSpec.Tcp t -> "tcp";
            case CheckSpec.Http h -> "http";
            case CheckSpec.Ec2Status e -> "ec2-status";
            case CheckSpec.Alarm a -> "alarm";
        };
    }

    // ---------------------------------------------------------------------------------------------- routes

    private RouteSpec route(JsonNode n, String path, Set<String> declaredTargets, Map<String, TargetSpec> targets) {
        String where = path.isEmpty() ? "the route" : path;
        if (n == null || !n.isObject()) {
            problem(path, where + " must be a map with name, destination, routeTables and targets, but found " + describe(n));
            return null;
        }
        int before = problems.size();
        checkKeys(n, path, ROUTE_KEYS);
        String name = string(n, path, "name", null);
        if (name == null && !n.has("name")) {
            problem(YamlTree.child(path, "name"), "the route has no 'name'; give it a unique name, e.g. name: default-egress");
        } else if (name != null) {
            validName(name, YamlTree.child(path, "name"), "route");
        }
        Destination destination = null;
        JsonNode dNode = n.get("destination");
        String dPath = YamlTree.child(path, "destination");
        if (dNode == null) {
            problem(dPath, "the route has no 'destination'; set a CIDR (10.0.0.0/8, ::/0), a bare IP (host route) or a prefix list id (pl-...)");
        } else if (!dNode.isTextual()) {
            problem(dPath, "destination must be a string such as \"0.0.0.0/0\" or \"::/0\" (quote it), but found " + describe(dNode));
        } else {
            try {
                destination = Destination.parse(dNode.asText());
            } catch (IllegalArgumentException e) {
                problem(dPath, e.getMessage());
            }
        }

        List<TableSelector> selectors = new ArrayList<>();
        JsonNode rt = n.get("routeTables");
        String rtPath = YamlTree.child(path, "routeTables");
        if (rt == null || rt.isNull() || (rt.isArray() && rt.isEmpty())) {
            problem(rtPath, "the route selects no route tables; add 'routeTables' with at least one selector, e.g. '- tags: {tier: private}'");
        } else if (!rt.isArray()) {
            problem(rtPath, "routeTables must be a list of selectors ('- id: rtb-...', '- tags: {...}', '- subnet: subnet-...', '- main: true'), but found " + describe(rt));
        } else {
            for (int i = 0; i < rt.size(); i++) {
                String sPath = YamlTree.index(rtPath, i);
                TableSelector s = selector(rt.get(i), sPath);
                if (s != null) {
                    if (selectors.stream().map(ConfigValidator::normalize).anyMatch(normalize(s)::equals)) {
                        problem(sPath, "selector " + s.describe() + " is listed twice in this route; remove one");
                    }
                    selectors.add(s);
                }
            }
        }

        List<String> candidates = nameList(n, path, "targets", "target names in preference order, e.g. [nat-a, nat-b]", true);
        List<String> fallback = nameList(n, path, "fallback", "target names, e.g. [nat-gw]", false);
        if (candidates != null && candidates.isEmpty()) {
            problem(YamlTree.child(path, "targets"), "the route has no targets; list at least one target name in preference order");
        }
        refs(candidates, YamlTree.child(path, "targets"), declaredTargets, targets, destination);
        refs(fallback, YamlTree.child(path, "fallback"), declaredTargets, targets, destination);
        if (candidates != null && fallback != null) {
            for (int i = 0; i < fallback.size(); i++) {
                if (candidates.contains(fallback.get(i))) {
                    problem(YamlTree.index(YamlTree.child(path, "fallback"), i), "target '" + fallback.get(i)
                            + "' is both a candidate and a fallback; a fallback is only used while no candidate is healthy, so list it in one place");
                }
            }
        }

        RoutePolicy policy = policy(n.get("policy"), YamlTree.child(path, "policy"));
        if (policy != null && policy.whenNoneHealthy() == RoutePolicy.WhenNoneHealthy.FALLBACK && (fallback == null || fallback.isEmpty())) {
            problem(YamlTree.child(YamlTree.child(path, "policy"), "whenNoneHealthy"),
                    "whenNoneHealthy is fallback but the route has no 'fallback' targets; add e.g. 'fallback: [nat-gw]' or use keep or withdraw");
        }
        if (problems.size() != before) {
            return null;
        }
        return new RouteSpec(name, destination, selectors, candidates, fallback == null ? List.of() : fallback, policy);
    }

    private void refs(List<String> names, String path, Set<String> declared, Map<String, TargetSpec> targets, Destination destination) {
        if (names == null) {
            return;
        }
        for (int i = 0; i < names.size(); i++) {
            String t = names.get(i);
            String p = YamlTree.index(path, i);
            if (!declared.contains(t)) {
                problem(p, "unknown target '" + t + "'" + suggestion(t, declared) + "; define it under 'targets' or remove it from the list");
                continue;
            }
            if (names.subList(0, i).contains(t)) {
                problem(p, "target '" + t + "' is listed twice; list each target once");
                continue;
            }
            TargetSpec spec = targets.get(t);
            String why = spec == null || destination == null ? null : incompatibility(destination, spec);
            if (why != null) {
                problem(p, "target '" + t + "' cannot carry " + destination + ": " + why);
            }
        }
    }

    /** AWS's rules on which next hop may carry which address family; null when compatible. */
    static String incompatibility(Destination destination, TargetSpec target) {
        if (!(target instanceof TargetSpec.Gateway g)) {
            return null;
        }
        if (destination instanceof Destination.Ipv6Cidr v6 && g.kind() == TargetKind.NAT_GATEWAY && !withinNat64(v6)) {
            return "a NAT gateway takes IPv6 routes only for NAT64 (64:ff9b::/96); route IPv6 egress to an egressOnlyInternetGateway instead";
        }
        if (destination instanceof Destination.Ipv4Cidr && g.kind() == TargetKind.EGRESS_ONLY_INTERNET_GATEWAY) {
            return "an egress-only internet gateway carries IPv6 only; use an IPv6 destination such as ::/0, or a natGateway for IPv4";
        }
        return null;
    }

    private static boolean withinNat64(Destination.Ipv6Cidr d) {
        String v = d.value();
        int slash = v.indexOf('/');
        int len = Integer.parseInt(v.substring(slash + 1));
        if (len < 96) {
            return false;
        }
        try {
            BigInteger addr = new BigInteger(1, InetAddress.getByName(v.substring(0, slash)).getAddress());
            BigInteger nat64 = new BigInteger(1, InetAddress.getByName("64:ff9b::").getAddress());
            return addr.shiftRight(32).equals(nat64.shiftRight(32));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private TableSelector selector(JsonNode n, String path) {
        if (!n.isObject()) {
            problem(path, "a route table selector must be a map: '- id: rtb-...', '- tags: {...}', '- subnet: subnet-...' or '- main: true', but found " + describe(n));
            return null;
        }
        int before = problems.size();
        checkKeys(n, path, SELECTOR_KEYS);
        List<String> kinds = fieldNames(n).stream().filter(List.of("id", "tags", "subnet", "main")::contains).toList();
        boolean optional = bool(n, path, "optional", false);
        if (n.has("notTags") && !n.has("tags")) {
            problem(YamlTree.child(path, "notTags"), "notTags only narrows a tags selector; add 'tags' to this selector or remove notTags");
        }
        if (kinds.isEmpty()) {
            if (problems.size() == before) {
                problem(path, "the selector selects nothing; use exactly one of id, tags, subnet or main");
            }
            return null;
        }
        if (kinds.size() > 1) {
            problem(YamlTree.child(path, kinds.get(1)), "a selector uses exactly one of id, tags, subnet or main, but this one has both '" + kinds.get(0)
                    + "' and '" + kinds.get(1) + "'; split it into two list entries (selectors are a union)");
            return null;
        }
        String kind = kinds.get(0);
        String kPath = YamlTree.child(path, kind);
        TableSelector s = switch (kind) {
            case "id" -> new TableSelector.ById(id(n.get(kind), kPath, "a route table", "rtb"), optional);
            case "subnet" -> new TableSelector.BySubnet(id(n.get(kind), kPath, "a subnet", "subnet"), optional);
            case "main" -> {
                JsonNode m = n.get(kind);
                if (!m.isBoolean() || !m.asBoolean()) {
                    problem(kPath, "main must be 'true' (select the VPC's main route table); to not select it, remove the selector");
                }
                yield new TableSelector.Main(optional);
            }
            default -> {
                Map<String, String> match = tagMap(n.get("tags"), kPath, "tags", true);
                Map<String, String> exclude = n.has("notTags") ? tagMap(n.get("notTags"), YamlTree.child(path, "notTags"), "notTags", true) : Map.of();
                yield new TableSelector.ByTags(match == null ? Map.of() : match, exclude == null ? Map.of() : exclude, optional);
            }
        };
        return problems.size() == before ? s : null;
    }

    private RoutePolicy policy(JsonNode n, String path) {
        RoutePolicy d = RoutePolicy.defaults();
        if (n == null || n.isNull()) {
            return d;
        }
        if (!n.isObject()) {
            problem(path, "policy must be a map with any of " + String.join(", ", POLICY_KEYS) + ", but found " + describe(n));
            return null;
        }
        checkKeys(n, path, POLICY_KEYS);
        boolean zoneAffinity = bool(n, path, "zoneAffinity", d.zoneAffinity());
        boolean preempt = bool(n, path, "preempt", d.preempt());
        RoutePolicy.FailBack failBack = d.failBack();
        JsonNode fb = n.get("failBack");
        String fbPath = YamlTree.child(path, "failBack");
        String fbHelp = "failBack must be 'never' or '{after: 5m}' (return to the preferred target once it has been healthy that long)";
        if (fb != null) {
            if (fb.isTextual() && fb.asText().equals("never")) {
                failBack = RoutePolicy.FailBack.never();
            } else if (fb.isObject()) {
                checkKeys(fb, fbPath, List.of("after"));
                if (!fb.has("after")) {
                    problem(fbPath, fbHelp + "; the map has no 'after'");
                } else {
                    Duration after = duration(fb, fbPath, "after", null);
                    if (after != null) {
                        failBack = RoutePolicy.FailBack.after(after);
                    }
                }
            } else {
                problem(fbPath, fbHelp + ", but found " + describe(fb));
            }
        }
        RoutePolicy.WhenNoneHealthy when = d.whenNoneHealthy();
        JsonNode w = n.get("whenNoneHealthy");
        if (w != null) {
            List<String> values = List.of("keep", "fallback", "withdraw");
            if (w.isTextual() && values.contains(w.asText())) {
                when = RoutePolicy.WhenNoneHealthy.valueOf(w.asText().toUpperCase(Locale.ROOT));
            } else {
                problem(YamlTree.child(path, "whenNoneHealthy"), "whenNoneHealthy must be keep (leave the route), fallback (use the fallback targets) or withdraw (delete the route), but found "
                        + describe(w) + (w.isTextual() ? suggestion(w.asText(), values) : ""));
            }
        }
        return new RoutePolicy(zoneAffinity, failBack, preempt, when);
    }

    // ---------------------------------------------------------------------------------------------- primitives

    private boolean validName(String name, String path, String what) {
        if (!NAME.matcher(name).matches()) {
            problem(path, what + " name '" + name + "' is not allowed; use 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit");
            return false;
        }
        return true;
    }

    private String id(JsonNode n, String path, String what, String prefix) {
        if (n == null || !n.isTextual()) {
            problem(path, AwsIds.expected(what, prefix) + ", but found " + describe(n));
            return null;
        }
        String v = n.asText();
        if (!AwsIds.valid(prefix, v)) {
            problem(path, "'" + v + "' is not " + what + " id; expected " + prefix + "- followed by 8 or 17 lower-case hex digits, e.g. " + AwsIds.example(prefix));
            return null;
        }
        return v;
    }

    private Map<String, String> tagMap(JsonNode n, String path, String key, boolean requireNonEmpty) {
        if (n == null || !n.isObject()) {
            problem(path, key + " must be a map of tag key to value (\"*\" = any value), e.g. {tier: private}, but found " + describe(n));
            return null;
        }
        if (requireNonEmpty && n.isEmpty()) {
            problem(path, key + " is empty; give at least one tag, e.g. {tier: private}");
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        n.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (!v.isValueNode() || v.isNull()) {
                problem(YamlTree.child(path, e.getKey()), "tag '" + e.getKey() + "' must have a plain value (\"*\" = any value), but found " + describe(v));
            } else {
                out.put(e.getKey(), v.asText());
            }
        });
        return out;
    }

    private List<String> nameList(JsonNode parent, String path, String key, String what, boolean required) {
        JsonNode n = parent.get(key);
        String p = YamlTree.child(path, key);
        if (n == null || n.isNull()) {
            if (required) {
                problem(p, "missing '" + key + "'; give a list of " + what);
            }
            return required ? null : List.of();
        }
        if (!n.isArray()) {
            problem(p, key + " must be a list of " + what + ", but found " + describe(n));
            return null;
        }
        List<String> out = new ArrayList<>();
        boolean ok = true;
        for (int i = 0; i < n.size(); i++) {
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                problem(YamlTree.index(p, i), key + " entries must be names, but found " + describe(e));
                ok = false;
            } else {
                out.add(e.asText());
            }
        }
        return ok ? out : null;
    }

    private String string(JsonNode parent, String path, String key, String dflt) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            problem(YamlTree.child(path, key), key + " must be a string, but found " + describe(n));
            return dflt;
        }
        return n.asText();
    }

    private boolean bool(JsonNode parent, String path, String key, boolean dflt) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isBoolean()) {
            problem(YamlTree.child(path, key), key + " must be true or false, but found " + describe(n));
            return dflt;
        }
        return n.asBoolean();
    }

    private int positiveInt(JsonNode parent, String path, String key, int dflt, String meaning) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > MAX_RISE_FALL) {
            problem(YamlTree.child(path, key), key + " must be a whole number from 1 to " + MAX_RISE_FALL + " (" + meaning + "), but found " + describe(n));
            return dflt;
        }
        return n.asInt();
    }

    private int intIn(JsonNode parent, String path, String key, int dflt, int min, int max, String meaning) {
        JsonNode n = parent.get(key);
        if (n == null) {
            return dflt;
        }
        if (!n.isIntegralNumber() || n.asLong() < min || n.asLong() > max) {
            problem(YamlTree.child(path, key), key + " must be a whole number from " + min + " to " + max + " (" + meaning + "), but found " + describe(n));
            return dflt;
        }
        return n.asInt();
    }

    private int port(JsonNode parent, String path, String key, Integer dflt) {
        JsonNode n = parent.get(key);
        if (n == null) {
            if (dflt == null) {
                problem(YamlTree.child(path, key), "missing 'port'; give the TCP port to probe (1-65535), e.g. port: 22");
                return 0;
            }
            return dflt;
        }
        return intIn(parent, path, key, 0, 1, 65535, "a TCP port");
    }

    private Duration duration(JsonNode parent, String path, String key, Duration dflt) {
        JsonNode n = parent.get(key);
        String p = YamlTree.child(path, key);
        if (n == null) {
            return dflt;
        }
        if (!n.isTextual()) {
            problem(p, key + " must be a duration with a unit such as 250ms, 30s, 5m or 1h, but found " + describe(n)
                    + (n.isNumber() ? "; add a unit, e.g. " + n.asText() + "s" : ""));
            return null;
        }
        Duration d;
        try {
            d = Durations.parse(n.asText());
        } catch (IllegalArgumentException e) {
            problem(p, key + ": " + e.getMessage());
            return null;
        }
        if (d.isZero()) {
            problem(p, key + " must be longer than zero");
            return null;
        }
        return d;
    }

    private void checkKeys(JsonNode n, String path, Collection<String> allowed) {
        n.fieldNames().forEachRemaining(k -> {
            if (!allowed.contains(k)) {
                String s = suggestion(k, allowed);
                problem(YamlTree.child(path, k), "unknown key '" + k + "'" + (s.isEmpty() ? "; allowed here: " + String.join(", ", allowed) : s + "; remove or rename it"));
            }
        });
    }

    /** "; did you mean 'x'?" for the closest candidate within a small edit distance, else "". */
    static String suggestion(String given, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(given.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        // A suggestion must share most of the word: 'b' -> 'a' is one edit but no help.
        int limit = Math.min(Math.max(2, given.length() / 3), given.length() - 1);
        return best != null && bestDistance <= limit ? "; did you mean '" + best + "'?" : "";
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static List<String> fieldNames(JsonNode n) {
        List<String> out = new ArrayList<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    static String describe(JsonNode n) {
        if (n == null || n.isMissingNode()) {
            return "nothing";
        }
        if (n.isNull()) {
            return "an empty value";
        }
        if (n.isObject()) {
            return "a map";
        }
        if (n.isArray()) {
            return "a list";
        }
        if (n.isBoolean()) {
            return n.asText();
        }
        if (n.isNumber()) {
            return "the number " + n.asText();
        }
        return "'" + n.asText() + "'";
    }

    private void problem(String path, String message) {
        problems.add(new ConfigProblem(path, lineOf(path), message));
    }

    private int lineOf(String path) {
        String p = path;
        while (true) {
            Integer line = lines.get(p);
            if (line != null) {
                return line;
            }
            if (p.isEmpty()) {
                return 0;
            }
            p = parent(p);
        }
    }

    private static String parent(String path) {
        int dot = path.lastIndexOf('.');
        int bracket = path.lastIndexOf('[');
        int cut = Math.max(dot, bracket);
        return cut < 0 ? "" : path.substring(0, cut);
    }
}
