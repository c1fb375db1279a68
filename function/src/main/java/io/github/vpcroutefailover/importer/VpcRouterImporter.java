package io.github.vpcroutefailover.importer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * vpc-router (../shared/seeds 001) route spec to our config. The spec is {@code {"<cidr>": ["<host ip>", ...]}}:
 * each CIDR is routed to one of its hosts, failing over at once when a host stops answering ICMP echo. Hosts are
 * known by private IP there and by instance id here, so the caller maps them ({@code --host IP=i-...}); vpc-router
 * wrote to every route table of the VPC, our config selects tables explicitly ({@code --route-table}, {@code --table-tag}).
 */
public final class VpcRouterImporter {
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern CIDR = Pattern.compile("(.+)/(\\d{1,2})");
    private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");
    private static final Pattern VPC = Pattern.compile("vpc-[0-9a-f]{8}([0-9a-f]{9})?");

    private VpcRouterImporter() {
    }

    /**
     * @param hosts       host IP to instance id, for every IP in the spec
     * @param routeTables our table selectors (at least one): {@code {id: rtb-..}} or {@code {tags: {k: v}}}
     */
    public static ImportResult convert(String vpcId, String source, String specJson, Map<String, String> hosts,
                                       List<Map<String, Object>> routeTables) {
        ImportReport report = new ImportReport();
        if (vpcId == null || !VPC.matcher(vpcId).matches()) {
            throw new ImportException("--vpc: vpc-router took the VPC from its -v option; pass it as --vpc vpc-0123456789abcdef0");
        }
        if (routeTables.isEmpty()) {
            throw new ImportException("vpc-router wrote to every route table of the VPC; our config names the tables it manages: pass --route-table rtb-... "
                    + "or --table-tag key=value (repeatable)");
        }
        JsonNode spec = Yaml.readJson(specJson, source);
        if (!spec.isObject()) {
            throw new ImportException(source + ": a vpc-router route spec is a JSON object {\"<cidr>\": [\"<host ip>\", ...]}");
        }
        if (spec.isEmpty()) {
            throw new ImportException(source + ": the route spec has no routes");
        }
        Map<String, List<String>> routes = new LinkedHashMap<>();
        Set<String> allIps = new LinkedHashSet<>();
        for (var it = spec.fields(); it.hasNext(); ) {
            var e = it.next();
            String cidr = e.getKey();
            checkCidr(source, cidr);
            JsonNode list = e.getValue();
            if (!list.isArray() || list.isEmpty()) {
                throw new ImportException(source + ": \"" + cidr + "\" must list at least one host IP, like [\"10.33.20.142\"]");
            }
            List<String> ips = new ArrayList<>();
            for (JsonNode ip : list) {
                if (!ip.isTextual() || !IPV4.matcher(ip.asText()).matches()) {
                    throw new ImportException(source + ": \"" + cidr + "\": " + ip + " is not an IPv4 address of a host");
                }
                if (ips.contains(ip.asText())) {
                    throw new ImportException(source + ": \"" + cidr + "\" lists " + ip.asText() + " twice");
                }
                ips.add(ip.asText());
                allIps.add(ip.asText());
            }
            routes.put(cidr, ips);
        }
        List<String> missing = allIps.stream().filter(ip -> !hosts.containsKey(ip)).toList();
        if (!missing.isEmpty()) {
            throw new ImportException("vpc-router names hosts by IP, our targets by instance id; map " + missing + " with --host IP=i-... "
                    + "(find them with: aws ec2 describe-instances --filters Name=private-ip-address,Values=" + String.join(",", missing)
                    + " --query 'Reservations[].Instances[].[PrivateIpAddress,InstanceId]')");
        }
        for (Map.Entry<String, String> h : hosts.entrySet()) {
            if (!INSTANCE.matcher(h.getValue()).matches()) {
                throw new ImportException("--host " + h.getKey() + "=" + h.getValue() + ": not an instance id like i-0123456789abcdef0");
            }
            if (!allIps.contains(h.getKey())) {
                throw new ImportException("--host " + h.getKey() + ": the route spec does not list this IP; remove the mapping or fix the IP");
            }
        }

        Map<String, Object> ec2 = new LinkedHashMap<>();
        ec2.put("type", "ec2-status");
        ec2.put("statusChecks", true);
        ec2.put("rise", 1);
        ec2.put("fall", 1);
        report.approximated("(health: ICMP echo from the router)", "checks.ec2: ec2-status, rise 1, fall 1",
                "our in-VPC probes do TCP/HTTP and Lambda cannot send ICMP; EC2's instance state and status checks see a dead host, "
                        + "rise/fall 1 keeps vpc-router's immediate failover. For reachability add a tcp check on a port the hosts serve, "
                        + "or an agent 'peer' icmp check");

        Map<String, Map<String, Object>> targets = new LinkedHashMap<>();
        for (String ip : allIps) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("instance", hosts.get(ip));
            t.put("checks", List.of("ec2"));
            t.put("sourceDestCheck", "verify");
            targets.put(hostName(ip), t);
            report.mapped("host " + ip, "targets." + hostName(ip) + ".instance: " + hosts.get(ip), "from --host");
        }
        report.approximated("(source/destination check)", "sourceDestCheck: verify",
                "routing to an instance only works with its source/destination check off; verify refuses otherwise, 'fix' turns it off");

        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, List<String>> r : routes.entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            String name = AwsnycastImporter.routeName(r.getKey());
            m.put("name", name);
            m.put("destination", r.getKey());
            m.put("routeTables", routeTables);
            m.put("targets", r.getValue().stream().map(VpcRouterImporter::hostName).toList());
            Map<String, Object> policy = new LinkedHashMap<>();
            policy.put("zoneAffinity", false);
            policy.put("preempt", false);
            policy.put("failBack", "never");
            policy.put("whenNoneHealthy", "keep");
            m.put("policy", policy);
            out.add(m);
            report.mapped("\"" + r.getKey() + "\"", "routes." + name + " (targets " + m.get("targets") + ")", "same CIDR, same eligible hosts");
        }
        report.approximated("(host choice)", "zoneAffinity: false, targets in the spec's order",
                "vpc-router chose a host at random; we use the listed order, so the first healthy host gets the route");
        report.mapped("(failover behaviour)", "preempt: false, failBack: never, whenNoneHealthy: keep",
                "vpc-router moved a route only off a failed host, never back, and left it alone when no host was healthy");
        report.approximated("(route tables)", "routeTables: " + routeTables,
                "vpc-router wrote to every route table of the VPC; only the tables you selected are managed");
        report.dropped("(removing unlisted instance routes)", "vpc-router deleted instance routes not in its spec; we never touch a route "
                + "the config does not name, so a forgotten entry stays until you delete it");
        report.dropped("(modes configfile/http/fixedconf, -r, -p, -a)", "the route spec becomes the config file (or 'vrf register' at run time); "
                + "the region comes from the stack");

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("vpc", vpcId);
        root.put("checks", Map.of("ec2", ec2));
        root.put("targets", targets);
        root.put("routes", out);
        List<String> header = new ArrayList<>(List.of("Imported from a vpc-router route spec by 'vrf import vpc-router'. Check with 'vrf validate'.",
                "What each setting became:"));
        header.addAll(report.lines());
        return new ImportResult(Yaml.write(root, header), null, report);
    }

    static String hostName(String ip) {
        return "host-" + ip.replace('.', '-');
    }

    private static void checkCidr(String source, String cidr) {
        var m = CIDR.matcher(cidr);
        if (!m.matches() || !IPV4.matcher(m.group(1)).matches() || Integer.parseInt(m.group(2)) > 32) {
            throw new ImportException(source + ": \"" + cidr + "\" is not an IPv4 CIDR like 10.55.16.0/24");
        }
    }
}
