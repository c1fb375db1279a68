package io.github.vpcroutefailover.agent.config;

import io.github.vpcroutefailover.agent.config.CheckSpec.Command;
import io.github.vpcroutefailover.agent.config.CheckSpec.Http;
import io.github.vpcroutefailover.agent.config.CheckSpec.Icmp;
import io.github.vpcroutefailover.agent.config.CheckSpec.Peer;
import io.github.vpcroutefailover.agent.config.CheckSpec.PeerAddress;
import io.github.vpcroutefailover.agent.config.CheckSpec.Tcp;
import io.github.vpcroutefailover.yaml.Durations;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** Reads and validates the agent's YAML configuration; see docs/agent.md for the format. */
public final class ConfigLoader {
    static final Duration MIN_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_INTERVAL = Duration.ofMinutes(1);
    private static final Pattern CHECK_NAME = Pattern.compile("[A-Za-z0-9._:/-]{1,200}");
    private static final Set<String> TYPES = Set.of("tcp", "http", "command", "icmp", "peer");

    private ConfigLoader() {
    }

    /** @throws ConfigException for every file it cannot use: missing, unreadable, too large, not UTF-8, not YAML, invalid */
    public static AgentConfig load(Path file) {
        Object root;
        try {
            root = YamlTree.parseFile(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file.toString(), List.of("file not found. Fix: create it (see samples/agent/agent.yaml) or pass --config <path>."));
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot be read (" + e.getMessage() + "). Fix: check its permissions."));
        } catch (YamlTree.InvalidYamlException e) {
            throw new ConfigException(file.toString(), List.of(e.getMessage()));
        }
        return validated(root, file.toString());
    }

    public static AgentConfig parse(String yaml, String source) {
        Object root;
        try {
            root = YamlTree.parse(yaml);
        } catch (YamlTree.InvalidYamlException e) {
            throw new ConfigException(source, List.of(e.getMessage()));
        }
        return validated(root, source);
    }

    /**
     * Any failure while reading a config is a configuration error (exit 2, which systemd does not restart), never a
     * crash that would be restarted forever: the reader is bounded, and this is the net under it.
     */
    private static AgentConfig validated(Object root, String source) {
        try {
            return validate(root, source);
        } catch (ConfigException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new ConfigException(source, List.of("could not be read (" + e.getClass().getSimpleName() + "). Fix: start from"
                    + " samples/agent/agent.yaml; report this message if the file looks right."));
        }
    }

    private static AgentConfig validate(Object root, String source) {
        if (!(root instanceof Map<?, ?> mapping)) {
            throw new ConfigException(source, List.of("must be a YAML mapping with at least 'checks:'. Fix: start from samples/agent/agent.yaml."));
        }
        List<String> problems = new ArrayList<>();
        AgentConfig config = read(new ConfigNode(mapping, "", problems), problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return config;
    }

    private static AgentConfig read(ConfigNode n, List<String> problems) {
        String instanceId = n.string("instanceId", null);
        if (instanceId != null && !instanceId.matches("\\S{1,255}")) {
            n.problem("instanceId", "must be one word such as i-0123456789abcdef0. Fix: correct it, or remove it to read the id from IMDSv2.");
        }
        String namespace = n.string("namespace", AgentConfig.DEFAULT_NAMESPACE);
        if (namespace.startsWith("AWS/") || namespace.length() > 255) {
            n.problem("namespace", "must not start with 'AWS/' and be at most 255 characters. Fix: keep the default " + AgentConfig.DEFAULT_NAMESPACE
                    + " unless the controller is configured with another one.");
        }
        Duration interval = n.duration("interval", Duration.ofSeconds(1), MIN_INTERVAL, MAX_INTERVAL);
        String region = n.string("region", null);
        URI endpoint = n.uri("endpoint", null, List.of("https", "http"));
        Path maintenance = n.pathValue("maintenanceFile", AgentConfig.DEFAULT_MAINTENANCE_FILE);

        ConfigNode p = n.child("publish");
        AgentConfig.PublishSettings publish = new AgentConfig.PublishSettings(
                p == null ? 10_000 : p.integer("bufferCapacity", 10_000, 100, 1_000_000, "the most datums to keep while CloudWatch is unreachable"),
                p == null ? Duration.ofSeconds(1) : p.duration("connectTimeout", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(30)),
                p == null ? Duration.ofSeconds(2) : p.duration("socketTimeout", Duration.ofSeconds(2), Duration.ofMillis(50), Duration.ofSeconds(60)),
                p == null ? Duration.ofSeconds(3) : p.duration("apiCallTimeout", Duration.ofSeconds(3), Duration.ofMillis(100), Duration.ofSeconds(120)),
                p == null || p.bool("publishCheckState", true));
        if (p != null) {
            p.rejectUnknown();
        }

        ConfigNode s = n.child("shutdown");
        AgentConfig.ShutdownSettings shutdown = new AgentConfig.ShutdownSettings(
                s == null ? Duration.ofSeconds(5) : s.duration("publishTimeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofSeconds(60)),
                s == null ? Duration.ZERO : s.duration("holdFor", Duration.ZERO, Duration.ZERO, Duration.ofMinutes(10)));
        if (s != null) {
            s.rejectUnknown();
        }

        ConfigNode i = n.child("imds");
        AgentConfig.ImdsSettings imds = new AgentConfig.ImdsSettings(
                i == null ? null : i.uri("endpoint", null, List.of("http", "https")),
                i == null ? Duration.ofSeconds(1) : i.duration("timeout", Duration.ofSeconds(1), Duration.ofMillis(50), Duration.ofSeconds(30)));
        if (i != null) {
            i.rejectUnknown();
        }

        if (!n.has("checks")) {
            n.problem("checks", "is required. Fix: add a 'checks:' list with at least one check (see samples/agent/agent.yaml).");
        }
        List<CheckSpec> checks = n.list("checks", c -> readCheck(c, interval));
        if (n.has("checks") && checks.isEmpty() && problems.isEmpty()) {
            n.problem("checks", "is empty. Fix: add at least one check; an agent without checks would only report a heartbeat.");
        }
        Set<String> seen = new HashSet<>();
        for (CheckSpec c : checks) {
            if (!seen.add(c.name())) {
                problems.add("checks: the name '" + c.name() + "' is used twice. Fix: give every check its own name; it becomes the Check dimension.");
            }
        }
        n.rejectUnknown();
        return new AgentConfig(instanceId, namespace, interval, region, endpoint, maintenance, publish, shutdown, imds, checks);
    }


    private static CheckSpec readCheck(ConfigNode c, Duration cycle) {
        String name = c.requiredString("name", "give the check a short name such as 'nat-egress'; it becomes the Check dimension.");
        if (name != null && (!CHECK_NAME.matcher(name).matches() || name.equals("agent"))) {
            c.problem("name", "'" + name + "' is not allowed. Fix: use letters, digits and . _ : / - only (at most 200), and not 'agent', which the heartbeat uses.");
        }
        String type = c.requiredString("type", "set it to one of " + new java.util.TreeSet<>(TYPES) + ".");
        Duration interval = c.duration("interval", cycle, MIN_INTERVAL, MAX_INTERVAL);
        Duration defaultTimeout = interval.compareTo(Duration.ofSeconds(1)) < 0 ? interval : Duration.ofSeconds(1);
        Duration timeout = c.duration("timeout", defaultTimeout, Duration.ofMillis(10), MAX_INTERVAL);
        if (timeout.compareTo(interval) > 0) {
            c.problem("timeout", Durations.format(timeout) + " is longer than the check's interval " + Durations.format(interval)
                    + ". Fix: lower the timeout or raise the interval, so that runs never overlap.");
        }
        int rise = c.integer("rise", 2, 1, 100, "how many passes in a row mark the check up");
        int fall = c.integer("fall", 3, 1, 100, "how many failures in a row mark the check down");
        CheckSpec.Target target = null;
        if (type != null) {
            target = switch (type.toLowerCase(Locale.ROOT)) {
                case "tcp" -> readTcp(c);
                case "http" -> readHttp(c);
                case "command" -> readCommand(c);
                case "icmp" -> new Icmp(c.requiredString("host", "set the address to ping, such as 10.0.1.10."));
                case "peer" -> readPeer(c);
                default -> {
                    c.problem("type", "'" + type + "' is not a check type. Fix: use one of " + new java.util.TreeSet<>(TYPES) + ".");
                    yield null;
                }
            };
        }
        c.rejectUnknown();
        return name == null || target == null ? null : new CheckSpec(name, interval, timeout, rise, fall, target);
    }

    private static Tcp readTcp(ConfigNode c) {
        String host = c.requiredString("host", "set the host or IP to connect to, such as 127.0.0.1.");
        Integer port = c.integer("port", null, 1, 65535, "the TCP port to connect to");
        if (port == null && !c.has("port")) {
            c.problem("port", "is required. Fix: set the TCP port to connect to, between 1 and 65535.");
        }
        String send = c.text("send");
        String expect = c.text("expect");
        TlsSettings tls = readTls(c);
        return host == null || port == null ? null : new Tcp(host, port, send, expect, tls);
    }

    private static Http readHttp(ConfigNode c) {
        URI url = c.uri("url", null, List.of("http", "https"));
        if (url == null && !c.has("url")) {
            c.problem("url", "is required. Fix: set the URL to request, such as http://127.0.0.1:8080/health.");
        }
        String method = c.string("method", "GET").toUpperCase(Locale.ROOT);
        if (!Set.of("GET", "HEAD").contains(method)) {
            c.problem("method", "must be GET or HEAD, got '" + method + "'. Fix: health checks must not change state; use GET or HEAD.");
        }
        List<int[]> ranges = new ArrayList<>();
        List<String> status = c.stringList("expectStatus");
        if (status == null) {
            ranges.add(new int[] {200, 399});
        } else {
            for (String s : status) {
                int[] r = parseStatus(s.trim());
                if (r == null) {
                    c.problem("expectStatus", "'" + s + "' is not a status or range. Fix: write a list such as [200, 204] or a range such as \"200-299\".");
                } else {
                    ranges.add(r);
                }
            }
        }
        String contains = c.text("bodyContains");
        Pattern regex = null;
        String re = c.string("bodyRegex", null);
        if (re != null) {
            try {
                regex = Pattern.compile(re);
            } catch (PatternSyntaxException e) {
                c.problem("bodyRegex", "is not a valid regular expression (" + e.getDescription() + "). Fix: correct it, or use bodyContains for plain text.");
            }
        }
        Map<String, String> headers = new LinkedHashMap<>();
        ConfigNode h = c.child("headers");
        if (h != null) {
            headers.putAll(h.texts());
        }
        TlsSettings tls = readTls(c);
        if (url != null && "http".equalsIgnoreCase(url.getScheme()) && c.has("tls")) {
            c.problem("tls", "only applies to https URLs. Fix: remove it or change the URL to https://.");
        }
        if (tls != null && tls.serverName() != null) {
            c.problem("tls.serverName", "is only supported by tcp checks; an http check verifies the URL's host. Fix: remove it and put that name in the URL.");
        }
        return url == null ? null : new Http(url, method, ranges, contains, regex, headers, tls == null ? TlsSettings.DEFAULT : tls);
    }

    private static int[] parseStatus(String s) {
        if (s.matches("[1-5]\\d\\d")) {
            int v = Integer.parseInt(s);
            return new int[] {v, v};
        }
        if (s.matches("[1-5]\\d\\d\\s*-\\s*[1-5]\\d\\d")) {
            String[] parts = s.split("-");
            int lo = Integer.parseInt(parts[0].trim());
            int hi = Integer.parseInt(parts[1].trim());
            return lo <= hi ? new int[] {lo, hi} : null;
        }
        return null;
    }

    /** {@code tls: true} for defaults, or a mapping with verify/caFile/serverName; null when TLS is off. */
    private static TlsSettings readTls(ConfigNode c) {
        if (!c.has("tls")) {
            return null;
        }
        if (c.raw("tls") instanceof Boolean on) {
            return on ? TlsSettings.DEFAULT : null;
        }
        ConfigNode t = c.child("tls");
        if (t == null) {
            return null;
        }
        boolean verify = t.bool("verify", true);
        Path ca = t.pathValue("caFile", null);
        if (ca != null && !Files.isReadable(ca)) {
            t.problem("caFile", "'" + ca + "' cannot be read. Fix: point it at a readable PEM file with the CA certificate(s).");
        }
        if (ca != null && !verify) {
            t.problem("caFile", "has no effect with verify: false. Fix: remove one of the two.");
        }
        String serverName = t.string("serverName", null);
        t.rejectUnknown();
        return new TlsSettings(verify, ca, serverName);
    }

    private static Command readCommand(ConfigNode c) {
        List<String> argv = c.stringList("command");
        if (argv == null || argv.isEmpty() || argv.get(0).isBlank()) {
            c.problem("command", "is required: the program and its arguments as a list, run without a shell. "
                    + "Fix: write command: [\"/usr/bin/systemctl\", \"is-active\", \"nginx\"], or [\"/bin/sh\", \"-c\", \"...\"] for shell syntax.");
            return null;
        }
        if (!Path.of(argv.get(0)).isAbsolute()) {
            c.problem("command", "the program '" + argv.get(0) + "' must be an absolute path, because services run with a minimal PATH. "
                    + "Fix: write the full path, such as /usr/bin/" + argv.get(0) + ".");
        }
        int exit = c.integer("successExitCode", 0, 0, 255, "the exit status that means healthy");
        return new Command(List.copyOf(argv), exit);
    }

    private static Peer readPeer(ConfigNode c) {
        String probe = c.string("probe", "icmp").toLowerCase(Locale.ROOT);
        int port = 0;
        if (!Set.of("icmp", "tcp").contains(probe)) {
            c.problem("probe", "must be icmp or tcp, got '" + probe + "'. Fix: choose one.");
        } else if (probe.equals("tcp")) {
            Integer p = c.integer("port", null, 1, 65535, "the TCP port the peers listen on");
            if (p == null) {
                if (!c.has("port")) {
                    c.problem("port", "is required when probe is tcp. Fix: set the port the peers accept connections on.");
                }
            } else {
                port = p;
            }
        } else if (c.has("port")) {
            c.problem("port", "only applies to probe: tcp. Fix: remove it, or set probe: tcp.");
        }
        if (!c.has("peers")) {
            c.problem("peers", "is required. Fix: list the other candidates of the route as '- {id: i-..., address: 10.0.1.10}'.");
        }
        List<PeerAddress> peers = c.list("peers", pn -> {
            String id = pn.requiredString("id", "set the peer's instance id, such as i-0123456789abcdef0.");
            String address = pn.requiredString("address", "set the peer's private IP address.");
            pn.rejectUnknown();
            return id == null || address == null ? null : new PeerAddress(id, address);
        });
        return new Peer(probe, port, peers);
    }
}
