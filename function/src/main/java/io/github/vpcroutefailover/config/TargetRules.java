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
 * Validation of the {@code targets:} section: one next hop per name, its kind, id and checks.
 */
final class TargetRules extends ConfigFields {
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
        TARGET_KINDS.put("transitGatewayAttachment", new String[]{"tgw-attach"});
    }


    private static final List<String> TARGET_EXTRA_KEYS = List.of("checks", "deviceIndex", "sourceDestCheck", "appliance");
    /** Next hops AWS runs that stand for an appliance behind them (whose health is theirs): {@code appliance: i-...}. */
    private static final List<String> FRONTS_APPLIANCE = List.of("vpcEndpoint", "transitGatewayAttachment");

    TargetRules(Map<String, Integer> lines, List<ConfigProblem> problems) {
        super(lines, problems);
    }

    TargetSpec target(String name, JsonNode n, String path, Set<String> declaredChecks, Map<String, CheckSpec> checks) {
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
        String appliance = null;
        if (n.has("appliance")) {
            if (!FRONTS_APPLIANCE.contains(kindKey)) {
                problem(YamlTree.child(path, "appliance"), "appliance only applies to vpcEndpoint and transitGatewayAttachment targets (the instance "
                        + "behind the endpoint or attachment, whose health is theirs); remove it");
            } else {
                appliance = id(n.get("appliance"), YamlTree.child(path, "appliance"), "an instance", "i");
            }
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
            } else if (checks.get(c) instanceof CheckSpec.DataPath) {
                problem(cPath, "check '" + c + "' is a data-path check, which is bound to routes by its own 'routes' key and judged per route; "
                        + "remove it from the target's checks");
            } else if (!hasEni && n.has("appliance") && checks.get(c) != null
                    && (checks.get(c) instanceof CheckSpec.Tcp || checks.get(c) instanceof CheckSpec.Http)) {
                problem(cPath, "check '" + c + "' is a " + CheckRules.typeName(checks.get(c)) + " probe, which needs the target's own network "
                        + "interface; a " + kindKey + " target judges its appliance with agent, ec2-status and alarm checks (or probe the "
                        + "appliance as an instance target and alarm on it)");
            } else if (!hasEni && !n.has("appliance") && checks.get(c) != null && !(checks.get(c) instanceof CheckSpec.Alarm)) {
                problem(cPath, "check '" + c + "' is a " + CheckRules.typeName(checks.get(c)) + " check, which looks at an instance; a " + kindKey
                        + " target can only use alarm checks (AWS runs the gateway itself)"
                        + (FRONTS_APPLIANCE.contains(kindKey) ? ", unless it names the instance behind it with 'appliance: i-...'" : ""));
            }
        }
        if (appliance != null && checkNames.isEmpty()) {
            problem(YamlTree.child(path, "checks"), "target '" + name + "' names an appliance but no checks, so it would always count as healthy; "
                    + "list at least one, e.g. an ec2-status or agent check");
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
                spec = new TargetSpec.Gateway(name, gatewayKind(kindKey), id == null ? "" : id, checkNames, appliance);
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
            case "transitGatewayAttachment" -> TargetKind.TRANSIT_GATEWAY_ATTACHMENT;
            default -> throw new IllegalArgumentException(key);
        };
    }
}
