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
 * Validation of the {@code checks:} section: one check definition per name, by type.
 */
final class CheckRules extends ConfigFields {
    /** One probe round a second (BENCHMARKS.md "Probe: detection at the defaults"). */
    static final Duration DEFAULT_PROBE_INTERVAL = Duration.ofSeconds(1);
    /** A TCP handshake in a VPC takes well under a millisecond; 300 ms (up to three hedged handshakes, 100 ms apart) is generous. */
    static final Duration DEFAULT_PROBE_TIMEOUT = Duration.ofMillis(300);
    /** An HTTP check also waits for the application's answer. */
    static final Duration DEFAULT_HTTP_TIMEOUT = Duration.ofMillis(500);
    static final Duration DEFAULT_STALE_AFTER = Duration.ofSeconds(30);
    private static final List<String> CHECK_TYPES = List.of("agent", "tcp", "http", "ec2-status", "alarm", "data-path");
    private static final Map<String, List<String>> CHECK_KEYS = Map.of(
            "agent", List.of("type", "agentCheck", "reportedBy", "staleAfter", "rise", "fall"),
            "tcp", List.of("type", "port", "timeout", "interval", "rise", "fall"),
            "http", List.of("type", "scheme", "port", "path", "expectStatus", "bodyContains", "timeout", "interval", "rise", "fall"),
            "ec2-status", List.of("type", "statusChecks", "rise", "fall"),
            "alarm", List.of("type", "alarmName", "rise", "fall"),
            "data-path", DataPathRules.KEYS);
    private final DataPathRules dataPath;

    CheckRules(Map<String, Integer> lines, List<ConfigProblem> problems) {
        super(lines, problems);
        this.dataPath = new DataPathRules(lines, problems);
    }

    CheckSpec check(String name, JsonNode n, String path) {
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
                String reportedBy = string(n, path, "reportedBy", "self");
                if (reportedBy != null && !List.of("self", "peers").contains(reportedBy)) {
                    problem(YamlTree.child(path, "reportedBy"), "reportedBy must be 'self' (the target's own agent publishes the check, "
                            + "the default) or 'peers' (the other targets' agents probe this one with a peer check); got '" + reportedBy + "'");
                }
                yield new CheckSpec.Agent(name, agentCheck, stale, rise, fall, "peers".equals(reportedBy));
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
            case "data-path" -> dataPath.check(name, n, path, rise, fall);
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

    Duration[] timeoutInterval(JsonNode n, String path, Duration defaultTimeout) {
        Duration timeout = duration(n, path, "timeout", defaultTimeout);
        Duration interval = duration(n, path, "interval", DEFAULT_PROBE_INTERVAL);
        if (timeout != null && interval != null && timeout.compareTo(interval) >= 0) {
            String where = n.has("timeout") ? YamlTree.child(path, "timeout") : YamlTree.child(path, "interval");
            problem(where, "timeout (" + Durations.format(timeout) + ") must be shorter than interval (" + Durations.format(interval)
                    + "), or probes overlap; lower the timeout or raise the interval");
        }
        return new Duration[]{timeout, interval};
    }

    /** Every data-path check names routes of the file (after the routes are parsed). */
    void dataPathRoutesExist(Map<String, CheckSpec> checks, Collection<RouteSpec> routes) {
        dataPath.routesExist(checks, routes);
    }

    // ---------------------------------------------------------------------------------------------- targets

    static String typeName(CheckSpec c) {
        return switch (c) {
            case CheckSpec.Agent a -> "agent";
            case CheckSpec.Tcp t -> "tcp";
            case CheckSpec.Http h -> "http";
            case CheckSpec.Ec2Status e -> "ec2-status";
            case CheckSpec.Alarm a -> "alarm";
            case CheckSpec.DataPath d -> "data-path";
        };
    }

    // ---------------------------------------------------------------------------------------------- routes
}
