package io.github.vpcroutefailover.importer;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.importer.AwsnycastImporter.Host;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads AWSnycast files, one host's at a time: each routetables entry becomes an {@link Announce}, each healthcheck a
 * check of ours (tcp/http for the probe, or an agent check run on the instance), and everything it maps, approximates
 * or drops goes to the {@link ImportReport}. Merging the hosts into one config is {@link AwsnycastImporter}'s.
 */
final class AwsnycastReader {
    private static final Pattern INSTANCE = Pattern.compile("i-[0-9a-f]{8}([0-9a-f]{9})?");

    /** One route table entry a host announces: which table, how selected, under which check, backup or not. */
    record Announce(Host host, String table, List<Map<String, Object>> selectors, String check, boolean ifUnhealthy,
                    boolean neverDelete, String path) {
    }

    private final ImportReport report;
    private final Map<String, Map<String, Object>> checks = new LinkedHashMap<>();
    private final Map<String, JsonNode> checkSources = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> agentChecks = new LinkedHashMap<>();

    AwsnycastReader(ImportReport report) {
        this.report = report;
    }

    /** Our checks (name to spec) for the healthchecks read so far. */
    Map<String, Map<String, Object>> checks() {
        return checks;
    }

    /** The agent checks (name to agent config entry) for the healthchecks read so far. */
    Map<String, Map<String, Object>> agentChecks() {
        return agentChecks;
    }

    List<Announce> readHost(Host h) {
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
