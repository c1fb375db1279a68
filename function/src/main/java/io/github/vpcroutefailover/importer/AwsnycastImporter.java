package io.github.vpcroutefailover.importer;

import io.github.vpcroutefailover.importer.AwsnycastReader.Announce;
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

    private final ImportReport report = new ImportReport();
    private final AwsnycastReader reader = new AwsnycastReader(report);

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
            announces.addAll(reader.readHost(h));
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
        allChecks.putAll(reader.checks());
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
        if (!reader.agentChecks().isEmpty()) {
            Map<String, Object> agentRoot = new LinkedHashMap<>();
            agentRoot.put("interval", "1s");
            agentRoot.put("checks", new ArrayList<>(reader.agentChecks().values()));
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
}
