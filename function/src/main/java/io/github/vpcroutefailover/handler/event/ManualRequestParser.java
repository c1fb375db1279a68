package io.github.vpcroutefailover.handler.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Parses manual invoke JSON strictly: unknown actions and unknown fields are refused, so a typo such as
 * {@code "froce": true} can never silently turn into an unforced failover. The JSON itself comes from
 * {@link StrictJson} (no duplicate keys, no trailing content); every text field goes through {@link InputPolicy}
 * (refused, never trimmed or stripped; bounded).
 */
public final class ManualRequestParser {
    /** Longest pin we accept: a forgotten pin must not outlive the incident by months. */
    static final Duration MAX_PIN = Duration.ofDays(7);
    private static final Pattern ROUTE_TABLE = Pattern.compile("rtb-[0-9a-f]{8}([0-9a-f]{9})?");

    /** History without {@code since}: the last day, what an operator looks at first. */
    static final Duration DEFAULT_HISTORY_WINDOW = Duration.ofHours(24);
    static final Duration MAX_HISTORY_WINDOW = Duration.ofDays(366);
    static final int DEFAULT_HISTORY_LIMIT = 100;
    static final int MAX_HISTORY_LIMIT = 1000;

    /** A drill's verification window: the probe needs a few rounds; the controller Lambda times out after 60 s. */
    static final Duration DEFAULT_DRILL_WINDOW = Duration.ofSeconds(30);
    static final Duration MAX_DRILL_WINDOW = Duration.ofSeconds(40);

    private static final Map<String, Set<String>> FIELDS = Map.ofEntries(
            Map.entry("status", Set.of("route", "requestedBy")),
            Map.entry("plan", Set.of("route", "requestedBy")),
            Map.entry("history", Set.of("route", "since", "limit", "requestedBy")),
            Map.entry("failover", Set.of("route", "routeTableIds", "target", "to", "force", "reason", "dryRun", "requestedBy")),
            Map.entry("drain", Set.of("target", "reason", "dryRun", "requestedBy")),
            Map.entry("undrain", Set.of("target", "reason", "requestedBy")),
            Map.entry("pin", Set.of("route", "routeTableIds", "target", "for", "until", "force", "reason", "requestedBy")),
            Map.entry("unpin", Set.of("route", "routeTableIds", "requestedBy")),
            Map.entry("register", Set.of("route", "requestedBy")),
            Map.entry("deregister", Set.of("route", "requestedBy")),
            Map.entry("drill", Set.of("route", "window", "dryRun", "requestedBy")));

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
            throw new BadRequestException("action", "unknown action " + InputPolicy.quote(action) + "; one of " + actions());
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("action") && !allowed.contains(f)) {
                throw new BadRequestException(InputPolicy.key(f), "not a field of '" + action + "'; allowed: "
                        + (allowed.isEmpty() ? "none" : List.copyOf(new java.util.TreeSet<>(allowed))));
            }
        }
        String by = note(root, "requestedBy", InputPolicy.MAX_REQUESTED_BY_CHARS);
        return switch (action) {
            case "status" -> new ManualRequest.Status(optionalName(root, "route"), by);
            case "plan" -> new ManualRequest.Plan(optionalName(root, "route"), by);
            case "history" -> history(root, now, by);
            case "failover" -> failover(root, by);
            case "drain" -> new ManualRequest.Drain(requiredName(root, "target"), reason(root), bool(root, "dryRun"), by);
            case "undrain" -> new ManualRequest.Undrain(requiredName(root, "target"), reason(root), by);
            case "pin" -> pin(root, now, by);
            case "unpin" -> new ManualRequest.Unpin(requiredName(root, "route"), routeTables(root), by);
            case "register" -> {
                JsonNode spec = root.get("route");
                if (spec == null || !spec.isObject()) {
                    throw new BadRequestException("route", "missing; expected a route object {name, destination, routeTables, targets, ...} as in the config file");
                }
                registeredRoute(spec);
                yield new ManualRequest.Register(spec, by);
            }
            case "deregister" -> new ManualRequest.Deregister(requiredName(root, "route"), by);
            case "drill" -> new ManualRequest.Drill(requiredName(root, "route"), root.has("window")
                    ? InputPolicy.duration("window", requiredText(root, "window"), MAX_DRILL_WINDOW) : DEFAULT_DRILL_WINDOW,
                    bool(root, "dryRun"), by);
            default -> throw new IllegalStateException(action);
        };
    }

    private static ManualRequest history(JsonNode root, Instant now, String by) {
        Instant since = now.minus(DEFAULT_HISTORY_WINDOW);
        String text = optionalText(root, "since");
        if (text != null) {
            InputPolicy.requireClean("since", text, InputPolicy.MAX_TIME_CHARS);
            if (text.contains("T")) {
                try {
                    since = Instant.parse(text);
                } catch (DateTimeParseException e) {
                    throw new BadRequestException("since", InputPolicy.quote(text) + " is neither a duration back from now (30m, 24h, 7d) nor an ISO-8601 UTC time like 2026-11-21T18:00:00Z");
                }
            } else {
                // Bounded before any arithmetic, like pin durations; history is kept at most a year.
                since = now.minus(InputPolicy.duration("since", text, MAX_HISTORY_WINDOW));
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
        return new ManualRequest.History(optionalName(root, "route"), since, limit, by);
    }

    private static ManualRequest failover(JsonNode root, String by) {
        String route = optionalName(root, "route");
        String target = optionalName(root, "target");
        if ((route == null) == (target == null)) {
            throw new BadRequestException(route == null ? "route" : "target",
                    "give exactly one of 'route' (move one route) or 'target' (move every route off that target)");
        }
        if (target != null && root.has("routeTableIds")) {
            throw new BadRequestException("routeTableIds", "only applies with 'route'");
        }
        return new ManualRequest.Failover(route, routeTables(root), target, optionalName(root, "to"), bool(root, "force"),
                reason(root), bool(root, "dryRun"), by);
    }

    private static ManualRequest pin(JsonNode root, Instant now, String by) {
        String route = requiredName(root, "route");
        String to = requiredName(root, "target");
        boolean hasFor = root.has("for");
        boolean hasUntil = root.has("until");
        if (hasFor == hasUntil) {
            throw new BadRequestException("for", "give exactly one of 'for' (a duration like 30m, 2h) or 'until' (an ISO-8601 time); pins always expire");
        }
        Instant expires;
        Duration requested;
        if (hasFor) {
            // Bounded before any arithmetic: "99999999999999999999d" is refused, it cannot overflow.
            requested = InputPolicy.duration("for", requiredText(root, "for"), MAX_PIN);
            expires = now.plus(requested);
        } else {
            String until = requiredText(root, "until");
            InputPolicy.requireClean("until", until, InputPolicy.MAX_TIME_CHARS);
            try {
                expires = Instant.parse(until);
            } catch (DateTimeParseException e) {
                throw new BadRequestException("until", InputPolicy.quote(until) + " is not an ISO-8601 UTC time like 2026-11-21T18:00:00Z");
            }
            requested = Duration.between(now, expires);
            if (!expires.isAfter(now)) {
                throw new BadRequestException("until", until + " is in the past");
            }
        }
        if (requested.compareTo(MAX_PIN) > 0) {
            throw new BadRequestException(hasFor ? "for" : "until", "pins last at most 7 days; drain the target instead for longer maintenance");
        }
        return new ManualRequest.Pin(route, routeTables(root), to, expires, requested, bool(root, "force"), reason(root), by);
    }

    /**
     * The route object of {@code register}: bounded in size (it is stored whole in one DynamoDB item), and every key
     * and string in it follows the text policy, so no control character reaches the stored route or the logs.
     * Its meaning is validated afterwards exactly like a route in the config file.
     */
    private static void registeredRoute(JsonNode spec) {
        int bytes = spec.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (bytes > InputPolicy.MAX_REGISTERED_ROUTE_BYTES) {
            throw new BadRequestException("route", "is " + bytes + " bytes as JSON; at most " + InputPolicy.MAX_REGISTERED_ROUTE_BYTES
                    + " are accepted (a route with many selectors is a few hundred bytes)");
        }
        cleanStrings(spec, "route");
    }

    private static void cleanStrings(JsonNode n, String path) {
        if (n.isObject()) {
            for (Iterator<java.util.Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                java.util.Map.Entry<String, JsonNode> e = it.next();
                String child = path + "." + InputPolicy.key(e.getKey());
                InputPolicy.requireClean(child, e.getKey(), StrictJson.MAX_KEY_CHARS);
                cleanStrings(e.getValue(), child);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                cleanStrings(n.get(i), path + "[" + i + "]");
            }
        } else if (n.isTextual()) {
            InputPolicy.requireClean(path, n.asText(), InputPolicy.MAX_REGISTERED_ROUTE_BYTES);
        }
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
        if (v.size() > InputPolicy.MAX_ROUTE_TABLE_IDS) {
            throw new BadRequestException("routeTableIds", "lists " + v.size() + " ids; at most " + InputPolicy.MAX_ROUTE_TABLE_IDS
                    + " (a VPC's route table quota); leave it out for every table the route selects");
        }
        List<String> ids = new java.util.ArrayList<>();
        for (JsonNode n : v) {
            if (!n.isTextual() || !ROUTE_TABLE.matcher(n.asText()).matches()) {
                throw new BadRequestException("routeTableIds", (n.isTextual() ? InputPolicy.quote(n.asText()) : StrictJson.kind(n))
                        + " is not a route table id (rtb- followed by 8 or 17 hex digits)");
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

    /** The raw string, exactly as sent: nothing trimmed (the policy refuses surrounding blanks instead). */
    private static String optionalText(JsonNode root, String field) {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().isEmpty()) {
            throw new BadRequestException(field, "must be a non-empty string" + (v.isTextual() ? "" : ", not " + StrictJson.kind(v)));
        }
        return v.asText();
    }

    /** A route or target name: the config's naming rule. */
    private static String optionalName(JsonNode root, String field) {
        String v = optionalText(root, field);
        return v == null ? null : InputPolicy.name(field, v);
    }

    private static String requiredName(JsonNode root, String field) {
        return InputPolicy.name(field, requiredText(root, field));
    }

    private static String note(JsonNode root, String field, int maxChars) {
        String v = optionalText(root, field);
        return v == null ? null : InputPolicy.note(field, v, maxChars);
    }

    private static String reason(JsonNode root) {
        return note(root, "reason", InputPolicy.MAX_REASON_CHARS);
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
        return "status, plan, failover, drain, undrain, pin, unpin, register, deregister, drill";
    }
}
