package io.github.vpcroutefailover.config;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.DataPathCheck;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.yaml.Durations;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validation of {@code type: data-path} checks. The endpoints are requested from inside the VPC by the probe, so
 * everything about them is bounded and refused with the field named: lists of at most {@link #MAX_ENDPOINTS},
 * {@link #MAX_PATHS} per-subnet/AZ entries, URLs of at most {@link #MAX_URL} characters, only tcp/http/https, no
 * user info (credentials do not belong in a config), no fragments, no control characters, no duplicates.
 */
final class DataPathRules extends ConfigFields {
    static final int MAX_ENDPOINTS = 8;
    static final int MAX_PATHS = 64;
    static final int MAX_ROUTES = 100;
    static final int MAX_URL = 2048;
    /**
     * The longest default timeout: an HTTPS request (connect, TLS, answer: about four round trips) to an endpoint in the
     * region or a neighbouring one needs well under a second. The default is this or half the interval, whichever is
     * shorter ({@link #defaultTimeout}).
     */
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);
    static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);
    static final Duration DEFAULT_FORGET_AFTER = Duration.ofMinutes(10);
    static final Duration DEFAULT_SETTLE = Duration.ofSeconds(2);
    static final List<String> KEYS = List.of("type", "routes", "endpoints", "paths", "timeout", "interval", "forgetAfter",
            "settle", "rise", "fall");
    private static final Pattern ZONE = Pattern.compile("[a-z]{2}(-[a-z0-9]+)+-?[0-9][a-z]");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-\\[\\]:]{1,253}");

    DataPathRules(Map<String, Integer> lines, List<ConfigProblem> problems) {
        super(lines, problems);
    }

    CheckSpec.DataPath check(String name, JsonNode n, String path, int rise, int fall) {
        List<String> routes = nameList(n, path, "routes", "route names whose data path this check tests, e.g. [default-egress]", true);
        if (routes != null) {
            if (routes.isEmpty()) {
                problem(YamlTree.child(path, "routes"), "routes is empty; name at least one route whose data path this check tests");
            } else if (routes.size() > MAX_ROUTES) {
                problem(YamlTree.child(path, "routes"), "routes lists " + routes.size() + " names, more than the " + MAX_ROUTES + " allowed; split the check");
            }
            Set<String> seen = new LinkedHashSet<>();
            for (int i = 0; i < routes.size(); i++) {
                if (!seen.add(routes.get(i))) {
                    problem(YamlTree.index(YamlTree.child(path, "routes"), i), "route '" + routes.get(i) + "' is listed twice; list each route once");
                }
            }
        }
        List<DataPathCheck.Endpoint> endpoints = n.has("endpoints") ? endpoints(n.get("endpoints"), YamlTree.child(path, "endpoints")) : List.of();
        List<DataPathCheck.PathEndpoints> paths = n.has("paths") ? paths(n.get("paths"), YamlTree.child(path, "paths")) : List.of();
        if (!n.has("endpoints") && !n.has("paths")) {
            problem(YamlTree.child(path, "endpoints"), "a data-path check needs 'endpoints' (requested through the route from every probed subnet), "
                    + "'paths' (per subnet or AZ), or both; e.g. endpoints: [\"https://checkip.amazonaws.com/\", \"tcp://1.1.1.1:443\"]");
        }
        Duration interval = duration(n, path, "interval", DEFAULT_INTERVAL);
        Duration timeout = duration(n, path, "timeout", defaultTimeout(interval));
        if (timeout != null && interval != null && timeout.compareTo(interval) >= 0) {
            problem(YamlTree.child(path, n.has("timeout") ? "timeout" : "interval"), "timeout (" + Durations.format(timeout)
                    + ") must be shorter than interval (" + Durations.format(interval) + "), or probes overlap; lower the timeout or raise the interval");
        }
        Duration forget = duration(n, path, "forgetAfter", DEFAULT_FORGET_AFTER);
        if (forget != null && interval != null && forget.compareTo(interval.multipliedBy(Math.max(rise, fall))) < 0) {
            problem(YamlTree.child(path, "forgetAfter"), "forgetAfter (" + Durations.format(forget) + ") must be at least interval x max(rise, fall) ("
                    + Durations.format(interval.multipliedBy(Math.max(rise, fall))) + "), or a verdict is forgotten before it could form");
        }
        if (forget != null && forget.compareTo(Duration.ofDays(1)) > 0) {
            problem(YamlTree.child(path, "forgetAfter"), "forgetAfter (" + Durations.format(forget) + ") is longer than 1 day; a hop not re-tested for that long should be tried again");
        }
        Duration settle = duration(n, path, "settle", DEFAULT_SETTLE);
        if (settle != null && settle.compareTo(Duration.ofMinutes(1)) > 0) {
            problem(YamlTree.child(path, "settle"), "settle (" + Durations.format(settle) + ") is longer than 1m; it is how long after a route change "
                    + "the VPC router may still use the old hop (seconds)");
        }
        return new CheckSpec.DataPath(name, routes == null ? List.of() : routes, endpoints, paths, timeout, interval, forget, settle, rise, fall);
    }

    /**
     * The timeout when none is set: {@link #DEFAULT_TIMEOUT} or half the interval, whichever is shorter, so the default
     * is valid at every interval (a fixed 1 s was refused at {@code interval: 1s}) and a failed request and its fast
     * confirmation fit in one interval (detection at fall 2 takes at most about one interval after the fault's first
     * failed probe). An interval that did not parse takes {@link #DEFAULT_TIMEOUT}; its own error is reported.
     */
    static Duration defaultTimeout(Duration interval) {
        if (interval == null) {
            return DEFAULT_TIMEOUT;
        }
        Duration half = interval.dividedBy(2);
        return half.isZero() ? interval : half.compareTo(DEFAULT_TIMEOUT) < 0 ? half : DEFAULT_TIMEOUT;
    }

    private List<DataPathCheck.PathEndpoints> paths(JsonNode n, String path) {
        if (!n.isArray()) {
            problem(path, "paths must be a list of {subnet: subnet-..., endpoints: [...]} or {zone: us-east-1a, endpoints: [...]}, but found " + describe(n));
            return List.of();
        }
        if (n.size() > MAX_PATHS) {
            problem(path, "paths has " + n.size() + " entries, more than the " + MAX_PATHS + " allowed (one per subnet or AZ)");
            return List.of();
        }
        List<DataPathCheck.PathEndpoints> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < n.size(); i++) {
            String p = YamlTree.index(path, i);
            JsonNode e = n.get(i);
            if (!e.isObject()) {
                problem(p, "a paths entry must be a map {subnet: ..., endpoints: [...]} or {zone: ..., endpoints: [...]}, but found " + describe(e));
                continue;
            }
            checkKeys(e, p, List.of("subnet", "zone", "endpoints"));
            String subnet = null;
            String zone = null;
            if (e.has("subnet") == e.has("zone")) {
                problem(p, "a paths entry needs exactly one of 'subnet' (a subnet id) or 'zone' (an AZ name such as us-east-1a)");
            } else if (e.has("subnet")) {
                subnet = id(e.get("subnet"), YamlTree.child(p, "subnet"), "a subnet", "subnet");
            } else {
                JsonNode z = e.get("zone");
                if (!z.isTextual() || !ZONE.matcher(z.asText()).matches()) {
                    problem(YamlTree.child(p, "zone"), "zone must be an availability zone name such as us-east-1a, but found " + describe(z));
                } else {
                    zone = z.asText();
                }
            }
            String where = subnet != null ? subnet : zone;
            if (where != null) {
                Integer first = seen.putIfAbsent(where, i);
                if (first != null) {
                    problem(p, where + " already has endpoints in " + YamlTree.index(path, first) + "; give each subnet or AZ one entry");
                }
            }
            if (!e.has("endpoints")) {
                problem(YamlTree.child(p, "endpoints"), "missing 'endpoints'; list what to request through the route from " + (where == null ? "there" : where));
                continue;
            }
            List<DataPathCheck.Endpoint> eps = endpoints(e.get("endpoints"), YamlTree.child(p, "endpoints"));
            out.add(new DataPathCheck.PathEndpoints(subnet, zone, eps));
        }
        return out;
    }

    private List<DataPathCheck.Endpoint> endpoints(JsonNode n, String path) {
        if (!n.isArray()) {
            problem(path, "endpoints must be a list of URLs (tcp://host:port, http://host/path, https://host/path), but found " + describe(n));
            return List.of();
        }
        if (n.isEmpty()) {
            problem(path, "endpoints is empty; list 1-" + MAX_ENDPOINTS + " endpoints, e.g. [\"https://checkip.amazonaws.com/\"]");
            return List.of();
        }
        if (n.size() > MAX_ENDPOINTS) {
            problem(path, "endpoints lists " + n.size() + " entries, more than the " + MAX_ENDPOINTS
                    + " allowed (each is requested every interval); a few independent endpoints are enough");
            return List.of();
        }
        List<DataPathCheck.Endpoint> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < n.size(); i++) {
            String p = YamlTree.index(path, i);
            JsonNode e = n.get(i);
            if (!e.isTextual()) {
                problem(p, "an endpoint must be a URL string such as \"tcp://1.1.1.1:443\" or \"https://checkip.amazonaws.com/\", but found " + describe(e));
                continue;
            }
            DataPathCheck.Endpoint ep = endpoint(e.asText(), p);
            if (ep != null) {
                Integer first = seen.putIfAbsent(ep.uri(), i);
                if (first != null) {
                    problem(p, "endpoint " + ep.uri() + " is listed twice (also at " + YamlTree.index(path, first) + "); list each endpoint once");
                } else {
                    out.add(ep);
                }
            }
        }
        return out;
    }

    /** One endpoint URL, or null with a problem recorded. */
    DataPathCheck.Endpoint endpoint(String text, String path) {
        String shown = printable(text);
        if (text.length() > MAX_URL) {
            problem(path, "endpoint is " + text.length() + " characters long, more than the " + MAX_URL + " allowed");
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f)) {
                problem(path, "endpoint '" + shown + "' contains a space or control character at position " + i + "; write the URL without it (percent-encode it in the path)");
                return null;
            }
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            problem(path, "endpoint '" + shown + "' is not a valid URL (" + e.getReason() + " at index " + e.getIndex()
                    + "); write e.g. tcp://1.1.1.1:443 or https://checkip.amazonaws.com/");
            return null;
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !List.of("tcp", "http", "https").contains(scheme)) {
            problem(path, "endpoint '" + shown + "' must start with tcp://, http:// or https://" + (scheme == null ? "" : " (found '" + uri.getScheme() + ":')"));
            return null;
        }
        if (uri.getRawUserInfo() != null) {
            problem(path, "endpoint '" + shown.replace(uri.getRawUserInfo() + "@", "***@") + "' carries user info; credentials do not belong in the route config, remove them");
            return null;
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty() || !HOST.matcher(host).matches()) {
            problem(path, "endpoint '" + shown + "' has no valid host name or address; write e.g. tcp://1.1.1.1:443");
            return null;
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1); // an IPv6 literal; Endpoint.uri() brackets it again
        }
        if (uri.getRawFragment() != null) {
            problem(path, "endpoint '" + shown + "' has a fragment (#...), which is never sent; remove it");
            return null;
        }
        int port = uri.getPort();
        if (scheme.equals("tcp")) {
            if (port < 1) {
                problem(path, "endpoint '" + shown + "' needs a port: tcp://host:port, e.g. tcp://1.1.1.1:443");
                return null;
            }
            if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty()) || uri.getRawQuery() != null) {
                problem(path, "endpoint '" + shown + "' is tcp: a connect to host:port, it has no path or query; remove them");
                return null;
            }
            return new DataPathCheck.Endpoint("tcp", host, port, null);
        }
        if (port == 0 || port > 65535) {
            problem(path, "endpoint '" + shown + "' has port " + port + "; use 1-65535 or leave it out");
            return null;
        }
        if (port < 0) {
            port = scheme.equals("https") ? 443 : 80;
        }
        String p = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (uri.getRawQuery() != null) {
            p = p + "?" + uri.getRawQuery();
        }
        return new DataPathCheck.Endpoint(scheme, host, port, p);
    }

    /** Checks every data-path check names routes of this config (runtime-registered routes cannot be named). */
    void routesExist(Map<String, CheckSpec> checks, Collection<RouteSpec> routes) {
        Set<String> names = new LinkedHashSet<>();
        routes.forEach(r -> names.add(r.name()));
        checks.forEach((name, spec) -> {
            if (spec instanceof CheckSpec.DataPath dp) {
                for (int i = 0; i < dp.routes().size(); i++) {
                    String r = dp.routes().get(i);
                    if (!names.contains(r)) {
                        problem(YamlTree.index(YamlTree.child(YamlTree.child("checks", name), "routes"), i), "unknown route '" + r + "'"
                                + suggestion(r, names) + "; name a route under 'routes' (a data-path check applies to routes of this file)");
                    }
                }
            }
        });
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && b.length() < 200; i++) {
            char c = s.charAt(i);
            b.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 200 ? b + "..." : b.toString();
    }
}
