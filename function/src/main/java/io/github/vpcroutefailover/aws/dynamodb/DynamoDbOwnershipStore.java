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
import io.github.vpcroutefailover.ports.OutcomeUnknownException;
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
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/** {@link OwnershipStore} in the single table (docs/ownership-table.md). */
public final class DynamoDbOwnershipStore implements OwnershipStore {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbOwnershipStore.class);
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

    /** One strongly consistent read of a route's record, to resolve an ambiguous write. */
    private Ownership readBack(RouteKey key) {
        Map<String, AttributeValue> item = ddb.getItem(r -> r.tableName(table).key(stateKey(key)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : ownership(item);
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
        values.put(":cid", s(claim.claimId()));
        values.put(":dl", t(claim.deadline()));
        values.put(":dlms", n(claim.deadline().toEpochMilli()));
        StringBuilder set = new StringBuilder("SET #v = :next, #st = :pending, updatedAt = :at, updatedBy = :by, reason = :reason, "
                + "routeName = :rn, routeTableId = :rtb, destination = :dest, " + GSI1_PK + " = :type, " + GSI1_SK + " = :pk, "
                + "claimVersion = :next, claimId = :cid, claimDeadline = :dl, claimDeadlineMs = :dlms");
        List<String> remove = new ArrayList<>(List.of("settledBy", "settleId", "settledAt", "appliedAt"));
        if (claim.to() != null) {
            set.append(", targetKind = :tk, targetId = :tid");
            values.put(":tk", s(claim.to().kind().name()));
            values.put(":tid", s(claim.to().id()));
            if (claim.to().instanceId() != null) {
                set.append(", targetInstanceId = :tiid");
                values.put(":tiid", s(claim.to().instanceId()));
            } else {
                remove.add("targetInstanceId");
            }
        } else {
            remove.addAll(List.of("targetKind", "targetId", "targetInstanceId"));
        }
        if (claim.from() != null) {
            set.append(", fromKind = :fk, fromId = :fid");
            values.put(":fk", s(claim.from().kind().name()));
            values.put(":fid", s(claim.from().id()));
            if (claim.from().instanceId() != null) {
                set.append(", fromInstanceId = :fiid");
                values.put(":fiid", s(claim.from().instanceId()));
            } else {
                remove.add("fromInstanceId");
            }
        } else {
            remove.addAll(List.of("fromKind", "fromId", "fromInstanceId"));
        }
        String condition;
        if (claim.expectedVersion() == 0) {
            condition = "attribute_not_exists(" + PK + ")";
        } else {
            // Never over a PENDING claim, live or abandoned: an abandoned claim is repaired (settled with its
            // history) first, or its change would be in EC2 with no record of it.
            condition = "#v = :expected AND (attribute_not_exists(#st) OR #st <> :pending)";
            values.put(":expected", n(claim.expectedVersion()));
        }
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(stateKey(key))
                .updateExpression(set + " REMOVE " + String.join(", ", remove)).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
        try {
            return ownership(ddb.updateItem(request).attributes());
        } catch (ConditionalCheckFailedException e) {
            Ownership found = e.hasItem() && !e.item().isEmpty() ? ownership(e.item()) : null;
            if (ours(found, claim.claimId())) {
                // Our first attempt committed and its response was lost; the SDK's retry found our own claim.
                LOG.atInfo().addKeyValue("event", "claim-recognised").addKeyValue("key", key.id())
                        .addKeyValue("version", found.version()).log("a retried claim found its own earlier write; keeping it");
                return found;
            }
            throw new ClaimLostException(key, claim.expectedVersion(), "claim", found);
        } catch (SdkException e) {
            Ownership found;
            try {
                found = readBack(key);
            } catch (SdkException readFailed) {
                e.addSuppressed(readFailed);
                throw new OutcomeUnknownException("claim of " + key.id() + " on version " + claim.expectedVersion()
                        + " failed (" + e.getMessage() + ") and reading the record back failed too; if the claim was written,"
                        + " it is abandoned at " + claim.deadline() + " and the next reconcile after that settles it", e);
            }
            if (ours(found, claim.claimId())) {
                LOG.atInfo().addKeyValue("event", "claim-recognised").addKeyValue("key", key.id())
                        .addKeyValue("version", found.version()).log("the claim's response was lost, but the record shows our claim: " + e.getMessage());
                return found;
            }
            if (found != null && found.version() != claim.expectedVersion()) {
                throw new ClaimLostException(key, claim.expectedVersion(), "claim", found);
            }
            throw e;
        }
    }

    private static boolean ours(Ownership o, String claimId) {
        return o != null && o.claim() != null && claimId.equals(o.claim().id());
    }

    @Override
    public Ownership settle(Settlement st) {
        RouteKey key = st.key();
        if (st.status() != Ownership.ClaimStatus.APPLIED && st.status() != Ownership.ClaimStatus.FAILED
                && st.status() != Ownership.ClaimStatus.SUPERSEDED) {
            throw new IllegalArgumentException("a claim settles as APPLIED, FAILED or SUPERSEDED, not " + st.status());
        }
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":st", s(st.status().name()));
        values.put(":pending", s(Ownership.ClaimStatus.PENDING.name()));
        values.put(":cv", n(st.claimVersion()));
        values.put(":by", s(st.by()));
        values.put(":sid", s(st.settleId()));
        values.put(":at", t(st.at()));
        List<String> set = new ArrayList<>(List.of("#st = :st", "settledBy = :by", "settleId = :sid", "settledAt = :at"));
        List<String> remove = new ArrayList<>();
        if (st.status() == Ownership.ClaimStatus.APPLIED) {
            set.add("appliedAt = :at");
        }
        if (st.holds() != null) {
            set.add("targetKind = :tk");
            set.add("targetId = :tid");
            values.put(":tk", s(st.holds().kind().name()));
            values.put(":tid", s(st.holds().id()));
            if (st.holds().instanceId() != null) {
                set.add("targetInstanceId = :tiid");
                values.put(":tiid", s(st.holds().instanceId()));
            } else {
                remove.add("targetInstanceId");
            }
        } else {
            remove.addAll(List.of("targetKind", "targetId", "targetInstanceId"));
        }
        // Records claimed before claims carried details have no claimVersion: their claim is their version.
        String condition = "#st = :pending AND (claimVersion = :cv OR (attribute_not_exists(claimVersion) AND #v = :cv))";
        if (st.abandonedBefore() != null) {
            // A repair: only once the claim's writer can no longer touch EC2 (epoch millis: ISO strings of
            // Instant.toString do not compare as instants, it trims zeros).
            condition += " AND (attribute_not_exists(claimDeadlineMs) OR claimDeadlineMs <= :now)";
            values.put(":now", n(st.abandonedBefore().toEpochMilli()));
        }
        Map<String, AttributeValue> history = historyItem(st.history(), st.settleId());
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(stateKey(key))
                        .updateExpression(expression).conditionExpression(condition)
                        .expressionAttributeNames(Map.of("#st", "status", "#v", "version")).expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(history)
                        .conditionExpression("attribute_not_exists(" + PK + ")").build()).build());
        try {
            ddb.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            Ownership found = !reasons.isEmpty() && reasons.get(0).hasItem() && !reasons.get(0).item().isEmpty()
                    ? ownership(reasons.get(0).item()) : null;
            if (found == null) {
                found = tryReadBack(key);
            }
            if (settledByUs(found, st)) {
                return found;
            }
            boolean conditional = reasons.stream().anyMatch(r -> "ConditionalCheckFailed".equals(r.code()));
            if (conditional) {
                throw new ClaimLostException(key, st.claimVersion(), "settle (" + st.status() + ")", found);
            }
            throw e;
        } catch (SdkException e) {
            Ownership found;
            try {
                found = readBack(key);
            } catch (SdkException readFailed) {
                e.addSuppressed(readFailed);
                throw new OutcomeUnknownException("settling " + key.id() + " claim " + st.claimVersion() + " as " + st.status()
                        + " failed (" + e.getMessage() + ") and reading the record back failed too", e);
            }
            if (settledByUs(found, st)) {
                return found;
            }
            throw e;
        }
        return readBackOrBuild(key, st);
    }

    private Ownership tryReadBack(RouteKey key) {
        try {
            return readBack(key);
        } catch (SdkException e) {
            return null;
        }
    }

    private static boolean settledByUs(Ownership o, Settlement st) {
        return o != null && o.status() == st.status() && o.claim() != null && o.claim().version() == st.claimVersion()
                && st.settleId().equals(o.claim().settleId());
    }

    /**
     * TransactWriteItems returns no attributes; the caller needs the settled record (its version may have been raised
     * by a pin meanwhile), so read it. Should that read fail, the write itself succeeded: build the record from what
     * we know rather than report a failure that did not happen.
     */
    private Ownership readBackOrBuild(RouteKey key, Settlement st) {
        Ownership o = tryReadBack(key);
        if (o != null) {
            return o;
        }
        HistoryEntry h = st.history();
        return new Ownership(key, h.routeName(), st.holds(), st.claimVersion(), st.status(), h.at(), h.by(), h.reason(), null,
                new Ownership.Claim(st.claimVersion(), null, null, h.from(), st.by(), st.settleId()));
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
                .key(stateKey(key)).updateExpression(expression).conditionExpression(condition)
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

    private Map<String, AttributeValue> historyItem(HistoryEntry e, String settleId) {
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
        ddb.putItem(r -> r.tableName(table).item(historyItem(e, null)));
    }

    @Override
    public List<HistoryEntry> history(RouteKey key, int limit) {
        if (limit <= 0) {
            return List.of();
        }
        List<HistoryEntry> out = new ArrayList<>();
        for (Map<String, AttributeValue> item : ddb.queryPaginator(r -> r.tableName(table).consistentRead(true)
                        .keyConditionExpression("#pk = :pk AND begins_with(#sk, :h)")
                        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK))
                        .expressionAttributeValues(Map.of(":pk", s(pk(key)), ":h", s(HISTORY_SK_PREFIX)))
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
        RouteKey key = RouteKey.parse(str(item, PK).substring(ROUTE_PREFIX.length()));
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
                str(item, "updatedBy"), str(item, "reason"), pin, claim);
    }
}
