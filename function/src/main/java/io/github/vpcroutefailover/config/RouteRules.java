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
 * Validation of one route under {@code routes:} (or registered at run time): destination, table selectors,
 * target references and policy; and the overlap check between two routes' selectors.
 */
final class RouteRules extends ConfigFields {
    private static final List<String> ROUTE_KEYS = List.of("name", "destination", "routeTables", "targets", "fallback", "policy");
    private static final List<String> SELECTOR_KEYS = List.of("id", "tags", "notTags", "subnet", "main", "gateway",
            "transitGatewayRouteTable", "optional");
    private static final List<String> SELECTOR_KINDS = List.of("id", "tags", "subnet", "main", "gateway", "transitGatewayRouteTable");
    private static final String SELECTOR_HELP = "id, tags, subnet, main, gateway or transitGatewayRouteTable";
    private static final List<String> POLICY_KEYS = List.of("zoneAffinity", "failBack", "preempt", "whenNoneHealthy");

    RouteRules(Map<String, Integer> lines, List<ConfigProblem> problems) {
        super(lines, problems);
    }

    void duplicateSelectors(RouteSpec a, String aWhere, RouteSpec b, String bPath) {
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

    static TableSelector normalize(TableSelector s) {
        return switch (s) {
            case TableSelector.ById b -> new TableSelector.ById(b.routeTableId(), false);
            case TableSelector.ByTags t -> new TableSelector.ByTags(t.match(), t.exclude(), false);
            case TableSelector.BySubnet b -> new TableSelector.BySubnet(b.subnetId(), false);
            case TableSelector.Main m -> new TableSelector.Main(false);
            case TableSelector.ByGateway g -> new TableSelector.ByGateway(g.gatewayId(), false);
            case TableSelector.TransitGatewayTable t -> new TableSelector.TransitGatewayTable(t.routeTableId(), false);
        };
    }

    // ---------------------------------------------------------------------------------------------- checks

    RouteSpec route(JsonNode n, String path, Set<String> declaredTargets, Map<String, TargetSpec> targets) {
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
                    if (selectors.stream().map(RouteRules::normalize).anyMatch(normalize(s)::equals)) {
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

        tableKinds(selectors, rtPath, destination, dPath, candidates, fallback, path, targets);

        RoutePolicy policy = policy(n.get("policy"), YamlTree.child(path, "policy"));
        policy = zonelessTables(policy, selectors, n.get("policy"), YamlTree.child(path, "policy"));
        if (policy != null && policy.whenNoneHealthy() == RoutePolicy.WhenNoneHealthy.FALLBACK && (fallback == null || fallback.isEmpty())) {
            problem(YamlTree.child(YamlTree.child(path, "policy"), "whenNoneHealthy"),
                    "whenNoneHealthy is fallback but the route has no 'fallback' targets; add e.g. 'fallback: [nat-gw]' or use keep or withdraw");
        }
        if (problems.size() != before) {
            return null;
        }
        return new RouteSpec(name, destination, selectors, candidates, fallback == null ? List.of() : fallback, policy);
    }

    void refs(List<String> names, String path, Set<String> declared, Map<String, TargetSpec> targets, Destination destination) {
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

    /**
     * What AWS accepts per kind of table, as far as the config alone tells: a route lives either in transit gateway
     * route tables (CIDR destinations, transit gateway attachment targets) or in VPC tables (never attachments);
     * a gateway-table selector takes CIDR destinations and network interfaces or Gateway Load Balancer endpoints only.
     * The planner checks the rest (a subnet's exact CIDR block) against the observed VPC.
     */
    private void tableKinds(List<TableSelector> selectors, String rtPath, Destination destination, String dPath, List<String> candidates,
                            List<String> fallback, String path, Map<String, TargetSpec> targets) {
        if (selectors.isEmpty()) {
            return;
        }
        boolean tgw = selectors.get(0).transitGateway();
        for (int i = 1; i < selectors.size(); i++) {
            if (selectors.get(i).transitGateway() != tgw) {
                problem(YamlTree.index(rtPath, i), "a route is kept either in transit gateway route tables or in VPC route tables, not both "
                        + "(their targets differ: attachments vs. VPC next hops); split it into two routes");
                return;
            }
        }
        boolean edge = selectors.stream().anyMatch(t -> t instanceof TableSelector.ByGateway);
        if ((tgw || edge) && destination instanceof Destination.PrefixList) {
            problem(dPath, tgw ? "transit gateway route tables take prefix lists only as prefix-list references (a separate API this tool "
                    + "does not manage); use a CIDR destination" : "AWS accepts no prefix-list destination in a gateway route table; use the CIDR block of a subnet of the VPC");
        }
        for (String list : List.of("targets", "fallback")) {
            List<String> names = list.equals("targets") ? candidates : fallback;
            for (int i = 0; names != null && i < names.size(); i++) {
                TargetSpec t = targets.get(names.get(i));
                if (t == null) {
                    continue;
                }
                boolean attachment = t instanceof TargetSpec.Gateway g && g.kind() == TargetKind.TRANSIT_GATEWAY_ATTACHMENT;
                String p = YamlTree.index(YamlTree.child(path, list), i);
                if (tgw && !attachment) {
                    problem(p, "target '" + t.name() + "' is not a transitGatewayAttachment, and transit gateway route table routes point at attachments only");
                } else if (!tgw && attachment) {
                    problem(p, "target '" + t.name() + "' is a transitGatewayAttachment, which only transit gateway route tables take; select the "
                            + "table with '- transitGatewayRouteTable: tgw-rtb-...', or point VPC routes at a transitGateway target");
                } else if (edge && t instanceof TargetSpec.Gateway g && g.kind() != TargetKind.VPC_ENDPOINT) {
                    problem(p, "target '" + t.name() + "' cannot serve a gateway route table: AWS accepts only network interfaces "
                            + "(instance or eni targets) and Gateway Load Balancer endpoints (vpcEndpoint) there");
                }
            }
        }
    }

    /**
     * Transit gateway and gateway route tables have no subnets and so no zone: zone affinity has nothing to prefer
     * there (and without a zone the planner places by load and never fails back). Such routes use the preference
     * order, so zoneAffinity defaults to false for them and an explicit true is refused.
     */
    private RoutePolicy zonelessTables(RoutePolicy policy, List<TableSelector> selectors, JsonNode policyNode, String policyPath) {
        if (policy == null || selectors.isEmpty() || !selectors.stream().allMatch(s -> s.transitGateway() || s instanceof TableSelector.ByGateway)) {
            return policy;
        }
        if (policyNode != null && policyNode.has("zoneAffinity") && policy.zoneAffinity()) {
            problem(YamlTree.child(policyPath, "zoneAffinity"), "transit gateway and gateway route tables have no zone, so zone affinity "
                    + "has nothing to prefer; remove zoneAffinity (these routes follow the targets' preference order)");
        }
        return new RoutePolicy(false, policy.failBack(), policy.preempt(), policy.whenNoneHealthy());
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

    static boolean withinNat64(Destination.Ipv6Cidr d) {
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

    TableSelector selector(JsonNode n, String path) {
        if (!n.isObject()) {
            problem(path, "a route table selector must be a map: '- id: rtb-...', '- tags: {...}', '- subnet: subnet-...', '- main: true', "
                    + "'- gateway: igw-...' or '- transitGatewayRouteTable: tgw-rtb-...', but found " + describe(n));
            return null;
        }
        int before = problems.size();
        checkKeys(n, path, SELECTOR_KEYS);
        List<String> kinds = fieldNames(n).stream().filter(SELECTOR_KINDS::contains).toList();
        boolean optional = bool(n, path, "optional", false);
        if (n.has("notTags") && !n.has("tags")) {
            problem(YamlTree.child(path, "notTags"), "notTags only narrows a tags selector; add 'tags' to this selector or remove notTags");
        }
        if (kinds.isEmpty()) {
            if (problems.size() == before) {
                problem(path, "the selector selects nothing; use exactly one of " + SELECTOR_HELP);
            }
            return null;
        }
        if (kinds.size() > 1) {
            problem(YamlTree.child(path, kinds.get(1)), "a selector uses exactly one of " + SELECTOR_HELP + ", but this one has both '" + kinds.get(0)
                    + "' and '" + kinds.get(1) + "'; split it into two list entries (selectors are a union)");
            return null;
        }
        String kind = kinds.get(0);
        String kPath = YamlTree.child(path, kind);
        TableSelector s = switch (kind) {
            case "id" -> new TableSelector.ById(id(n.get(kind), kPath, "a route table", "rtb"), optional);
            case "subnet" -> new TableSelector.BySubnet(id(n.get(kind), kPath, "a subnet", "subnet"), optional);
            case "gateway" -> {
                JsonNode g = n.get(kind);
                String v = g.isTextual() ? g.asText() : null;
                if (!AwsIds.valid("igw", v) && !AwsIds.valid("vgw", v)) {
                    problem(kPath, "gateway selects the gateway route table of an internet or virtual private gateway; expected igw- or vgw- "
                            + "followed by 8 or 17 lower-case hex digits, e.g. " + AwsIds.example("igw") + ", but found " + describe(g));
                }
                yield new TableSelector.ByGateway(v, optional);
            }
            case "transitGatewayRouteTable" -> new TableSelector.TransitGatewayTable(
                    id(n.get(kind), kPath, "a transit gateway route table", "tgw-rtb"), optional);
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

    RoutePolicy policy(JsonNode n, String path) {
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
}
