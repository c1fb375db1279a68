package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Human output for a terminal: aligned tables and diff-style plans. JSON output is the handler's answer as is. */
final class Render {
    private Render() {
    }

    /** A plain aligned table; control characters in values are escaped so a hostile reason cannot drive the terminal. */
    static void table(PrintStream out, List<String> header, List<List<String>> rows) {
        int[] w = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        for (List<String> r : rows) {
            all.add(r.stream().map(Render::clean).toList());
        }
        for (List<String> r : all) {
            for (int i = 0; i < w.length; i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        for (List<String> r : all) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < w.length; i++) {
                String v = r.get(i);
                b.append(v);
                if (i < w.length - 1) {
                    b.append(" ".repeat(w[i] - v.length() + 2));
                }
            }
            out.println(b.toString().stripTrailing());
        }
    }

    static String clean(String s) {
        if (s == null) {
            return "-";
        }
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (Character.isISOControl(c) || c == 0x2028 || c == 0x2029 || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        return b.toString();
    }

    static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
    }

    /** A next hop as the operator names it: the config target, else the EC2 id. */
    static String hop(JsonNode h) {
        if (h == null || h.isNull()) {
            return "-";
        }
        if (h.isTextual()) {
            return h.asText();
        }
        String t = text(h, "target");
        return t != null ? t : text(h, "id");
    }

    static void status(PrintStream out, JsonNode answer) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode r : answer.path("routes")) {
            StringBuilder candidates = new StringBuilder();
            List<String> drained = new ArrayList<>();
            for (JsonNode c : r.path("candidates")) {
                if (!candidates.isEmpty()) {
                    candidates.append(' ');
                }
                candidates.append(text(c, "target")).append(c.path("fallback").asBoolean() ? "(fallback)" : "").append(':')
                        .append(c.path("health").asText().toLowerCase(java.util.Locale.ROOT));
                if (c.path("drained").asBoolean()) {
                    drained.add(text(c, "target"));
                }
            }
            List<String> pinDrain = new ArrayList<>();
            JsonNode pin = r.get("pin");
            if (pin != null && !pin.isNull()) {
                pinDrain.add((pin.path("active").asBoolean() ? "pinned " : "expired pin ") + text(pin, "targetKey") + " until " + text(pin, "until")
                        + (pin.path("force").asBoolean() ? " (forced)" : ""));
            }
            if (!drained.isEmpty()) {
                pinDrain.add("drained " + String.join(",", drained.stream().distinct().toList()));
            }
            JsonNode last = r.get("lastChange");
            String lastChange = last == null || last.isNull() ? "-"
                    : text(last, "at") + " " + text(last, "outcome").toLowerCase(java.util.Locale.ROOT) + ": " + text(last, "reason");
            String current = hop(r.get("current")) + (r.path("blackhole").asBoolean() ? " (blackhole)" : "");
            rows.add(List.of(text(r, "route"), text(r, "routeTableId"), text(r, "destination"), orDash(text(r, "zone")), current,
                    hop(r.get("desired")), candidates.toString(), pinDrain.isEmpty() ? "-" : String.join("; ", pinDrain), lastChange));
        }
        if (rows.isEmpty()) {
            out.println("No managed routes.");
        } else {
            table(out, List.of("ROUTE", "TABLE", "DESTINATION", "AZ", "CURRENT", "DESIRED", "HEALTH", "PIN/DRAIN", "LAST CHANGE"), rows);
        }
        JsonNode registered = answer.path("registered");
        if (registered.isArray() && !registered.isEmpty()) {
            List<String> names = new ArrayList<>();
            registered.forEach(x -> names.add(text(x, "name")));
            out.println();
            out.println("Registered at run time: " + clean(String.join(", ", names)));
        }
    }

    /** Diff style: {@code +} a route appears, {@code -} it is withdrawn, {@code ~} it moves. */
    static void plan(PrintStream out, JsonNode answer) {
        JsonNode actions = answer.path("actions");
        if (actions.isEmpty()) {
            out.println("No changes: every managed route is where the planner wants it.");
        }
        for (JsonNode a : actions) {
            String from = text(a, "from");
            String to = text(a, "to");
            String sign = from == null ? "+" : to == null ? "-" : "~";
            out.println(clean(sign + " " + text(a, "route") + "  " + text(a, "routeTableId") + "  " + text(a, "destination") + "  "
                    + (from == null ? "(none)" : from) + " -> " + (to == null ? "(withdrawn)" : to + " [" + text(a, "toHop") + "]")));
            out.println(clean("    why: " + text(a, "reason")));
        }
        notes(out, answer.path("notes"));
    }

    static void history(PrintStream out, JsonNode answer) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode h : answer.path("entries")) {
            String outcome = text(h, "outcome") + (h.path("forced").asBoolean() ? " (forced)" : "");
            String error = text(h, "error");
            rows.add(List.of(text(h, "at"), text(h, "route"), text(h, "routeTableId"), orDash(text(h, "from")), orDash(text(h, "to")),
                    outcome, text(h, "by"), orDash(text(h, "reason")) + (error == null ? "" : " [error: " + error + "]")));
        }
        if (rows.isEmpty()) {
            out.println("No route changes since " + text(answer, "since") + ".");
        } else {
            table(out, List.of("AT", "ROUTE", "TABLE", "FROM", "TO", "OUTCOME", "BY", "WHY"), rows);
        }
    }

    /** Any change command: its own fields, then what the reconcile it ran did. */
    static void change(PrintStream out, JsonNode answer) {
        for (Iterator<Map.Entry<String, JsonNode>> it = answer.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (List.of("ok", "action", "caller", "reconcile").contains(e.getKey())) {
                continue;
            }
            JsonNode v = e.getValue();
            if (v.isArray() && !v.isEmpty() && v.get(0).isObject()) {
                out.println(e.getKey() + ":");
                for (JsonNode x : v) {
                    List<String> parts = new ArrayList<>();
                    x.fields().forEachRemaining(f -> parts.add(f.getKey() + "=" + (f.getValue().isObject() ? hop(f.getValue()) : f.getValue().isNull() ? "-" : f.getValue().asText())));
                    out.println(clean("  " + String.join("  ", parts)));
                }
            } else {
                out.println(clean(e.getKey() + ": " + (v.isValueNode() ? v.asText() : v.toString())));
            }
        }
        JsonNode r = answer.get("reconcile");
        if (r != null && r.isObject()) {
            List<List<String>> rows = new ArrayList<>();
            for (JsonNode c : r.path("changes")) {
                rows.add(List.of(text(c, "status"), text(c, "route"), text(c, "routeTableId"), text(c, "destination"), orDash(text(c, "to")),
                        orDash(text(c, "version")), orDash(text(c, "reason"))));
            }
            out.println();
            if (rows.isEmpty()) {
                out.println("Reconcile: no route changes" + (r.path("dryRun").asBoolean() ? " (dry run)" : "") + ".");
            } else {
                out.println("Reconcile" + (r.path("dryRun").asBoolean() ? " (dry run, nothing changed)" : "") + ":");
                table(out, List.of("STATUS", "ROUTE", "TABLE", "DESTINATION", "TO", "VERSION", "WHY"), rows);
            }
            notes(out, r.path("notes"));
        }
    }

    private static void notes(PrintStream out, JsonNode notes) {
        if (notes.isArray() && !notes.isEmpty()) {
            out.println();
            notes.forEach(n -> out.println(clean("note: " + n.asText())));
        }
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
