package io.github.vpcroutefailover.importer;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * AWSnycast (../shared/seeds 000) to our config. AWSnycast runs on every instance with its own file: "SELF" is the
 * host reading it, {@code if_unhealthy: true} marks the backup tables, and a route is deleted when its health check
 * fails unless {@code never_delete}. We run one controller for the VPC, so the files of all hosts are merged: one
 * route per CIDR whose targets are the hosts that announce it, primaries first. Health checks that AWSnycast ran on
 * the host become agent checks (the agent runs them on the instance and publishes the result; the controller reads it).
 */
public final class AwsnycastImporter {
    private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");
    private static final Pattern VPC = Pattern.compile("vpc-[0-9a-f]{8}([0-9a-f]{9})?");

    /**
     * One host's AWSnycast file.
     *
     * @param name       our target name for the host ("nat-a"); derived from the file name by the CLI
     * @param instanceId the EC2 instance that read this file (what "SELF" meant there)
     */
    public record Host(String name, String instanceId, String source, String text) {
        public Host {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            Objects.requireNonNull(text, "text");
        }
    }

    private record Announce(Host host, String table, List<Map<String, Object>> selectors, String check, boolean ifUnhealthy,
                            boolean neverDelete, String path) {
    }

    private final ImportReport report = new ImportReport();
    private final Map<String, Map<String, Object>> checks = new LinkedHashMap<>();
    private final Map<String, JsonNode> checkSources = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> agentChecks = new LinkedHashMap<>();

    private AwsnycastImporter() {
    }

    public static ImportResult convert(String vpcId, List<Host> hosts) {
        return new AwsnycastImporter().run(vpcId, hosts);
    }

    private ImportResult run(String vpcId, List<Host> hosts) {
        if (vpcId == null || !VPC.matcher(vpcId).matches()) {
            throw new ImportException("--vpc: AWSnycast finds its VPC from the instance; our config names it: pass --vpc vpc-0123456789abcdef0");
        }
        if (hosts.isEmpty()) {
            throw new ImportException("no AWSnycast file given; pass one file per host that ran AWSnycast");
        }
        Set<String> names = new LinkedHashSet<>();
        List<Announce> announces = new ArrayList<>();
        for (Host h : hosts) {
            if (!names.add(h.name())) {
                throw new ImportException(h.source() + ": host name '" + h.name() + "' is used twice; give each file its own name (NAME=FILE)");
            }
            announces.addAll(readHost(h));
        }
        report.mapped("(files)", hosts.size() + " host(s)", "one AWSnycast daemon per host becomes one controller for the VPC; each host is a target");

        // Targets: one per host and health check it used.
        Map<String, Set<String>> checksOfHost = new LinkedHashMap<>();
        for (Announce a : announces) {
            checksOfHost.computeIfAbsent(a.host().name(), k -> new LinkedHashSet<>()).add(a.check() == null ? "" : a.check());
        }
        Map<String, Object> ec2 = new LinkedHashMap<>();
        ec2.put("type", "ec2-status");
        ec2.put("statusChecks", true);
        Map<String, Map<String, Object>> allChecks = new LinkedHashMap<>();
        allChecks.put("ec2", ec2);
        allChecks.putAll(checks);
        report.mapped("if_unhealthy (instance dead)", "checks.ec2: ec2-status",
                "AWSnycast took a backup route when the holder was terminated or stopped; every target also checks EC2's view of its instance");

        Map<String, Map<String, Object>> targets = new LinkedHashMap<>();
        Map<Announce, String> targetOf = new LinkedHashMap<>();
        for (Announce a : announces) {
            boolean several = checksOfHost.get(a.host().name()).size() > 1;
            String name = a.host().name() + (several && a.check() != null ? "-" + a.check() : "");
            targets.computeIfAbsent(name, n -> {
                Map<String, Object> t = new LinkedHashMap<>();
                t.put("instance", a.host().instanceId());
                List<String> cs = new ArrayList<>(List.of("ec2"));
                if (a.check() != null) {
                    cs.add(a.check());
                }
                t.put("checks", cs);
                t.put("sourceDestCheck", "verify");
                report.mapped(a.host().source() + ": instance SELF", "targets." + n + ".instance: " + a.host().instanceId()
                        + (several ? " (one target per health check the host used: our checks belong to targets, not routes)" : ""),
                        "the host that ran this file");
                return t;
            });
            targetOf.put(a, name);
        }
        report.approximated("(source/destination check)", "sourceDestCheck: verify",
                "AWSnycast needs it turned off by hand; verify refuses to route to an instance where it is still on. Set 'fix' to let the controller turn it off");

        // Routes: one per CIDR.
        Map<String, List<Announce>> byCidr = new LinkedHashMap<>();
        announces.forEach(a -> byCidr.computeIfAbsent(cidrOf(a), k -> new ArrayList<>()).add(a));
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Map.Entry<String, List<Announce>> e : byCidr.entrySet()) {
            routes.add(route(e.getKey(), e.getValue(), targetOf));
        }

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("vpc", vpcId);
        root.put("checks", allChecks);
        root.put("targets", targets);
        root.put("routes", routes);
        List<String> header = new ArrayList<>(List.of("Imported from AWSnycast by 'vrf import awsnycast'. Check with 'vrf validate'.",
                "What each setting became:"));
        header.addAll(report.lines());
        String agent = null;
        if (!agentChecks.isEmpty()) {
            Map<String, Object> agentRoot = new LinkedHashMap<>();
            agentRoot.put("interval", "1s");
            agentRoot.put("checks", new ArrayList<>(agentChecks.values()));
            agent = Yaml.write(agentRoot, List.of("Agent checks imported from AWSnycast healthchecks: install on every host that was an AWSnycast host",
                    "(/etc/vpc-route-failover/agent.yaml); the controller reads their results as the route config's agent checks."));
        }
        return new ImportResult(Yaml.write(root, header), agent, report);
    }

    private static String cidrOf(Announce a) {
        return a.path().substring(a.path().lastIndexOf('|') + 1);
    }

    private Map<String, Object> route(String cidr, List<Announce> as, Map<Announce, String> targetOf) {
        Map<String, Object> r = new LinkedHashMap<>();
        String name = routeName(cidr);
        r.put("name", name);
        r.put("destination", cidr);
        List<Map<String, Object>> selectors = new ArrayList<>();
        for (Announce a : as) {
            for (Map<String, Object> s : a.selectors()) {
                if (!selectors.contains(s)) {
                    selectors.add(s);
                }
            }
        }
        r.put("routeTables", selectors);
        List<String> primaries = new ArrayList<>();
        List<String> backups = new ArrayList<>();
        for (Announce a : as) {
            String t = targetOf.get(a);
            (a.ifUnhealthy() ? backups : primaries).add(t);
        }
        List<String> targets = new ArrayList<>(new LinkedHashSet<>(primaries));
        backups.stream().filter(t -> !targets.contains(t)).distinct().forEach(targets::add);
        r.put("targets", targets);
        report.mapped("manage_routes[cidr=" + cidr + "]", "routes." + name + " (targets " + targets + ")",
                "every host announcing " + cidr + " is a candidate; hosts that take it over unconditionally first");

        Map<String, Object> policy = new LinkedHashMap<>();
        Set<String> primaryHosts = new LinkedHashSet<>(primaries);
        boolean zoneAffine = primaryHosts.size() > 1;
        policy.put("zoneAffinity", zoneAffine);
        report.approximated("routes." + name + ": which host takes which table",
                "zoneAffinity: " + zoneAffine,
                zoneAffine ? "each host took over 'its' tables (our_az) and backed up the others (if_unhealthy); our planner prefers the candidate in the "
                        + "table's AZ, learned from EC2, instead of from the tags the finders used"
                        : "a single primary host: preference order, primary first");
        boolean preempt = !primaries.isEmpty();
        policy.put("preempt", preempt);
        if (preempt) {
            policy.put("failBack", Map.of("after", "1s"));
            report.approximated("routes." + name + ": primary takes the route back", "preempt: true, failBack: {after: 1s}",
                    "AWSnycast's primary took the route back as soon as its check rose; raise 'after' (e.g. 5m) to damp flapping");
        } else {
            policy.put("failBack", "never");
            report.mapped("if_unhealthy: true (all hosts)", "preempt: false, failBack: never",
                    "only take the route when it is absent or its holder is unhealthy; never take it from a healthy holder");
        }
        boolean anyNeverDelete = as.stream().anyMatch(Announce::neverDelete);
        boolean allNeverDelete = as.stream().allMatch(Announce::neverDelete);
        policy.put("whenNoneHealthy", anyNeverDelete ? "keep" : "withdraw");
        if (anyNeverDelete && !allNeverDelete) {
            report.approximated("never_delete (set on some hosts only)", "whenNoneHealthy: keep",
                    "the hosts disagreed; keeping the route is the safe reading. Use withdraw if a less specific route should take over");
        } else {
            report.mapped(anyNeverDelete ? "never_delete: true" : "never_delete: false (default)", "whenNoneHealthy: " + (anyNeverDelete ? "keep" : "withdraw"),
                    anyNeverDelete ? "the route stays when no host is healthy" : "AWSnycast deleted the route when its check failed, so a less specific route (e.g. the VPN /24) took over");
        }
        r.put("policy", policy);
        return r;
    }

    static String routeName(String cidr) {
        if (cidr.equals("0.0.0.0/0")) {
            return "default-egress";
        }
        if (cidr.equals("::/0")) {
            return "default-egress-v6";
        }
        return "net-" + cidr.replace('/', '_').replace(':', '.');
    }

    // ---- reading one host's file -----------------------------------------------------------------------------------

    private List<Announce> readHost(Host h) {
        JsonNode root = Yaml.readYaml(h.text(), h.source());
        if (!root.isObject()) {
            throw new ImportException(h.source() + ": expected an AWSnycast config (a map with healthchecks and routetables)");
        }
        known(root, h.source(), "", Set.of("poll_time", "healthchecks", "remote_healthchecks", "routetables"));
        if (root.has("poll_time")) {
            report.dropped(h.source() + ": poll_time", "the controller reconciles on a schedule (stack option scheduleMinutes, default 1 minute) and at once on "
                    + "EC2 state and alarm events; it does not poll route tables in a loop");
        }
        if (root.has("remote_healthchecks")) {
            root.get("remote_healthchecks").fieldNames().forEachRemaining(n -> report.dropped(h.source() + ": remote_healthchecks." + n,
                    "AWSnycast ignored remote health checks (work in progress); ours are checks of type tcp or http run by the in-VPC probe: add one by hand if wanted"));
        }
        JsonNode hcs = root.path("healthchecks");
        if (!hcs.isMissingNode() && !hcs.isObject()) {
            throw new ImportException(h.source() + ": healthchecks must be a map of name to check");
        }
        hcs.fields().forEachRemaining(e -> readCheck(h, e.getKey(), e.getValue()));

        JsonNode tables = root.path("routetables");
        if (!tables.isObject() || tables.isEmpty()) {
            throw new ImportException(h.source() + ": routetables is missing or empty; an AWSnycast config without route tables manages nothing");
        }
        if (h.instanceId() == null || !INSTANCE.matcher(h.instanceId()).matches()) {
            throw new ImportException(h.source() + ": the host's instance id is needed ('instance: SELF' meant the machine running AWSnycast); "
                    + "name it as NAME=FILE with --instance NAME=i-0123456789abcdef0");
        }
        List<Announce> out = new ArrayList<>();
        tables.fields().forEachRemaining(t -> {
            String path = h.source() + ": routetables." + t.getKey();
            JsonNode table = t.getValue();
            known(table, path, "", Set.of("find", "manage_routes"));
            List<Map<String, Object>> selectors = selectors(table.path("find"), path + ".find");
            if (selectors.isEmpty()) {
                report.dropped(path, "its finder cannot be expressed as our table selectors (see above); its routes are not imported");
                return;
            }
            for (JsonNode r : table.path("manage_routes")) {
                known(r, path + ".manage_routes", "", Set.of("cidr", "instance", "healthcheck", "never_delete", "if_unhealthy", "remote_healthcheck"));
                String cidr = r.path("cidr").asText(null);
                if (cidr == null) {
                    throw new ImportException(path + ".manage_routes: an entry has no cidr");
                }
                String instance = r.path("instance").asText("SELF");
                Host host = h;
                if (!instance.equals("SELF")) {
                    if (!INSTANCE.matcher(instance).matches()) {
                        throw new ImportException(path + ".manage_routes[" + cidr + "].instance: '" + instance + "' is neither SELF nor an instance id");
                    }
                    host = new Host(h.name() + "-" + instance, instance, h.source(), "");
                    report.mapped(path + ".manage_routes[" + cidr + "].instance", instance, "an explicit instance becomes its own target");
                }
                String check = r.path("healthcheck").asText(null);
                if (check != null && !checks.containsKey(check)) {
                    throw new ImportException(path + ".manage_routes[" + cidr + "].healthcheck: no health check named '" + check + "' in healthchecks");
                }
                if (r.has("remote_healthcheck")) {
                    report.dropped(path + ".manage_routes[" + cidr + "].remote_healthcheck", "ignored by AWSnycast itself (work in progress)");
                }
                if (check == null) {
                    report.approximated(path + ".manage_routes[" + cidr + "] (no healthcheck)", "checks [ec2]",
                            "AWSnycast announced it unconditionally; we still need EC2 to see the instance running");
                }
                out.add(new Announce(host, t.getKey(), selectors, check, r.path("if_unhealthy").asBoolean(false),
                        r.path("never_delete").asBoolean(false), path + "|" + cidr));
            }
        });
        return out;
    }

    private void readCheck(Host h, String name, JsonNode c) {
        String path = h.source() + ": healthchecks." + name;
        known(c, path, "", Set.of("type", "destination", "rise", "fall", "every", "config"));
        String type = c.path("type").asText("");
        Map<String, Object> ours = new LinkedHashMap<>();
        ours.put("type", "agent");
        ours.put("agentCheck", name);
        int rise = c.path("rise").asInt(2);
        int fall = c.path("fall").asInt(3);
        ours.put("rise", rise);
        ours.put("fall", fall);
        JsonNode previous = checkSources.get(name);
        if (previous != null) {
            if (!previous.equals(c)) {
                throw new ImportException(path + ": another file defines health check '" + name + "' differently; rename one of them so each name means one check");
            }
            return;
        }
        checkSources.put(name, c);
        checks.put(name, ours);
        report.mapped(path + ".rise/fall", "checks." + name + ".rise: " + rise + ", fall: " + fall, "same meaning: consecutive results before up/down");
        long every = c.path("every").asLong(1);
        String interval = every + "s";
        String timeout = every >= 2 ? "1s" : "500ms";
        Map<String, Object> agent = new LinkedHashMap<>();
        agent.put("name", name);
        String dest = c.path("destination").asText(null);
        switch (type) {
            case "ping" -> {
                agent.put("type", "icmp");
                agent.put("host", dest);
                report.mapped(path + " (ping " + dest + ")", "agent check " + name + ": icmp " + dest + " every " + interval,
                        "run on the instance by the agent; the controller reads its CheckResult metric (checks." + name + ": type agent)");
            }
            case "tcp" -> {
                JsonNode cfg = c.path("config");
                known(cfg, path + ".config", "", Set.of("port", "send", "expect"));
                agent.put("type", "tcp");
                agent.put("host", dest);
                if (!cfg.has("port")) {
                    throw new ImportException(path + ".config.port: a tcp health check needs a port");
                }
                agent.put("port", cfg.path("port").asInt());
                if (cfg.has("send")) {
                    agent.put("send", cfg.path("send").asText());
                }
                if (cfg.has("expect")) {
                    agent.put("expect", cfg.path("expect").asText());
                }
                report.mapped(path + " (tcp " + dest + ":" + cfg.path("port").asInt() + ")", "agent check " + name + ": tcp with send/expect every " + interval,
                        "run on the instance by the agent; the controller reads its CheckResult metric");
            }
            default -> {
                report.dropped(path + ".type " + type, "no agent check type for it; checks." + name
                        + " still expects an agent check of that name: add one to the agent config by hand (tcp, http, command, icmp)");
                return;
            }
        }
        agent.put("interval", interval);
        agent.put("timeout", timeout);
        agentChecks.put(name, agent);
        if (every > 1) {
            report.approximated(path + ".every", "agent interval " + interval + ", published every agent cycle",
                    "the agent publishes the latest result every cycle (1s), so rise/fall count published results, not check runs");
        }
    }

    /** A finder as our selectors (their union); empty when it cannot be expressed. */
    private List<Map<String, Object>> selectors(JsonNode find, String path) {
        if (find.isMissingNode()) {
            report.dropped(path, "no finder: AWSnycast selected no table");
            return List.of();
        }
        boolean optional = find.path("no_results_ok").asBoolean(false);
        String type = find.path("type").asText("");
        List<Map<String, Object>> out = new ArrayList<>();
        switch (type) {
            case "by_tag", "and" -> {
                Map<String, Object> tags = new LinkedHashMap<>();
                Map<String, Object> notTags = new LinkedHashMap<>();
                List<JsonNode> filters = new ArrayList<>();
                if (type.equals("by_tag")) {
                    filters.add(find);
                } else {
                    JsonNode cfg = find.path("config");
                    JsonNode list = cfg.isArray() ? cfg : cfg.path("filters");
                    if (!list.isArray() || list.isEmpty()) {
                        report.dropped(path, "an 'and' finder without filters");
                        return List.of();
                    }
                    list.forEach(filters::add);
                }
                for (JsonNode f : filters) {
                    if (!f.path("type").asText().equals("by_tag")) {
                        report.dropped(path + " filter " + f.path("type").asText("?"), "only by_tag filters can be expressed inside 'and' (as tags/notTags)");
                        return List.of();
                    }
                    String key = f.path("config").path("key").asText(null);
                    String value = f.path("config").path("value").asText(null);
                    if (key == null || value == null) {
                        throw new ImportException(path + ": a by_tag filter needs config.key and config.value");
                    }
                    (f.path("not").asBoolean(false) ? notTags : tags).put(key, value);
                }
                if (tags.isEmpty()) {
                    report.dropped(path, "only negative tag filters: our selectors narrow a tags match with notTags, they cannot select 'every table but'");
                    return List.of();
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("tags", tags);
                if (!notTags.isEmpty()) {
                    s.put("notTags", notTags);
                }
                if (optional) {
                    s.put("optional", true);
                }
                out.add(s);
                report.mapped(path, "routeTables: tags " + tags + (notTags.isEmpty() ? "" : " notTags " + notTags) + (optional ? " optional" : ""),
                        "same tag match" + (optional ? "; no_results_ok becomes optional (no table found is not an error)" : ""));
            }
            case "main" -> {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("main", true);
                out.add(s);
                report.mapped(path, "routeTables: main: true", "the VPC's main table");
            }
            default -> report.dropped(path + " (type " + type + ")", "no equivalent table selector; select the tables with id, tags, subnet or main by hand");
        }
        return out;
    }

    private void known(JsonNode n, String path, String prefix, Set<String> keys) {
        if (!n.isObject()) {
            return;
        }
        n.fieldNames().forEachRemaining(k -> {
            if (!keys.contains(k)) {
                report.dropped(path + "." + prefix + k, "not an AWSnycast setting we know; ignored");
            }
        });
    }
}
