package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.bool;
import static io.github.vpcroutefailover.aws.dynamodb.Items.instant;
import static io.github.vpcroutefailover.aws.dynamodb.Items.n;
import static io.github.vpcroutefailover.aws.dynamodb.Items.num;
import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.Items.str;
import static io.github.vpcroutefailover.aws.dynamodb.Items.t;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.EXPIRES_AT;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.HISTORY_SK_PREFIX;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.ROUTE_PREFIX;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.STATE_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.TYPE_ROUTE;

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
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** {@link OwnershipStore} in the single table (docs/ownership-table.md). */
public final class DynamoDbOwnershipStore implements OwnershipStore {
    public static final Duration DEFAULT_HISTORY_RETENTION = Duration.ofDays(90);
    private static final int BATCH_GET_MAX = 100;
    private static final int UNPROCESSED_RETRIES = 5;

    private final DynamoDbClient ddb;
    private final String table;
    private final Duration historyRetention;

    public DynamoDbOwnershipStore(DynamoDbClient ddb, String table, Duration historyRetention) {
        this.ddb = Objects.requireNonNull(ddb, "ddb");
        this.table = Objects.requireNonNull(table, "table");
        if (historyRetention.isNegative() || historyRetention.isZero()) {
            throw new IllegalArgumentException("history retention must be positive, was " + historyRetention);
        }
        this.historyRetention = historyRetention;
    }

    public DynamoDbOwnershipStore(DynamoDbClient ddb, String table) {
        this(ddb, table, DEFAULT_HISTORY_RETENTION);
    }

    static String pk(RouteKey key) {
        return ROUTE_PREFIX + key.id();
    }

    private static Map<String, AttributeValue> stateKey(RouteKey key) {
        return Map.of(PK, s(pk(key)), SK, s(STATE_SK));
    }

    @Override
    public Map<RouteKey, Ownership> loadAll() {
        Map<RouteKey, Ownership> out = new LinkedHashMap<>();
        // The sparse listing index: one page per ~1 MB of route records, independent of how much history exists.
        ddb.queryPaginator(r -> r.tableName(table).indexName(GSI1)
                        .keyConditionExpression("#g = :t")
                        .expressionAttributeNames(Map.of("#g", GSI1_PK))
                        .expressionAttributeValues(Map.of(":t", s(TYPE_ROUTE))))
                .items().forEach(item -> {
                    Ownership o = ownership(item);
                    out.put(o.key(), o);
                });
        return out;
    }

    @Override
    public Map<RouteKey, Ownership> load(Collection<RouteKey> keys) {
        Map<RouteKey, Ownership> out = new LinkedHashMap<>();
        List<RouteKey> distinct = keys.stream().distinct().toList();
        for (int i = 0; i < distinct.size(); i += BATCH_GET_MAX) {
            List<Map<String, AttributeValue>> batch = distinct.subList(i, Math.min(distinct.size(), i + BATCH_GET_MAX))
                    .stream().map(DynamoDbOwnershipStore::stateKey).toList();
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
        RouteKey key = claim.key();
        Map<String, String> names = new HashMap<>(Map.of("#v", "version", "#st", "status"));
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", n(claim.expectedVersion() + 1));
        values.put(":pending", s(Ownership.ClaimStatus.PENDING.name()));
        values.put(":at", t(claim.at()));
        values.put(":by", s(claim.by()));
        values.put(":reason", s(claim.reason()));
        values.put(":rn", s(claim.routeName()));
        values.put(":rtb", s(key.routeTableId()));
        values.put(":dest", s(key.destination().value()));
        values.put(":type", s(TYPE_ROUTE));
        values.put(":pk", s(pk(key)));
        StringBuilder set = new StringBuilder("SET #v = :next, #st = :pending, updatedAt = :at, updatedBy = :by, reason = :reason, "
                + "routeName = :rn, routeTableId = :rtb, destination = :dest, " + GSI1_PK + " = :type, " + GSI1_SK + " = :pk");
        String remove = "";
        if (claim.to() != null) {
            set.append(", targetKind = :tk, targetId = :tid");
            values.put(":tk", s(claim.to().kind().name()));
            values.put(":tid", s(claim.to().id()));
            if (claim.to().instanceId() != null) {
                set.append(", targetInstanceId = :tiid");
                values.put(":tiid", s(claim.to().instanceId()));
            } else {
                remove = " REMOVE targetInstanceId";
            }
        } else {
            remove = " REMOVE targetKind, targetId, targetInstanceId";
        }
        String condition;
        if (claim.expectedVersion() == 0) {
            condition = "attribute_not_exists(" + PK + ")";
        } else {
            condition = "#v = :expected";
            values.put(":expected", n(claim.expectedVersion()));
        }
        return update(key, claim.expectedVersion(), "claim", UpdateItemRequest.builder().tableName(table).key(stateKey(key))
                .updateExpression(set + remove).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW).build());
    }

    @Override
    public Ownership markApplied(RouteKey key, long version, Instant at) {
        return update(key, version, "mark-applied", UpdateItemRequest.builder().tableName(table).key(stateKey(key))
                .updateExpression("SET #st = :applied, appliedAt = :at")
                .conditionExpression("#v = :v AND #st = :pending")
                .expressionAttributeNames(Map.of("#v", "version", "#st", "status"))
                .expressionAttributeValues(Map.of(":applied", s(Ownership.ClaimStatus.APPLIED.name()),
                        ":pending", s(Ownership.ClaimStatus.PENDING.name()), ":at", t(at), ":v", n(version)))
                .returnValues(ReturnValue.ALL_NEW).build());
    }

    @Override
    public Ownership setPin(RouteKey key, String routeName, long expectedVersion, Ownership.Pin pin, String by, Instant at) {
        Map<String, String> names = Map.of("#v", "version", "#st", "status");
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":next", n(expectedVersion + 1));
        values.put(":at", t(at));
        values.put(":by", s(by));
        values.put(":rn", s(routeName));
        values.put(":rtb", s(key.routeTableId()));
        values.put(":dest", s(key.destination().value()));
        values.put(":type", s(TYPE_ROUTE));
        values.put(":pk", s(pk(key)));
        // A record created by a pin has changed no route yet: it is not a pending claim.
        values.put(":applied", s(Ownership.ClaimStatus.APPLIED.name()));
        String set = "SET #v = :next, updatedAt = :at, updatedBy = :by, routeName = :rn, routeTableId = :rtb, destination = :dest, "
                + GSI1_PK + " = :type, " + GSI1_SK + " = :pk, #st = if_not_exists(#st, :applied)";
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
        return update(key, expectedVersion, pin == null ? "unpin" : "pin", UpdateItemRequest.builder().tableName(table)
                .key(stateKey(key)).updateExpression(expression).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW).build());
    }

    private Ownership update(RouteKey key, long expectedVersion, String what, UpdateItemRequest request) {
        try {
            return ownership(ddb.updateItem(request).attributes());
        } catch (ConditionalCheckFailedException e) {
            throw new ClaimLostException(key, expectedVersion, what);
        }
    }

    @Override
    public void appendHistory(HistoryEntry e) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(pk(e.key())));
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
        item.put(EXPIRES_AT, n(e.at().plus(historyRetention).getEpochSecond()));
        ddb.putItem(r -> r.tableName(table).item(item));
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
                    HistoryEntry.Outcome.valueOf(str(item, "outcome")), str(item, "error")));
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
        RouteKey key = RouteKey.parse(str(item, PK).substring(ROUTE_PREFIX.length()));
        Ownership.Pin pin = null;
        if (item.containsKey("pinTarget")) {
            pin = new Ownership.Pin(str(item, "pinTarget"), instant(item, "pinExpiresAt"), bool(item, "pinForce"),
                    str(item, "pinBy"), str(item, "pinReason"));
        }
        return new Ownership(key, str(item, "routeName"), Items.target(item, "target"), num(item, "version", 0),
                Ownership.ClaimStatus.valueOf(str(item, "status")), instant(item, "updatedAt"), str(item, "updatedBy"),
                str(item, "reason"), pin);
    }
}
