package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.instant;
import static io.github.vpcroutefailover.aws.dynamodb.Items.n;
import static io.github.vpcroutefailover.aws.dynamodb.Items.num;
import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.Items.str;
import static io.github.vpcroutefailover.aws.dynamodb.Items.t;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.SK;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.ports.LeaseLostException;
import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.ports.ProbeLeaseStore;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@link ProbeLeaseStore} in the single table: one item {@code PROBE_LEASE#<az>} / {@code LEASE} per probe AZ
 * (docs/ownership-table.md). Every write is one conditional {@code UpdateItem} carrying a fresh {@code writeId}; a
 * write whose response is lost is recognised by reading the item back and finding that id. The lease's end is
 * {@code leaseUntil} (an ISO instant), not the table's TTL attribute, so DynamoDB never deletes a lease and its
 * generation never goes back.
 */
public final class DynamoDbProbeLeaseStore implements ProbeLeaseStore {
    public static final String PREFIX = "PROBE_LEASE#";
    public static final String LEASE_SK = "LEASE";

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbProbeLeaseStore(DynamoDbClient ddb, String table) {
        this.ddb = Objects.requireNonNull(ddb, "ddb");
        this.table = Objects.requireNonNull(table, "table");
    }

    private static Map<String, AttributeValue> key(String scope) {
        return Map.of(PK, s(PREFIX + scope), SK, s(LEASE_SK));
    }

    @Override
    public Optional<ProbeLease> read(String scope) {
        Map<String, AttributeValue> item = ddb.getItem(r -> r.tableName(table).key(key(scope)).consistentRead(true)).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(lease(scope, item));
    }

    @Override
    public ProbeLease acquire(String scope, ProbeLease seen, String holder, Instant expiresAt) {
        Write w = new Write("acquire", scope);
        w.set("generation", n(seen == null ? 1 : seen.generation() + 1)).set("holder", s(holder)).set("leaseUntil", t(expiresAt));
        w.remove("successor").remove("successorSince");
        if (seen == null) {
            w.condition = "attribute_not_exists(" + PK + ")";
        } else {
            // The lease we saw: a renewal (leaseUntil), a hand-over or another taker (generation) in between makes this
            // lose. A successor asking meanwhile does not: an expired or released lease is anyone's.
            w.condition = "#generation = :seenGeneration AND #leaseUntil = :seenUntil";
            w.value(":seenGeneration", n(seen.generation())).value(":seenUntil", t(seen.expiresAt()));
        }
        return w.run();
    }

    @Override
    public ProbeLease renew(ProbeLease mine, Instant expiresAt) {
        Write w = new Write("renewal", mine.scope());
        w.set("leaseUntil", t(expiresAt));
        return w.mine(mine).run();
    }

    @Override
    public ProbeLease requestHandover(ProbeLease seen, String successor, Instant at) {
        Write w = new Write("hand-over request", seen.scope());
        w.set("successor", s(successor)).set("successorSince", t(at));
        w.condition = "#generation = :seenGeneration AND "
                + (seen.successor() == null ? "attribute_not_exists(#successor)" : "#successor = :seenSuccessor");
        w.value(":seenGeneration", n(seen.generation()));
        if (seen.successor() != null) {
            w.value(":seenSuccessor", s(seen.successor()));
        }
        w.names.put("#successor", "successor");
        return w.run();
    }

    @Override
    public ProbeLease handOver(ProbeLease mine, Instant expiresAt, Map<String, Map<String, CheckState>> states, Instant at) {
        if (mine.successor() == null) {
            throw new IllegalArgumentException("no successor to hand the probe lease of " + mine.scope() + " over to");
        }
        Write w = new Write("hand-over", mine.scope());
        w.set("generation", n(mine.generation() + 1)).set("holder", s(mine.successor())).set("leaseUntil", t(expiresAt))
                .set("states", states(states)).set("statesAt", t(at));
        w.remove("successor").remove("successorSince");
        w.mine(mine);
        w.condition += " AND #successor = :successor";
        w.value(":successor", s(mine.successor()));
        w.names.put("#successor", "successor");
        return w.run();
    }

    @Override
    public ProbeLease release(ProbeLease mine, Map<String, Map<String, CheckState>> states, Instant at) {
        Write w = new Write("release", mine.scope());
        w.set("leaseUntil", t(at)).set("states", states(states)).set("statesAt", t(at));
        w.remove("holder").remove("successor").remove("successorSince");
        return w.mine(mine).run();
    }

    /** One conditional UpdateItem with its write id, read-back on a lost response. */
    private final class Write {
        private final String what;
        private final String scope;
        private final String writeId = UUID.randomUUID().toString();
        private final Map<String, String> names = new HashMap<>();
        private final Map<String, AttributeValue> values = new HashMap<>();
        private final StringBuilder set = new StringBuilder();
        private final StringBuilder remove = new StringBuilder();
        private String condition;

        Write(String what, String scope) {
            this.what = what;
            this.scope = scope;
            set("writeId", s(writeId)).set("scope", s(scope));
        }

        Write set(String attribute, AttributeValue value) {
            names.put("#" + attribute, attribute);
            values.put(":" + attribute, value);
            set.append(set.isEmpty() ? "SET " : ", ").append('#').append(attribute).append(" = :").append(attribute);
            return this;
        }

        Write remove(String attribute) {
            names.put("#" + attribute, attribute);
            remove.append(remove.isEmpty() ? " REMOVE " : ", ").append('#').append(attribute);
            return this;
        }

        Write value(String name, AttributeValue value) {
            values.put(name, value);
            return this;
        }

        /** Conditional on the caller still holding the generation it holds. */
        Write mine(ProbeLease mine) {
            condition = "#generation = :heldGeneration AND #holder = :heldBy";
            names.put("#generation", "generation");
            names.put("#holder", "holder");
            value(":heldGeneration", n(mine.generation())).value(":heldBy", s(mine.holder()));
            return this;
        }

        ProbeLease run() {
            names.put("#generation", "generation");
            names.put("#writeId", "writeId");
            UpdateItemRequest request = UpdateItemRequest.builder().tableName(table).key(key(scope))
                    .updateExpression(set + remove.toString()).conditionExpression(condition)
                    .expressionAttributeNames(names).expressionAttributeValues(values)
                    .returnValues(ReturnValue.ALL_NEW)
                    .returnValuesOnConditionCheckFailure(ReturnValuesOnConditionCheckFailure.ALL_OLD).build();
            try {
                return lease(scope, ddb.updateItem(request).attributes());
            } catch (ConditionalCheckFailedException e) {
                Map<String, AttributeValue> found = e.hasItem() ? e.item() : Map.of();
                if (writeId.equals(str(found, "writeId"))) {
                    return lease(scope, found); // our earlier attempt committed; the SDK's retry met our own write
                }
                throw new LeaseLostException("probe lease " + what + " in " + scope, found.isEmpty() ? null : lease(scope, found));
            } catch (SdkException e) {
                Optional<ProbeLease> back;
                Map<String, AttributeValue> item;
                try {
                    item = ddb.getItem(r -> r.tableName(table).key(key(scope)).consistentRead(true)).item();
                } catch (SdkException readFailed) {
                    e.addSuppressed(readFailed);
                    throw e;
                }
                back = item == null || item.isEmpty() ? Optional.empty() : Optional.of(lease(scope, item));
                if (back.isPresent() && writeId.equals(str(item, "writeId"))) {
                    return back.get();
                }
                throw e;
            }
        }
    }

    private static ProbeLease lease(String scope, Map<String, AttributeValue> item) {
        Map<String, Map<String, CheckState>> states = new LinkedHashMap<>();
        AttributeValue sv = item.get("states");
        if (sv != null && sv.hasM()) {
            sv.m().forEach((target, checks) -> {
                Map<String, CheckState> byCheck = new LinkedHashMap<>();
                if (checks.hasM()) {
                    checks.m().forEach((check, c) -> byCheck.put(check, DynamoDbTargetStateStore.checkState(c.m())));
                }
                states.put(target, byCheck);
            });
        }
        return new ProbeLease(scope, num(item, "generation", 0), str(item, "holder"), instant(item, "leaseUntil"),
                str(item, "successor"), instant(item, "successorSince"), states, instant(item, "statesAt"));
    }

    private static AttributeValue states(Map<String, Map<String, CheckState>> states) {
        Map<String, AttributeValue> byTarget = new HashMap<>();
        states.forEach((target, checks) -> {
            Map<String, AttributeValue> byCheck = new HashMap<>();
            checks.forEach((check, c) -> byCheck.put(check, AttributeValue.fromM(DynamoDbTargetStateStore.check(c))));
            byTarget.put(target, AttributeValue.fromM(byCheck));
        });
        return AttributeValue.fromM(byTarget);
    }
}
