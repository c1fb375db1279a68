package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.bool;
import static io.github.vpcroutefailover.aws.dynamodb.Items.instant;
import static io.github.vpcroutefailover.aws.dynamodb.Items.n;
import static io.github.vpcroutefailover.aws.dynamodb.Items.num;
import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.Items.str;
import static io.github.vpcroutefailover.aws.dynamodb.Items.t;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.EXPIRES_AT;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.HISTORY_SK_PREFIX;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.ROUTE_PREFIX;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.STATE_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.TYPE_ROUTE;

import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** {@link OwnershipStore} in the single table (docs/ownership-table.md); claim and settle are {@link OwnershipClaimWrites}. */
public final class DynamoDbOwnershipStore implements OwnershipStore {
    /** When the route's correlated data-path failure alert was opened; absent while none is (docs/events.md). */
    static final String CORRELATED_SINCE = "dpCorrelatedSince";

    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbOwnershipStore.class);
    public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(90);
    private static final int BATCH_GET_MAX = 100;
    private static final int UNPROCESSED_RETRIES = 5;

    private final DynamoDbClient ddb;
    private final String table;
    private final Duration historyRetention;
    private final KeyScope scope;
    private final OwnershipClaimWrites writes;

    /** @param scope the account and region whose routes this store fences (docs/ownership-table.md "Keys") */
    public DynamoDbOwnershipStore(DynamoDbClient ddb, String table, Duration historyRetention, KeyScope scope) {
        this.ddb = Objects.requireNonNull(ddb, "ddb");
        this.table = Objects.requireNonNull(table, "table");
        if (historyRetention.isNegative() || historyRetention.isZero()) {
            throw new IllegalArgumentException("history retention must be positive, was " + historyRetention);
        }
        this.historyRetention = historyRetention;
        this.scope = Objects.requireNonNull(scope, "scope");
        this.writes = new OwnershipClaimWrites(ddb, table, historyRetention, scope);
    }

    public DynamoDbOwnershipStore(DynamoDbClient ddb, String table, Duration historyRetention) {
        this(ddb, table, historyRetention, KeyScope.HOME);
    }

    public DynamoDbOwnershipStore(DynamoDbClient ddb, String table, KeyScope scope) {
        this(ddb, table, DEFAULT_HISTORY_RETENTION, scope);
    }

    public DynamoDbOwnershipStore(DynamoDbClient ddb, String table) {
        this(ddb, table, DEFAULT_HISTORY_RETENTION, KeyScope.HOME);
    }

    static String pk(KeyScope scope, RouteKey key) {
        return ScopedKeys.key(ROUTE_PREFIX, scope, key.id());
    }

    static Map<String, AttributeValue> stateKey(KeyScope scope, RouteKey key) {
        return Map.of(PK, s(pk(scope, key)), SK, s(STATE_SK));
    }

    private String pk(RouteKey key) {
        return pk(scope, key);
    }

    @Override
    public Map<RouteKey, Ownership> loadAll() {
        return list().records();
    }

    /** The records and their outbox entries, from the same pages of the listing index (no extra call). */
    @Override
    public Listing list() {
        Map<RouteKey, Ownership> out = new LinkedHashMap<>();
        List<Unannounced> unannounced = new ArrayList<>();
        // The sparse listing index: one page per ~1 MB of this scope's route records, independent of how much history exists.
        ScopedKeys.list(ddb, table, TYPE_ROUTE, ROUTE_PREFIX, scope).forEach(item -> {
            Ownership o = ownership(item);
            out.put(o.key(), o);
            unannounced.addAll(Outbox.entries(o.key(), item));
        });
        return new Listing(out, unannounced);
    }

    @Override
    public boolean reschedule(Unannounced entry, Instant expectedDue, Instant due) {
        return Outbox.reschedule(ddb, table, stateKey(scope, entry.key()), entry, expectedDue, due);
    }

    @Override
    public void markAnnounced(Unannounced entry) {
        Outbox.remove(ddb, table, stateKey(scope, entry.key()), entry);
    }

    @Override
    public void markAnnounced(List<Unannounced> entries) {
        Outbox.removeAll(ddb, table, key -> stateKey(scope, key), entries);
    }

    @Override
    public Map<RouteKey, Ownership> load(Collection<RouteKey> keys) {
        Map<RouteKey, Ownership> out = new LinkedHashMap<>();
        List<RouteKey> distinct = keys.stream().distinct().toList();
        for (int i = 0; i < distinct.size(); i += BATCH_GET_MAX) {
            List<Map<String, AttributeValue>> batch = distinct.subList(i, Math.min(distinct.size(), i + BATCH_GET_MAX))
                    .stream().map(k -> stateKey(scope, k)).toList();
            for (Map<String, AttributeValue> item : batchGet(ddb, table, batch)) {
                Ownership o = ownership(item);
                out.put(o.key(), o);
            }
        }
        return out;
    }

    static List<Map<String, AttributeValue>> batchGet(DynamoDbClient ddb, String table, List<Map<String, AttributeValue>> keys) {
        List<Map<String, AttributeValue>> out = new ArrayList<>();
        Map<String, KeysAndAttributes> request = Map.of(table, KeysAndAttributes.builder().keys(keys).consistentRead(true).build());
        for (int attempt = 0; !request.isEmpty(); attempt++) {
            if (attempt > UNPROCESSED_RETRIES) {
                throw new IllegalStateException("DynamoDB left keys unprocessed after " + UNPROCESSED_RETRIES
                        + " retries of BatchGetItem on " + table + " (throttled?)");
            }
            Map<String, KeysAndAttributes> req = request;
            var resp = ddb.batchGetItem(r -> r.requestItems(req));
            out.addAll(resp.responses().getOrDefault(table, List.of()));
            request = resp.hasUnprocessedKeys() ? resp.unprocessedKeys() : Map.of();
        }
        return out;
    }

    @Override
    public Ownership claim(Claim claim) {
        return writes.claim(claim);
    }

    @Override
    public Ownership settle(Settlement st) {
        return writes.settle(st, true);
    }

    @Override
    public void settleWithoutReadBack(Settlement st) {
        writes.settle(st, false);
    }


    @Override
    public boolean alert(RouteKey key, String routeName, Instant since, Instant expectedSince, Unannounced event) {
        Map<String, String> names = new HashMap<>(Map.of("#o", Outbox.attribute(event.version()), "#c", CORRELATED_SINCE));
        Map<String, AttributeValue> values = new HashMap<>(Map.of(":e", Outbox.value(event)));
        String expression;
        String condition;
        if (since != null) {
            names.put("#v", "version");
            values.putAll(Map.of(":since", t(since), ":one", n(1), ":rn", s(routeName), ":rtb", s(key.routeTableId()),
                    ":dest", s(key.destination().value()), ":type", s(TYPE_ROUTE), ":pk", s(pk(key))));
            // Creates the record when the route was never claimed (the listing index must find its outbox entry).
            expression = "SET #c = :since, #o = :e, #v = if_not_exists(#v, :one), routeName = if_not_exists(routeName, :rn), "
                    + "routeTableId = :rtb, destination = :dest, " + GSI1_PK + " = :type, " + GSI1_SK + " = :pk";
            condition = "attribute_not_exists(#c)";
        } else {
            values.put(":expected", t(expectedSince));
            expression = "SET #o = :e REMOVE #c";
            condition = "#c = :expected";
        }
        try {
            ddb.updateItem(r -> r.tableName(table).key(stateKey(scope, key)).updateExpression(expression).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    @Override
    public Ownership setPin(RouteKey key, String routeName, long expectedVersion, Ownership.Pin pin, String by, Instant at) {
        Map<String, String> names = Map.of("#v", "version");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", n(expectedVersion + 1));
        values.put(":at", t(at));
        values.put(":by", s(by));
        values.put(":rn", s(routeName));
        values.put(":rtb", s(key.routeTableId()));
        values.put(":dest", s(key.destination().value()));
        values.put(":type", s(TYPE_ROUTE));
        values.put(":pk", s(pk(key)));
        // A pin is not a claim: it writes the fence (version) and its own attributes, never status, updatedAt or the
        // claim, so it neither keeps nor refreshes a PENDING claim and a record created by a pin is UNCLAIMED.
        String set = "SET #v = :next, pinUpdatedAt = :at, pinUpdatedBy = :by, routeName = :rn, routeTableId = :rtb, "
                + "destination = :dest, " + GSI1_PK + " = :type, " + GSI1_SK + " = :pk";
        String expression;
        if (pin != null) {
            values.put(":pt", s(pin.targetKey()));
            values.put(":pe", t(pin.expiresAt()));
            values.put(":pf", AttributeValue.fromBool(pin.force()));
            values.put(":pb", s(pin.by()));
            values.put(":pr", s(pin.reason() == null ? "" : pin.reason()));
            expression = set + ", pinTarget = :pt, pinExpiresAt = :pe, pinForce = :pf, pinBy = :pb, pinReason = :pr";
        } else {
            expression = set + " REMOVE pinTarget, pinExpiresAt, pinForce, pinBy, pinReason";
        }
        String condition;
        if (expectedVersion == 0) {
            condition = "attribute_not_exists(" + PK + ")";
        } else {
            condition = "#v = :expected";
            values.put(":expected", n(expectedVersion));
        }
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table)
                .key(stateKey(scope, key)).updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
        try {
            return ownership(ddb.updateItem(request).attributes());
        } catch (ConditionalCheckFailedException e) {
            throw new ClaimLostException(key, expectedVersion, pin == null ? "unpin" : "pin",
                    e.hasItem() && !e.item().isEmpty() ? ownership(e.item()) : null);
        }
    }

    static Map<String, AttributeValue> historyItem(KeyScope scope, HistoryEntry e, String settleId, Duration historyRetention) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk(scope, e.key())));
        item.put(SK, s(HISTORY_SK_PREFIX + OwnershipTable.sortable(e.at()) + "#" + String.format("%020d", e.version())));
        item.put("routeName", s(e.routeName()));
        item.put("version", n(e.version()));
        item.put("at", t(e.at()));
        item.put("by", s(e.by()));
        Items.putTarget(item, "from", e.from());
        Items.putTarget(item, "to", e.to());
        item.put("reason", s(e.reason() == null ? "" : e.reason()));
        item.put("forced", AttributeValue.fromBool(e.forced()));
        item.put("outcome", s(e.outcome().name()));
        if (e.error() != null) {
            item.put("error", s(e.error()));
        }
        if (e.recordedBy() != null) {
            item.put("recordedBy", s(e.recordedBy()));
        }
        if (settleId != null) {
            item.put("settleId", s(settleId));
        }
        item.put(EXPIRES_AT, n(e.at().plus(historyRetention).getEpochSecond()));
        return item;
    }

    /**
     * Writes a history entry on its own, outside the protocol. Only for tests and imports: the reconciler writes
     * history exclusively through {@link #settle}, in the same transaction as the record.
     */
    public void appendHistory(HistoryEntry e) {
        ddb.putItem(r -> r.tableName(table).item(historyItem(scope, e, null, historyRetention)));
    }

    @Override
    public List<HistoryEntry> history(RouteKey key, int limit) {
        return query(key, "#pk = :pk AND begins_with(#sk, :h)", Map.of(":pk", s(pk(key)), ":h", s(HISTORY_SK_PREFIX)), limit);
    }

    /** The sort key starts with the fixed-width time, so "since" is a key condition: older items are never read. */
    @Override
    public List<HistoryEntry> history(RouteKey key, Instant since, int limit) {
        return query(key, "#pk = :pk AND #sk BETWEEN :from AND :to", Map.of(":pk", s(pk(key)),
                ":from", s(HISTORY_SK_PREFIX + OwnershipTable.sortable(since)), ":to", s(HISTORY_SK_PREFIX + "~")), limit);
    }

    private List<HistoryEntry> query(RouteKey key, String condition, Map<String, AttributeValue> values, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<HistoryEntry> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : ddb.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression(condition)
                        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                        .expressionAttributeValues(values)
                        .scanIndexForward(false).limit(Math.min(limit, 100)))
                .items()) {
            out.add(new HistoryEntry(key, str(item, "routeName"), num(item, "version", 0), instant(item, "at"), str(item, "by"),
                    Items.target(item, "from"), Items.target(item, "to"), str(item, "reason"), bool(item, "forced"),
                    HistoryEntry.Outcome.valueOf(str(item, "outcome")), str(item, "error"), str(item, "recordedBy")));
            if (out.size() >= limit) {
                break;
            }
        }
        return out;
    }

    /** The expiry written on history items of a change made at {@code at}. */
    public Instant historyExpiry(Instant at) {
        return at.plus(historyRetention);
    }

    static Ownership ownership(Map<String, AttributeValue> item) {
        RouteKey key = RouteKey.parse(KeyScope.unscopedAny(str(item, PK).substring(ROUTE_PREFIX.length())));
        Ownership.Pin pin = null;
        if (item.containsKey("pinTarget")) {
            pin = new Ownership.Pin(str(item, "pinTarget"), instant(item, "pinExpiresAt"), bool(item, "pinForce"),
                    str(item, "pinBy"), str(item, "pinReason"));
        }
        String status = str(item, "status");
        Ownership.Claim claim = null;
        if (item.containsKey("claimVersion") || item.containsKey("claimId")) {
            claim = new Ownership.Claim(num(item, "claimVersion", 0), str(item, "claimId"), instant(item, "claimDeadline"),
                    Items.target(item, "from"), str(item, "settledBy"), str(item, "settleId"));
        } else if (status != null) {
            // Written before claims carried details: the claim is the version itself.
            claim = new Ownership.Claim(num(item, "version", 0), null, null, null, null, null);
        }
        return new Ownership(key, str(item, "routeName"), Items.target(item, "target"), num(item, "version", 0),
                status == null ? Ownership.ClaimStatus.NONE : Ownership.ClaimStatus.valueOf(status), instant(item, "updatedAt"),
                str(item, "updatedBy"), str(item, "reason"), pin, claim, instant(item, CORRELATED_SINCE));
    }
}
