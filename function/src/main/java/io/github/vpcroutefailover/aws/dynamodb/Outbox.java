package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.bool;
import static io.github.vpcroutefailover.aws.dynamodb.Items.instant;
import static io.github.vpcroutefailover.aws.dynamodb.Items.n;
import static io.github.vpcroutefailover.aws.dynamodb.Items.num;
import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.Items.str;
import static io.github.vpcroutefailover.aws.dynamodb.Items.t;

import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.OwnershipStore.Unannounced;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * The outbox of Route Failover events, kept on the route's ownership record (docs/ownership-table.md, "Announce"):
 * one map attribute {@code outbox_<version>} per change recorded but not yet known to be published. On the record
 * rather than on its own item so the listing every reconcile already makes finds overdue ones at no extra call, and
 * so the settle transaction writes it without a third item.
 */
final class Outbox {
    static final String PREFIX = "outbox_";

    private Outbox() {
    }

    static String attribute(long version) {
        return PREFIX + version;
    }

    /** The attribute value of one entry (its version is in the attribute's name). */
    static AttributeValue value(Unannounced u) {
        RouteChange c = u.change();
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("due", n(u.due().toEpochMilli()));
        m.put("routeName", s(c.routeName()));
        Items.putTarget(m, "from", c.from());
        Items.putTarget(m, "to", c.to());
        if (c.fromTarget() != null) {
            m.put("fromTarget", s(c.fromTarget()));
        }
        if (c.toTarget() != null) {
            m.put("toTarget", s(c.toTarget()));
        }
        m.put("reason", s(c.reason() == null ? "" : c.reason()));
        m.put("forced", AttributeValue.fromBool(c.forced()));
        if (c.invocationId() != null) {
            m.put("invocationId", s(c.invocationId()));
        }
        m.put("at", t(c.at()));
        if (c.alert() != null) {
            // An alert's slot is not a record version: the event carries the record's version at the time.
            m.put("alert", s(c.alert()));
            m.put("recordVersion", n(c.version()));
        }
        return AttributeValue.fromM(m);
    }

    /** Every outbox entry of a record item. */
    static List<Unannounced> entries(RouteKey key, Map<String, AttributeValue> item) {
        List<Unannounced> out = new ArrayList<>();
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            if (!e.getKey().startsWith(PREFIX) || !e.getValue().hasM()) {
                continue;
            }
            long version;
            try {
                version = Long.parseLong(e.getKey().substring(PREFIX.length()));
            } catch (NumberFormatException notOurs) {
                continue;
            }
            Map<String, AttributeValue> m = e.getValue().m();
            String alert = str(m, "alert");
            RouteChange c = new RouteChange(key.routeTableId(), key.destination().toString(), str(m, "routeName"),
                    Items.target(m, "from"), str(m, "fromTarget"), Items.target(m, "to"), str(m, "toTarget"), str(m, "reason"),
                    alert == null ? version : num(m, "recordVersion", 0), bool(m, "forced"), false, str(m, "invocationId"), instant(m, "at"), alert);
            out.add(new Unannounced(key, version, c, Instant.ofEpochMilli(num(m, "due", 0))));
        }
        out.sort((a, b) -> Long.compare(a.version(), b.version()));
        return out;
    }

    /** Moves the entry's due time, conditional on it still being {@code expectedDue}; false when it is gone or moved. */
    static boolean reschedule(DynamoDbClient ddb, String table, Map<String, AttributeValue> key, Unannounced u, Instant expectedDue,
                              Instant due) {
        try {
            ddb.updateItem(r -> r.tableName(table).key(key).updateExpression("SET #o.#d = :due")
                    .conditionExpression("#o.#d = :expected")
                    .expressionAttributeNames(Map.of("#o", attribute(u.version()), "#d", "due"))
                    .expressionAttributeValues(Map.of(":due", n(due.toEpochMilli()), ":expected", n(expectedDue.toEpochMilli()))));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    /** Removes the entry; already gone is fine (a concurrent re-sender removed it). */
    static void remove(DynamoDbClient ddb, String table, Map<String, AttributeValue> key, Unannounced u) {
        try {
            ddb.updateItem(r -> r.tableName(table).key(key).updateExpression("REMOVE #o").conditionExpression("attribute_exists(#o)")
                    .expressionAttributeNames(Map.of("#o", attribute(u.version()))));
        } catch (ConditionalCheckFailedException alreadyGone) {
            // announced by someone else meanwhile
        }
    }

    /** TransactWriteItems takes at most 100 actions, and at most one per item. */
    static final int MAX_TRANSACTION_ITEMS = 100;

    /**
     * Removes several published entries in one TransactWriteItems per 100 records (one action per record, all of its
     * entries in one REMOVE), so announcing the changes of n tables costs one write, not n (issue #17's per-table budget).
     * No entry is conditional: removing an absent attribute is a no-op, and a concurrent re-sender's removal is fine.
     * The only condition is that the record still exists (the REMOVE would otherwise create an empty item); a cancelled
     * transaction (a record deregistered meanwhile, a conflicting write) falls back to one removal per entry.
     */
    static void removeAll(DynamoDbClient ddb, String table, Function<RouteKey, Map<String, AttributeValue>> keyOf, List<Unannounced> entries) {
        Map<RouteKey, List<Unannounced>> byRecord = new LinkedHashMap<>();
        entries.forEach(u -> byRecord.computeIfAbsent(u.key(), k -> new ArrayList<>()).add(u));
        List<RouteKey> records = new ArrayList<>(byRecord.keySet());
        for (int from = 0; from < records.size(); from += MAX_TRANSACTION_ITEMS) {
            List<RouteKey> chunk = records.subList(from, Math.min(records.size(), from + MAX_TRANSACTION_ITEMS));
            if (chunk.size() == 1) {
                byRecord.get(chunk.get(0)).forEach(u -> remove(ddb, table, keyOf.apply(u.key()), u));
                continue;
            }
            List<TransactWriteItem> actions = new ArrayList<>();
            for (RouteKey key : chunk) {
                Map<String, String> names = new HashMap<>();
                names.put("#pk", OwnershipTable.PK);
                List<String> removes = new ArrayList<>();
                List<Unannounced> of = byRecord.get(key);
                for (int i = 0; i < of.size(); i++) {
                    names.put("#o" + i, attribute(of.get(i).version()));
                    removes.add("#o" + i);
                }
                actions.add(TransactWriteItem.builder().update(u -> u.tableName(table).key(keyOf.apply(key))
                        .updateExpression("REMOVE " + String.join(", ", removes)).conditionExpression("attribute_exists(#pk)")
                        .expressionAttributeNames(names)).build());
            }
            try {
                ddb.transactWriteItems(r -> r.transactItems(actions));
            } catch (TransactionCanceledException cancelled) {
                chunk.forEach(key -> byRecord.get(key).forEach(u -> remove(ddb, table, keyOf.apply(u.key()), u)));
            }
        }
    }
}
