// Over 400 lines on purpose: one namespace lab; building, routing, faulting and tearing it down share its address plan and namespaces.
package io.github.vpcroutefailover.testsupport.lab;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local VPC made of Linux network namespaces, where traffic really flows through NAT instances.
 *
 * <pre>
 *   subnet ns (client) ─┐                        ┌─ nat ns (ip_forward, nft masquerade, health :8080) ─┐
 *   subnet ns (client) ─┼─ vpc ns: bridge br0 ───┼─ nat ns ...                                        ├─ inet ns: HTTP :80
 *   host (this JVM)    ─┘   198.18.K.0/24        └─ ...                              198.19.K.4j/30 links ─┘   198.19.K.200-201
 * </pre>
 *
 * Each subnet namespace's default route is what {@link #route} (driven by a {@link RouteMirror}) says; the host side
 * of the bridge lets the probe in this JVM reach the NATs' health ports as a probe in the VPC would. Addresses come
 * from 198.18.0.0/15 (RFC 2544, reserved for benchmarking), a /24 not otherwise in use on this host; only addresses
 * inside the lab's own namespaces are ever targeted.
 *
 * <p>Names are {@code vrf-<pid>-<n>-...} so that the {@link NamespaceSweeper} can remove what dead processes left. The
 * lab removes its namespaces on {@link #close()} and, if the JVM exits first, from a shutdown hook.
 */
public final class VpcLab implements AutoCloseable {
    static final String PREFIX = "vrf-";
    static final String HOST_LINK_PREFIX = "vrfh";
    /** The NATs' health server port (HTTP 200 on GET, so both tcp and http checks work). */
    public static final int HEALTH_PORT = 8080;
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Set<VpcLab> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> List.copyOf(OPEN).forEach(VpcLab::close), "vpc-lab-cleanup"));
    }

    private final String id;
    private final int k;
    private final String hostLink;
    private final Path agentScript;
    private final Map<String, String> subnetNs = new LinkedHashMap<>();
    private final Map<String, Integer> subnetIndex = new LinkedHashMap<>();
    private final Map<String, String> natNs = new LinkedHashMap<>();
    private final Map<String, Integer> natIndex = new LinkedHashMap<>();
    private final Map<String, Agent> healthServers = new ConcurrentHashMap<>();
    private final Map<String, Set<Fault>> faults = new ConcurrentHashMap<>();
    private final List<String> namespaces = new ArrayList<>();
    private final List<AutoCloseable> children = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, String> routes = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private VpcLab(List<String> subnets, List<String> nats) {
        int run = RUNS.getAndIncrement();
        long pid = ProcessHandle.current().pid();
        this.id = PREFIX + pid + "-" + run;
        this.hostLink = HOST_LINK_PREFIX + pid + "r" + run;
        this.k = freeSlash24(pid, run);
        this.agentScript = extractAgent();
        for (int i = 0; i < subnets.size(); i++) {
            subnetNs.put(subnets.get(i), id + "-s" + i);
            subnetIndex.put(subnets.get(i), i);
        }
        for (int j = 0; j < nats.size(); j++) {
            natNs.put(nats.get(j), id + "-n" + j);
            natIndex.put(nats.get(j), j);
            faults.put(nats.get(j), EnumSet.noneOf(Fault.class));
        }
    }

    /**
     * Builds a lab: one client namespace per subnet, one NAT namespace per NAT (forwarding and masquerading, health
     * server up), the internet namespace with its HTTP server. Subnets start with no default route ("unreachable").
     *
     * @throws LabUnavailableException when namespaces cannot be created here (not root, tools missing)
     */
    public static VpcLab create(List<String> subnets, List<String> nats) {
        if (subnets.isEmpty() || subnets.size() > 10 || nats.isEmpty() || nats.size() > 10) {
            throw new IllegalArgumentException("a lab has 1-10 subnets and 1-10 NATs, got " + subnets + " and " + nats);
        }
        preflight();
        NamespaceSweeper.sweep();
        VpcLab lab = new VpcLab(subnets, nats);
        OPEN.add(lab);
        try {
            lab.build();
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** Throws {@link LabUnavailableException} unless namespaces, nftables and python3 work here. */
    public static void preflight() {
        for (String[] tool : new String[][] {{"ip", "-V"}, {"nft", "--version"}, {"python3", "--version"}}) {
            Sh.Result r;
            try {
                r = Sh.attempt(tool);
            } catch (LabException e) {
                throw new LabUnavailableException("`" + tool[0] + "` cannot be run (" + e.getMessage() + ")", e);
            }
            if (r.exit() != 0) {
                throw new LabUnavailableException("`" + String.join(" ", tool) + "` failed: " + r.err().strip(), null);
            }
        }
        String ns = PREFIX + ProcessHandle.current().pid() + "-preflight";
        Sh.Result add = Sh.attempt("ip", "netns", "add", ns);
        if (add.exit() != 0 && !add.err().contains("File exists")) {
            throw new LabUnavailableException("`ip netns add` failed: " + add.err().strip(), null);
        }
        Sh.Result nft = Sh.attempt("ip", "netns", "exec", ns, "nft", "list", "ruleset");
        Sh.attempt("ip", "netns", "del", ns);
        if (nft.exit() != 0) {
            throw new LabUnavailableException("nftables does not work inside a namespace: " + nft.err().strip(), null);
        }
    }

    private void build() {
        String vpc = ns("vpc");
        String inet = ns("inet");
        addNamespace(vpc);
        Sh.run("ip", "-n", vpc, "link", "add", "br0", "type", "bridge");
        Sh.run("ip", "-n", vpc, "link", "set", "br0", "up");
        // The host's side: the probe in this JVM reaches the NATs' health ports through it.
        Sh.run("ip", "link", "add", hostLink, "type", "veth", "peer", "name", "host", "netns", vpc);
        bridgePort("host");
        Sh.run("ip", "addr", "add", vpcAddress(2) + "/24", "dev", hostLink);
        Sh.run("ip", "link", "set", hostLink, "up");

        addNamespace(inet);
        Sh.run("ip", "-n", inet, "addr", "add", serverAddress(0) + "/32", "dev", "lo");
        Sh.run("ip", "-n", inet, "addr", "add", serverAddress(1) + "/32", "dev", "lo");

        for (var e : subnetNs.entrySet()) {
            String ns = e.getValue();
            addNamespace(ns);
            attachToBridge(ns, "s" + subnetIndex.get(e.getKey()), subnetAddress(e.getKey()));
            Sh.run("ip", "-n", ns, "route", "add", "unreachable", "default");
            routes.put(e.getKey(), "");
        }
        for (var e : natNs.entrySet()) {
            String ns = e.getValue();
            int j = natIndex.get(e.getKey());
            addNamespace(ns);
            attachToBridge(ns, "n" + j, natAddress(e.getKey()));
            Sh.run("ip", "link", "add", "pub", "netns", ns, "type", "veth", "peer", "name", "p" + j, "netns", inet);
            Sh.run("ip", "-n", ns, "addr", "add", internetAddress(4 * j + 2) + "/30", "dev", "pub");
            Sh.run("ip", "-n", ns, "link", "set", "pub", "up");
            Sh.run("ip", "-n", inet, "addr", "add", internetAddress(4 * j + 1) + "/30", "dev", "p" + j);
            Sh.run("ip", "-n", inet, "link", "set", "p" + j, "up");
            Sh.run("ip", "-n", ns, "route", "add", "default", "via", internetAddress(4 * j + 1));
            setForwarding(ns, true);
            masquerade(ns, true);
            startHealth(e.getKey());
        }
        Agent server = Agent.start(inet, agentScript.toString(), "serve", "0.0.0.0", "80");
        children.add(server);
    }

    private void attachToBridge(String ns, String port, String address) {
        String vpc = ns("vpc");
        Sh.run("ip", "link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", vpc);
        bridgePort(port);
        Sh.run("ip", "-n", ns, "addr", "add", address + "/24", "dev", "eth0");
        Sh.run("ip", "-n", ns, "link", "set", "eth0", "up");
    }

    private void bridgePort(String port) {
        Sh.run("ip", "-n", ns("vpc"), "link", "set", port, "master", "br0");
        Sh.run("ip", "-n", ns("vpc"), "link", "set", port, "up");
    }

    private void addNamespace(String ns) {
        Sh.run("ip", "netns", "add", ns);
        namespaces.add(ns);
        Sh.run("ip", "-n", ns, "link", "set", "lo", "up");
    }

    private String ns(String suffix) {
        return id + "-" + suffix;
    }

    // ---- addresses

    private String vpcAddress(int host) {
        return "198.18." + k + "." + host;
    }

    private String internetAddress(int host) {
        return "198.19." + k + "." + host;
    }

    /** The VPC-side address of a NAT (its "ENI" address): health checks and routes target it. */
    public String natAddress(String nat) {
        return vpcAddress(20 + index(natIndex, nat, "NAT"));
    }

    public String subnetAddress(String subnet) {
        return vpcAddress(10 + index(subnetIndex, subnet, "subnet"));
    }

    /** The i-th (0 or 1) internet server address; both are served by the internet namespace's HTTP server. */
    public String serverAddress(int i) {
        return internetAddress(200 + i);
    }

    public String serverUrl(int i) {
        return "http://" + serverAddress(i) + "/";
    }

    /** Which NAT a source address seen by the internet server belongs to (its public side), or null. */
    public String natByPublicAddress(String address) {
        for (var e : natIndex.entrySet()) {
            if (internetAddress(4 * e.getValue() + 2).equals(address)) {
                return e.getKey();
            }
        }
        return null;
    }

    public List<String> subnets() {
        return List.copyOf(subnetNs.keySet());
    }

    public List<String> nats() {
        return List.copyOf(natNs.keySet());
    }

    /** The namespace of a subnet (for humans and for commands run inside it). */
    public String subnetNamespace(String subnet) {
        return require(subnetNs, subnet, "subnet");
    }

    public String natNamespace(String nat) {
        return require(natNs, nat, "NAT");
    }

    /** The internet namespace (for {@link DataPathLab}). */
    String internetNamespace() {
        return ns("inet");
    }

    // ---- routing (the VPC router's job)

    /**
     * Sets a subnet's default route: through {@code nat}, or unreachable when {@code nat} is null (no route, a
     * blackhole, or a target outside the lab).
     */
    public synchronized void route(String subnet, String nat) {
        String ns = subnetNamespace(subnet);
        if (nat == null) {
            Sh.run("ip", "-n", ns, "route", "replace", "unreachable", "default");
        } else {
            Sh.run("ip", "-n", ns, "route", "replace", "default", "via", natAddress(nat));
        }
        routes.put(subnet, nat == null ? "" : nat);
    }

    /** The NAT a subnet's default route points at now, or null. */
    public String routeOf(String subnet) {
        String r = routes.get(subnet);
        return r == null || r.isEmpty() ? null : r;
    }

    // ---- traffic and checks from the private side

    /** Starts one small request every {@code everyMillis} from the subnet to the internet server. */
    public Traffic traffic(String subnet, int everyMillis, int timeoutMillis) {
        Agent a = Agent.start(subnetNamespace(subnet), agentScript.toString(), "traffic", serverUrl(0),
                Integer.toString(everyMillis), Integer.toString(timeoutMillis));
        Traffic t = new Traffic(subnet, a, this::natByPublicAddress);
        children.add(t);
        return t;
    }

    /** An on-demand HTTP checker inside the subnet's namespace. */
    public Checker checker(String subnet) {
        Checker c = new Checker(Agent.start(subnetNamespace(subnet), agentScript.toString(), "check"));
        children.add(c);
        return c;
    }

    // ---- faults

    /** Applies a real fault to a NAT namespace (for {@link Fault#STOPPED} the caller also stops the instance in EC2). */
    public synchronized void fault(String nat, Fault fault) {
        String ns = natNamespace(nat);
        switch (fault) {
            case PROCESS_DOWN -> {
                stopHealth(nat);
                Sh.runWithInput("table inet vrfproc {\n chain vrf_fwd {\n  type filter hook forward priority 0; policy drop;\n }\n}\n",
                        "ip", "netns", "exec", ns, "nft", "-f", "-");
            }
            case LINK_DOWN, STOPPED -> Sh.run("ip", "-n", ns, "link", "set", "eth0", "down");
            case FORWARDING_OFF -> setForwarding(ns, false);
            case DROP_RULE -> Sh.runWithInput("""
                    table inet vrffault {
                     chain vrf_in {
                      type filter hook input priority 0; policy accept;
                      iifname "eth0" drop
                     }
                     chain vrf_fwd {
                      type filter hook forward priority 0; policy accept;
                      iifname "eth0" drop
                     }
                    }
                    """, "ip", "netns", "exec", ns, "nft", "-f", "-");
            case MASQUERADE_LOST -> masquerade(ns, false);
        }
        faults.get(nat).add(fault);
    }

    /** Clears every fault of a NAT: it forwards and answers its health port again. */
    public synchronized void heal(String nat) {
        String ns = natNamespace(nat);
        Set<Fault> active = faults.get(nat);
        for (Fault f : EnumSet.copyOf(active.isEmpty() ? EnumSet.noneOf(Fault.class) : active)) {
            switch (f) {
                case PROCESS_DOWN -> {
                    Sh.run("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "vrfproc");
                    startHealth(nat);
                }
                case LINK_DOWN, STOPPED -> Sh.run("ip", "-n", ns, "link", "set", "eth0", "up");
                case FORWARDING_OFF -> setForwarding(ns, true);
                case DROP_RULE -> Sh.run("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "vrffault");
                case MASQUERADE_LOST -> masquerade(ns, true);
            }
            active.remove(f);
        }
    }

    public Set<Fault> faults(String nat) {
        return Set.copyOf(faults.get(nat));
    }

    private void setForwarding(String ns, boolean on) {
        Sh.run("ip", "netns", "exec", ns, "sh", "-c", "echo " + (on ? 1 : 0) + " > /proc/sys/net/ipv4/ip_forward");
    }

    private void masquerade(String ns, boolean on) {
        if (on) {
            Sh.runWithInput("table ip vrfnat {\n chain post {\n  type nat hook postrouting priority srcnat; policy accept;\n"
                    + "  oifname \"pub\" masquerade\n }\n}\n", "ip", "netns", "exec", ns, "nft", "-f", "-");
        } else {
            Sh.run("ip", "netns", "exec", ns, "nft", "delete", "table", "ip", "vrfnat");
        }
    }

    private void startHealth(String nat) {
        healthServers.put(nat, Agent.start(natNamespace(nat), agentScript.toString(), "serve", natAddress(nat),
                Integer.toString(HEALTH_PORT)));
    }

    private void stopHealth(String nat) {
        Agent a = healthServers.remove(nat);
        if (a != null) {
            a.close();
        }
    }

    // ---- lifecycle

    /** Stops every agent and removes every namespace and the host link; safe to call twice. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<AutoCloseable> all = new ArrayList<>(children);
        Collections.reverse(all);
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception ignored) {
                // keep removing the rest
            }
        }
        healthServers.values().forEach(Agent::close);
        for (String ns : namespaces) {
            for (String pid : Sh.attempt("ip", "netns", "pids", ns).out().split("\\s+")) {
                if (!pid.isBlank()) {
                    ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            Sh.attempt("ip", "netns", "del", ns);
        }
        Sh.attempt("ip", "link", "del", hostLink); // usually gone with the vpc namespace already
        OPEN.remove(this);
    }

    /** The lab's namespace names (for the report and for tests asserting the cleanup). */
    public List<String> namespaces() {
        return List.copyOf(namespaces);
    }

    public String hostLink() {
        return hostLink;
    }

    // ---- helpers

    private static int freeSlash24(long pid, int run) {
        String used = Sh.run("ip", "-4", "-o", "addr", "show") + Sh.run("ip", "-4", "route", "show", "table", "all");
        for (int i = 0; i < 250; i++) {
            int k = (int) ((pid * 7 + run * 13 + i) % 250) + 1;
            if (!used.contains("198.18." + k + ".") && !used.contains("198.19." + k + ".")) {
                return k;
            }
        }
        throw new LabException("no free /24 in 198.18.0.0/15 for the lab on this host");
    }

    private static Path extractAgent() {
        try (InputStream in = VpcLab.class.getResourceAsStream("lab_agent.py")) {
            if (in == null) {
                throw new LabException("lab_agent.py is not on the classpath next to " + VpcLab.class.getName());
            }
            Path p = Files.createTempFile("vrf-lab-agent-", ".py");
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new LabException("cannot write the lab agent script: " + e.getMessage(), e);
        }
    }

    private static int index(Map<String, Integer> m, String key, String what) {
        Integer i = m.get(key);
        if (i == null) {
            throw new IllegalArgumentException("no " + what + " '" + key + "' in this lab; it has " + m.keySet());
        }
        return i;
    }

    private static String require(Map<String, String> m, String key, String what) {
        String v = m.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + what + " '" + key + "' in this lab; it has " + m.keySet());
        }
        return v;
    }
}
