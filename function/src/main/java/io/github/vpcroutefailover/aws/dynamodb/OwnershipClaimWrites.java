package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.n;
import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.Items.t;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.TYPE_ROUTE;

import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.ClaimLostException;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OutcomeUnknownException;
import io.github.vpcroutefailover.ports.TransientStoreException;
import io.github.vpcroutefailover.ports.OwnershipStore.Claim;
import io.github.vpcroutefailover.ports.OwnershipStore.Settlement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.Update;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * The protocol's writes on a route's record (docs/ownership-table.md): claim (a conditional update to PENDING with a
 * deadline) and settle (the record and its history in one transaction), each resolving a lost response by reading
 * the record back. Reads, pins and history queries stay in {@link DynamoDbOwnershipStore}.
 */
final class OwnershipClaimWrites {
    private static final Logger LOG = LoggerFactory.getLogger(DynamoDbOwnershipStore.class);

    private final DynamoDbClient ddb;
    private final String table;
    private final Duration historyRetention;
    private final KeyScope scope;

    OwnershipClaimWrites(DynamoDbClient ddb, String table, Duration historyRetention, KeyScope scope) {
        this.ddb = ddb;
        this.table = table;
        this.historyRetention = historyRetention;
        this.scope = scope;
    }

    /** One strongly consistent read of a route's record, to resolve an ambiguous write. */
    private Ownership readBack(RouteKey key) {
        Map<String, AttributeValue> item = ddb.getItem(r -> r.tableName(table).key(DynamoDbOwnershipStore.stateKey(scope, key)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? null : DynamoDbOwnershipStore.ownership(item);
    }

    /**
     * The record read back after {@code failed} left a write's outcome unknown; when that read fails too, the outcome
     * stays unknown ({@code unknown} says what and what happens next), with both failures kept.
     */
    private Ownership readBackAfter(RouteKey key, SdkException failed, Supplier<String> unknown) {
        try {
            return readBack(key);
        } catch (SdkException readFailed) {
            failed.addSuppressed(readFailed);
            throw new OutcomeUnknownException(unknown.get(), failed);
        }
    }

    Ownership claim(Claim claim) {
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
        values.put(":pk", s(DynamoDbOwnershipStore.pk(scope, key)));
        values.put(":cid", s(claim.claimId()));
        values.put(":dl", t(claim.deadline()));
        values.put(":dlms", n(claim.deadline().toEpochMilli()));
        List<String> set = new ArrayList<>(List.of("#v = :next", "#st = :pending", "updatedAt = :at", "updatedBy = :by",
                "reason = :reason", "routeName = :rn", "routeTableId = :rtb", "destination = :dest", GSI1_PK + " = :type",
                GSI1_SK + " = :pk", "claimVersion = :next", "claimId = :cid", "claimDeadline = :dl", "claimDeadlineMs = :dlms"));
        List<String> remove = new ArrayList<>(List.of("settledBy", "settleId", "settledAt", "appliedAt"));
        hop("target", claim.to(), set, remove, values);
        hop("from", claim.from(), set, remove, values);
        String condition;
        if (claim.expectedVersion() == 0) {
            condition = "attribute_not_exists(" + PK + ")";
        } else {
            // Never over a PENDING claim, live or abandoned: an abandoned claim is repaired (settled with its
            // history) first, or its change would be in EC2 with no record of it.
            condition = "#v = :expected AND (attribute_not_exists(#st) OR #st <> :pending)";
            values.put(":expected", n(claim.expectedVersion()));
        }
        UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(DynamoDbOwnershipStore.stateKey(scope, key))
                .updateExpression("SET " + String.join(", ", set) + " REMOVE " + String.join(", ", remove)).conditionExpression(condition)
                .expressionAttributeNames(names).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)
                .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
        try {
            return DynamoDbOwnershipStore.ownership(ddb.updateItem(request).attributes());
        } catch (ConditionalCheckFailedException e) {
            Ownership found = e.hasItem() && !e.item().isEmpty() ? DynamoDbOwnershipStore.ownership(e.item()) : null;
            if (ours(found, claim.claimId())) {
                // Our first attempt committed and its response was lost; the SDK's retry found our own claim.
                LOG.atInfo().addKeyValue("event", "claim-recognised").addKeyValue("key", key.id())
                        .addKeyValue("version", found.version()).log("a retried claim found its own earlier write; keeping it");
                return found;
            }
            throw new ClaimLostException(key, claim.expectedVersion(), "claim", found);
        } catch (SdkException e) {
            Ownership found = readBackAfter(key, e, () -> "claim of " + key.id() + " on version " + claim.expectedVersion()
                    + " failed (" + e.getMessage() + ") and reading the record back failed too; if the claim was written,"
                    + " it is abandoned at " + claim.deadline() + " and the next reconcile after that settles it");
            if (ours(found, claim.claimId())) {
                LOG.atInfo().addKeyValue("event", "claim-recognised").addKeyValue("key", key.id())
                        .addKeyValue("version", found.version()).log("the claim's response was lost, but the record shows our claim: " + e.getMessage());
                return found;
            }
            if (found != null && found.version() != claim.expectedVersion()) {
                throw new ClaimLostException(key, claim.expectedVersion(), "claim", found);
            }
            if (passing(e)) {
                throw new TransientStoreException("claim of " + key.id() + " on version " + claim.expectedVersion()
                        + " not written (read back: unchanged): " + e.getMessage(), e);
            }
            throw e;
        }
    }

    /** Throttling, 5xx or transport: the same write may succeed a moment later. */
    static boolean passing(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            return ase.isThrottlingException() || ase.statusCode() >= 500;
        }
        return e instanceof SdkClientException;
    }

    /** Transaction cancelled for throughput or a concurrent transaction on the item, not for a condition. */
    private static boolean passingCancellation(List<CancellationReason> reasons) {
        return reasons.stream().anyMatch(r -> "ThrottlingError".equals(r.code()) || "TransactionConflict".equals(r.code())
                || "ProvisionedThroughputExceeded".equals(r.code()));
    }

    private static boolean ours(Ownership o, String claimId) {
        return o != null && o.claim() != null && claimId.equals(o.claim().id());
    }

    /** @param readBack return the settled record (one more read); false: null on success */
    Ownership settle(Settlement st, boolean readBack) {
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
        hop("target", st.holds(), set, remove, values);
        Map<String, String> names = new HashMap<>(Map.of("#st", "status", "#v", "version"));
        if (st.announce() != null) {
            // The outbox: the change's event, published after the commit (docs/ownership-table.md "Announce").
            set.add("#ob = :ob");
            names.put("#ob", Outbox.attribute(st.claimVersion()));
            values.put(":ob", Outbox.value(st.announce()));
        }
        // Records claimed before claims carried details have no claimVersion: their claim is their version.
        String condition = "#st = :pending AND (claimVersion = :cv OR (attribute_not_exists(claimVersion) AND #v = :cv))";
        if (st.abandonedBefore() != null) {
            // A repair: only once the claim's writer can no longer touch EC2 (epoch millis: ISO strings of
            // Instant.toString do not compare as instants, it trims zeros).
            condition += " AND (attribute_not_exists(claimDeadlineMs) OR claimDeadlineMs <= :now)";
            values.put(":now", n(st.abandonedBefore().toEpochMilli()));
        }
        Map<String, AttributeValue> history = DynamoDbOwnershipStore.historyItem(scope, st.history(), st.settleId(), historyRetention);
        String expression = "SET " + String.join(", ", set) + (remove.isEmpty() ? "" : " REMOVE " + String.join(", ", remove));
        List<TransactWriteItem> items = List.of(
                TransactWriteItem.builder().update(Update.builder().tableName(table).key(DynamoDbOwnershipStore.stateKey(scope, key))
                        .updateExpression(expression).conditionExpression(condition)
                        .expressionAttributeNames(names).expressionAttributeValues(values)
                        .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build()).build(),
                TransactWriteItem.builder().put(Put.builder().tableName(table).item(history)
                        .conditionExpression("attribute_not_exists(" + PK + ")").build()).build());
        try {
            ddb.transactWriteItems(r -> r.transactItems(items));
        } catch (TransactionCanceledException e) {
            List<CancellationReason> reasons = e.hasCancellationReasons() ? e.cancellationReasons() : List.of();
            Ownership found = !reasons.isEmpty() && reasons.get(0).hasItem() && !reasons.get(0).item().isEmpty()
                    ? DynamoDbOwnershipStore.ownership(reasons.get(0).item()) : null;
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
            if (passingCancellation(reasons)) {
                throw new TransientStoreException("settle of " + key.id() + " claim " + st.claimVersion() + " cancelled, nothing written ("
                        + reasons.stream().map(CancellationReason::code).toList() + "): " + e.getMessage(), e);
            }
            throw e;
        } catch (SdkException e) {
            Ownership found = readBackAfter(key, e, () -> "settling " + key.id() + " claim " + st.claimVersion() + " as " + st.status()
                    + " failed (" + e.getMessage() + ") and reading the record back failed too");
            if (settledByUs(found, st)) {
                return found;
            }
            if (passing(e) && found != null && found.status() == Ownership.ClaimStatus.PENDING) {
                throw new TransientStoreException("settle of " + key.id() + " claim " + st.claimVersion() + " not written (read back: "
                        + "still PENDING): " + e.getMessage(), e);
            }
            throw e;
        }
        return readBack ? readBackOrBuild(key, st) : null;
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

    /**
     * One hop's attributes ({prefix}Kind, {prefix}Id, {prefix}InstanceId): set from {@code hop}, or removed when there
     * is none (the instance id too when the hop names none), so no part of an older hop stays behind.
     */
    private static void hop(String prefix, RouteTarget hop, List<String> set, List<String> remove, Map<String, AttributeValue> values) {
        if (hop == null) {
            remove.addAll(List.of(prefix + "Kind", prefix + "Id", prefix + "InstanceId"));
            return;
        }
        set.add(prefix + "Kind = :" + prefix + "Kind");
        set.add(prefix + "Id = :" + prefix + "Id");
        values.put(":" + prefix + "Kind", s(hop.kind().name()));
        values.put(":" + prefix + "Id", s(hop.id()));
        if (hop.instanceId() != null) {
            set.add(prefix + "InstanceId = :" + prefix + "InstanceId");
            values.put(":" + prefix + "InstanceId", s(hop.instanceId()));
        } else {
            remove.add(prefix + "InstanceId");
        }
    }
}
