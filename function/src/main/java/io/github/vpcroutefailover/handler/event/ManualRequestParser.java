package io.github.vpcroutefailover.handler.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses manual invoke JSON strictly: unknown actions and unknown fields are refused, so a typo such as
 * {@code "froce": true} can never silently turn into an unforced failover.
 */
public final class ManualRequestParser {
    /** Longest pin we accept: a forgotten pin must not outlive the incident by months. */
    static final Duration MAX_PIN = Duration.ofDays(7);
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern ROUTE_TABLE = Pattern.compile("rtb-[0-9a-f]{8}([0-9a-f]{9})?");

    /** History without {@code since}: the last day, what an operator looks at first. */
    static final Duration DEFAULT_HISTORY_WINDOW = Duration.ofHours(24);
    static final int DEFAULT_HISTORY_LIMIT = 100;
    static final int MAX_HISTORY_LIMIT = 1000;

    private static final Map<String, Set<String>> FIELDS = Map.of(
            "status", Set.of("route", "requestedBy"),
            "plan", Set.of("route", "requestedBy"),
            "history", Set.of("route", "since", "limit", "requestedBy"),
            "failover", Set.of("route", "routeTableIds", "target", "to", "force", "reason", "dryRun", "requestedBy"),
            "drain", Set.of("target", "reason", "dryRun", "requestedBy"),
            "undrain", Set.of("target", "reason", "requestedBy"),
            "pin", Set.of("route", "routeTableIds", "target", "for", "until", "force", "reason", "requestedBy"),
            "unpin", Set.of("route", "routeTableIds", "requestedBy"),
            "register", Set.of("route", "requestedBy"),
            "deregister", Set.of("route", "requestedBy"));

    private ManualRequestParser() {
    }

    /** @param now used only to turn a pin's {@code for} into an expiry */
    public static ManualRequest parse(JsonNode root, Instant now) {
        if (root == null || !root.isObject()) {
            throw new BadRequestException("$", "expected a JSON object like {\"action\": \"status\"}");
        }
        JsonNode a = root.get("action");
        if (a == null || !a.isTextual()) {
            throw new BadRequestException("action", "missing; one of " + actions());
        }
        String action = a.asText();
        Set<String> allowed = FIELDS.get(action);
        if (allowed == null) {
            throw new BadRequestException("action", "unknown action '" + action + "'; one of " + actions());
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("action") && !allowed.contains(f)) {
                throw new BadRequestException(f, "not a field of '" + action + "'; allowed: " + (allowed.isEmpty() ? "none" : List.copyOf(new java.util.TreeSet<>(allowed))));
            }
        }
        String by = optionalText(root, "requestedBy");
        return switch (action) {
            case "status" -> new ManualRequest.Status(optionalText(root, "route"), by);
            case "plan" -> new ManualRequest.Plan(optionalText(root, "route"), by);
            case "history" -> history(root, now, by);
            case "failover" -> failover(root, by);
            case "drain" -> new ManualRequest.Drain(requiredText(root, "target"), optionalText(root, "reason"), bool(root, "dryRun"), by);
            case "undrain" -> new ManualRequest.Undrain(requiredText(root, "target"), optionalText(root, "reason"), by);
            case "pin" -> pin(root, now, by);
            case "unpin" -> new ManualRequest.Unpin(requiredText(root, "route"), routeTables(root), by);
            case "register" -> {
                JsonNode spec = root.get("route");
                if (spec == null || !spec.isObject()) {
                    throw new BadRequestException("route", "missing; expected a route object {name, destination, routeTables, targets, ...} as in the config file");
                }
                yield new ManualRequest.Register(spec, by);
            }
            case "deregister" -> new ManualRequest.Deregister(requiredText(root, "route"), by);
            default -> throw new IllegalStateException(action);
        };
    }

    private static ManualRequest history(JsonNode root, Instant now, String by) {
        Instant since = now.minus(DEFAULT_HISTORY_WINDOW);
        String text = optionalText(root, "since");
        if (text != null) {
            if (DURATION.matcher(text.trim()).matches()) {
                since = now.minus(duration(text, "since"));
            } else {
                try {
                    since = Instant.parse(text);
                } catch (DateTimeParseException e) {
                    throw new BadRequestException("since", "'" + text + "' is neither a duration back from now (30m, 24h, 7d) nor an ISO-8601 UTC time like 2026-11-21T18:00:00Z");
                }
            }
        }
        int limit = DEFAULT_HISTORY_LIMIT;
        JsonNode l = root.get("limit");
        if (l != null && !l.isNull()) {
            if (!l.isIntegralNumber() || !l.canConvertToInt() || l.asInt() < 1 || l.asInt() > MAX_HISTORY_LIMIT) {
                throw new BadRequestException("limit", "must be a whole number from 1 to " + MAX_HISTORY_LIMIT + ", but found " + l);
            }
            limit = l.asInt();
        }
        return new ManualRequest.History(optionalText(root, "route"), since, limit, by);
    }

    private static ManualRequest failover(JsonNode root, String by) {
        String route = optionalText(root, "route");
        String target = optionalText(root, "target");
        if ((route == null) == (target == null)) {
            throw new BadRequestException(route == null ? "route" : "target",
                    "give exactly one of 'route' (move one route) or 'target' (move every route off that target)");
        }
        if (target != null && root.has("routeTableIds")) {
            throw new BadRequestException("routeTableIds", "only applies with 'route'");
        }
        return new ManualRequest.Failover(route, routeTables(root), target, optionalText(root, "to"), bool(root, "force"),
                optionalText(root, "reason"), bool(root, "dryRun"), by);
    }

    private static ManualRequest pin(JsonNode root, Instant now, String by) {
        String route = requiredText(root, "route");
        String to = requiredText(root, "target");
        boolean hasFor = root.has("for");
        boolean hasUntil = root.has("until");
        if (hasFor == hasUntil) {
            throw new BadRequestException("for", "give exactly one of 'for' (a duration like 30m, 2h) or 'until' (an ISO-8601 time); pins always expire");
        }
        Instant expires;
        Duration requested;
        if (hasFor) {
            requested = duration(requiredText(root, "for"), "for");
            expires = now.plus(requested);
        } else {
            String until = requiredText(root, "until");
            try {
                expires = Instant.parse(until);
            } catch (DateTimeParseException e) {
                throw new BadRequestException("until", "'" + until + "' is not an ISO-8601 UTC time like 2026-11-21T18:00:00Z");
            }
            requested = Duration.between(now, expires);
            if (!expires.isAfter(now)) {
                throw new BadRequestException("until", until + " is in the past");
            }
        }
        if (requested.compareTo(MAX_PIN) > 0) {
            throw new BadRequestException(hasFor ? "for" : "until", "pins last at most 7 days; drain the target instead for longer maintenance");
        }
        return new ManualRequest.Pin(route, routeTables(root), to, expires, requested, bool(root, "force"), optionalText(root, "reason"), by);
    }

    static Duration duration(String text, String field) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new BadRequestException(field, "'" + text + "' is not a duration; use a number and a unit: 500ms, 30s, 15m, 2h, 1d");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        if (d.isZero()) {
            throw new BadRequestException(field, "must be longer than zero");
        }
        return d;
    }

    /** Optional list of route table ids; empty means every table the route selects. */
    private static List<String> routeTables(JsonNode root) {
        JsonNode v = root.get("routeTableIds");
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray() || v.isEmpty()) {
            throw new BadRequestException("routeTableIds", "must be a non-empty list of route table ids like [\"rtb-0123456789abcdef0\"]; leave it out for every table the route selects");
        }
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isTextual() || !ROUTE_TABLE.matcher(n.asText()).matches()) {
                throw new BadRequestException("routeTableIds", "'" + n.asText() + "' is not a route table id (rtb- followed by 8 or 17 hex digits)");
            }
            ids.add(n.asText());
        }
        return List.copyOf(ids);
    }

    private static String requiredText(JsonNode root, String field) {
        String v = optionalText(root, field);
        if (v == null) {
            throw new BadRequestException(field, "missing");
        }
        return v;
    }

    private static String optionalText(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isBlank()) {
            throw new BadRequestException(field, "must be a non-empty string");
        }
        return v.asText().trim();
    }

    private static boolean bool(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            throw new BadRequestException(field, "must be true or false (JSON boolean, not a string)");
        }
        return v.asBoolean();
    }

    private static String actions() {
        return "status, plan, failover, drain, undrain, pin, unpin, register, deregister";
    }
}
