package io.github.vpcroutefailover.handler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Turns a valid payload into a hostile one, deterministically for a given {@link Random}: wrong types, missing,
 * unknown and duplicated fields, control characters, huge and unusual Unicode strings, deep nesting, trailing data
 * and truncation. Duplicated keys cannot live in a Jackson tree, so the text is written by hand here.
 */
final class JsonMutator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A mutated payload and what was done to it (for the failure report). */
    record Mutant(String seed, byte[] payload, List<String> steps) {
        @Override
        public String toString() {
            String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
            return seed + " " + steps + " (" + payload.length + " bytes): "
                    + io.github.vpcroutefailover.handler.event.InputPolicy.escape(text, 300);
        }
    }

    private static final String[] HOSTILE_CHARS = {"\u0000", "\u0001", "\t", "\n", "\r", "\u001b[31m", "\u007f", "\u0085", "\u009b",
            "\u200b", "\u200e", "\u202e", "\u2066", "\u2028", "\u2029", "\ufeff", "\ufffe", "\uffff", "\ud800", "\udfff"};
    private static final String[] UNICODE = {"é", "日本語", "\ud83d\ude80", "e\u0301", "\u0130", "ß", "\u00a0", "\u3000", "Ａ", "ﬁ"};
    private static final String[] TRAILING = {" {\"action\":\"drain\",\"target\":\"nat-a\"}", "]", "}", "x", "{}", " 1", ",", "\u0000",
            " /* comment */", "\n{\"action\":\"status\"}"};
    private static final String[] KEYS = {"action", "route", "target", "to", "force", "dryRun", "reason", "requestedBy", "for", "until",
            "routeTableIds", "detail", "detail-type", "source", "id", "time", "state", "instance-id", "alarmName", "__proto__",
            "constructor", "", "Action", "ROUTE", "force ", "froce"};

    /** Trees are kept this shallow; deeper nesting is a text marker expanded by {@link #write}. */
    private static final int MAX_TREE_DEPTH = 64;
    private static final String DEEP = "\u0000deep:";

    private final Random random;
    private final List<String> steps = new ArrayList<>();

    private JsonMutator(Random random) {
        this.random = random;
    }

    static Mutant mutate(String seedName, ObjectNode seed, Random random) {
        return new JsonMutator(random).apply(seedName, seed.deepCopy());
    }

    private Mutant apply(String seedName, ObjectNode root) {
        int treeOps = 1 + random.nextInt(3);
        JsonNode current = root;
        for (int i = 0; i < treeOps; i++) {
            current = treeOp(current);
        }
        Map<JsonNode, String[]> duplicates = new IdentityHashMap<>();
        if (random.nextInt(4) == 0 && current.isObject()) {
            addDuplicate(current, duplicates);
        }
        String text = write(current, duplicates);
        int textOp = random.nextInt(10);
        if (textOp == 0) {
            String t = TRAILING[random.nextInt(TRAILING.length)];
            steps.add("trailing " + io.github.vpcroutefailover.handler.event.InputPolicy.quote(t));
            text = text + t;
        } else if (textOp == 1 && text.length() > 2) {
            int cut = 1 + random.nextInt(text.length() - 1);
            steps.add("truncate at " + cut);
            text = text.substring(0, cut);
        }
        return new Mutant(seedName, text.getBytes(java.nio.charset.StandardCharsets.UTF_8), List.copyOf(steps));
    }

    // ---- tree operations -------------------------------------------------------------------------------------------

    /** A place a value lives: an object's key or an array's index. */
    private record Slot(JsonNode parent, String key, int index, String path) {
        JsonNode get() {
            return key != null ? parent.get(key) : parent.get(index);
        }

        void set(JsonNode v) {
            if (key != null) {
                ((ObjectNode) parent).set(key, v);
            } else {
                ((ArrayNode) parent).set(index, v);
            }
        }

        void remove() {
            if (key != null) {
                ((ObjectNode) parent).remove(key);
            } else {
                ((ArrayNode) parent).remove(index);
            }
        }
    }

    private JsonNode treeOp(JsonNode root) {
        List<Slot> slots = new ArrayList<>();
        collect(root, "", slots);
        if (slots.isEmpty() || random.nextInt(40) == 0) {
            JsonNode replaced = randomValue();
            steps.add("root -> " + kind(replaced));
            return replaced;
        }
        // Prefer string values: names, ids and reasons are where the policy bites.
        Slot s = slots.get(random.nextInt(slots.size()));
        if (random.nextBoolean()) {
            List<Slot> strings = slots.stream().filter(x -> x.get().isTextual()).toList();
            if (!strings.isEmpty()) {
                s = strings.get(random.nextInt(strings.size()));
            }
        }
        switch (random.nextInt(7)) {
            case 0 -> {
                steps.add("remove " + s.path());
                s.remove();
            }
            case 1 -> {
                JsonNode v = randomValue();
                steps.add(s.path() + " -> " + kind(v));
                s.set(v);
            }
            case 2 -> {
                String v = hostileString(s.get());
                steps.add(s.path() + " -> hostile string (" + v.length() + " chars)");
                s.set(TextNode.valueOf(v));
            }
            case 3 -> {
                int depth = new int[] {2, 10, 40, 5000}[random.nextInt(4)];
                steps.add(s.path() + " nested " + depth + " deep");
                // Deep nesting is written as text (see write): a tree that deep would overflow this class's own recursion.
                s.set(depth > MAX_TREE_DEPTH ? TextNode.valueOf(DEEP + depth) : nest(s.get(), depth));
            }
            case 4 -> {
                ObjectNode target = objectIn(root);
                if (target == null) {
                    steps.add("no object to add a key to");
                    return root;
                }
                String key = hostileKey();
                steps.add("add key " + io.github.vpcroutefailover.handler.event.InputPolicy.quote(key));
                target.set(key, random.nextBoolean() ? s.get().deepCopy() : randomValue());
            }
            case 5 -> {
                String v = unicodeString(s.get());
                steps.add(s.path() + " -> unicode " + io.github.vpcroutefailover.handler.event.InputPolicy.quote(v));
                s.set(TextNode.valueOf(v));
            }
            default -> {
                // Swap a value with another slot's: right type, wrong meaning (a route name as a target, an id as a time).
                Slot other = slots.get(random.nextInt(slots.size()));
                steps.add(s.path() + " <- value of " + other.path());
                s.set(other.get().deepCopy());
            }
        }
        return root;
    }

    private void collect(JsonNode n, String path, List<Slot> out) {
        if (path.length() > 4 * MAX_TREE_DEPTH) {
            return;
        }
        if (n.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                out.add(new Slot(n, e.getKey(), -1, p));
                collect(e.getValue(), p, out);
            }
        } else if (n.isArray()) {
            for (int i = 0; i < n.size(); i++) {
                String p = path + "[" + i + "]";
                out.add(new Slot(n, null, i, p));
                collect(n.get(i), p, out);
            }
        }
    }

    private ObjectNode objectIn(JsonNode root) {
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root, objects);
        return objects.isEmpty() ? null : objects.get(random.nextInt(objects.size()));
    }

    private static void collectObjects(JsonNode n, List<ObjectNode> out) {
        if (n.isObject()) {
            out.add((ObjectNode) n);
        }
        n.elements().forEachRemaining(c -> collectObjects(c, out));
    }

    private JsonNode randomValue() {
        return switch (random.nextInt(12)) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.booleanNode(random.nextBoolean());
            case 2 -> NODES.numberNode(new long[] {0, -1, 1, Long.MAX_VALUE, Long.MIN_VALUE}[random.nextInt(5)]);
            case 3 -> NODES.numberNode(new double[] {1.5, 1e308, -0.0, 4.9e-324}[random.nextInt(4)]);
            case 4 -> NODES.numberNode(new java.math.BigInteger("9".repeat(1 + random.nextInt(80))));
            case 5 -> NODES.arrayNode();
            case 6 -> NODES.arrayNode().add("nat-a").add(1);
            case 7 -> NODES.objectNode();
            case 8 -> NODES.objectNode().put("action", "drain").put("target", "nat-a");
            case 9 -> TextNode.valueOf("");
            case 10 -> TextNode.valueOf(new String[] {"true", "false", "null", "0", "1h", "nat-a", "default-egress", "status", "drain"}[random.nextInt(9)]);
            default -> TextNode.valueOf(hostileString(NODES.nullNode()));
        };
    }

    private String hostileString(JsonNode original) {
        String base = original != null && original.isTextual() ? original.asText() : "nat-a";
        return switch (random.nextInt(9)) {
            case 0 -> base + HOSTILE_CHARS[random.nextInt(HOSTILE_CHARS.length)];
            case 1 -> HOSTILE_CHARS[random.nextInt(HOSTILE_CHARS.length)] + base;
            case 2 -> {
                int at = base.isEmpty() ? 0 : random.nextInt(base.length());
                yield base.substring(0, at) + HOSTILE_CHARS[random.nextInt(HOSTILE_CHARS.length)] + base.substring(at);
            }
            case 3 -> (random.nextBoolean() ? " " : "\u00a0") + base + (random.nextBoolean() ? " " : "");
            case 4 -> "x".repeat(new int[] {64, 1001, 20_000, 70_000, 300_000}[random.nextInt(5)]);
            case 5 -> new String[] {"99999999999999999999d", "9223372036854775807d", "-1h", "0s", "1.5h", "8d", "PT1H",
                    "+1000000000-12-31T23:59:59Z", "2001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1h "}[random.nextInt(11)];
            case 6 -> base.toUpperCase(java.util.Locale.ROOT);
            case 7 -> "";
            default -> "\\" + base + "\"'";
        };
    }

    private String unicodeString(JsonNode original) {
        String base = original != null && original.isTextual() ? original.asText() : "nat-a";
        String u = UNICODE[random.nextInt(UNICODE.length)];
        return random.nextBoolean() ? base + u : u.repeat(1 + random.nextInt(200));
    }

    private String hostileKey() {
        return switch (random.nextInt(4)) {
            case 0 -> KEYS[random.nextInt(KEYS.length)] + HOSTILE_CHARS[random.nextInt(HOSTILE_CHARS.length)];
            case 1 -> "k".repeat(new int[] {100, 300, 5000}[random.nextInt(3)]);
            default -> KEYS[random.nextInt(KEYS.length)];
        };
    }

    private static JsonNode nest(JsonNode v, int depth) {
        JsonNode n = v == null ? NODES.nullNode() : v.deepCopy();
        for (int i = 0; i < depth; i++) {
            n = i % 2 == 0 ? NODES.arrayNode().add(n) : NODES.objectNode().set("a", n);
        }
        return n;
    }

    private void addDuplicate(JsonNode root, Map<JsonNode, String[]> duplicates) {
        List<ObjectNode> objects = new ArrayList<>();
        collectObjects(root, objects);
        List<ObjectNode> nonEmpty = objects.stream().filter(o -> !o.isEmpty()).toList();
        if (nonEmpty.isEmpty()) {
            return;
        }
        ObjectNode o = nonEmpty.get(random.nextInt(nonEmpty.size()));
        List<String> keys = new ArrayList<>();
        o.fieldNames().forEachRemaining(keys::add);
        String key = keys.get(random.nextInt(keys.size()));
        JsonNode value = random.nextBoolean() ? o.get(key) : randomValue();
        boolean before = random.nextBoolean();
        steps.add("duplicate key " + io.github.vpcroutefailover.handler.event.InputPolicy.quote(key) + (before ? " before" : " after"));
        duplicates.put(o, new String[] {key, write(value, Map.of()), before ? "before" : "after"});
    }

    private static String scalarOrTree(JsonNode v) {
        try {
            return JSON.writeValueAsString(v);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** JSON text for the tree, with one key written twice where {@code duplicates} says so (Jackson would refuse 5000 levels). */
    private static String write(JsonNode n, Map<JsonNode, String[]> duplicates) {
        StringBuilder b = new StringBuilder();
        write(n, duplicates, b);
        return b.toString();
    }

    private static void write(JsonNode n, Map<JsonNode, String[]> duplicates, StringBuilder b) {
        if (n.isObject()) {
            String[] dup = duplicates.get(n);
            b.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (dup != null && dup[0].equals(e.getKey()) && dup[2].equals("before")) {
                    first = entry(b, first, e.getKey(), dup[1]);
                }
                if (!first) {
                    b.append(',');
                }
                first = false;
                b.append(scalarOrTree(TextNode.valueOf(e.getKey()))).append(':');
                write(e.getValue(), duplicates, b);
                if (dup != null && dup[0].equals(e.getKey()) && dup[2].equals("after")) {
                    first = entry(b, first, e.getKey(), dup[1]);
                }
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    b.append(',');
                }
                write(n.get(i), duplicates, b);
            }
            b.append(']');
        } else if (n.isTextual() && n.asText().startsWith(DEEP) && n.asText().substring(DEEP.length()).matches("\\d{1,5}")) {
            int depth = Integer.parseInt(n.asText().substring(DEEP.length()));
            b.append("[".repeat(depth)).append('0').append("]".repeat(depth));
        } else {
            b.append(scalarOrTree(n));
        }
    }

    private static boolean entry(StringBuilder b, boolean first, String key, String valueJson) {
        if (!first) {
            b.append(',');
        }
        b.append(scalarOrTree(TextNode.valueOf(key))).append(':').append(valueJson);
        return false;
    }

    private static String kind(JsonNode v) {
        String s = v.toString();
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + (s.length() > 40 ? s.substring(0, 40) + "..." : s);
    }
}
