package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.instant;
import static io.github.vpcroutefailover.aws.dynamodb.Items.integer;
import static io.github.vpcroutefailover.aws.dynamodb.Items.n;
import static io.github.vpcroutefailover.aws.dynamodb.Items.num;
import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.Items.str;
import static io.github.vpcroutefailover.aws.dynamodb.Items.t;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.STATE_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.TARGET_PREFIX;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.TYPE_TARGET;

import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.ports.StaleStateException;
import io.github.vpcroutefailover.ports.TargetStateStore;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValue;

/** {@link TargetStateStore} in the single table (docs/ownership-table.md). */
public final class DynamoDbTargetStateStore implements TargetStateStore {
    private static final int BATCH_GET_MAX = 100;

    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbTargetStateStore(DynamoDbClient ddb, String table) {
        this.ddb = Objects.requireNonNull(ddb, "ddb");
        this.table = Objects.requireNonNull(table, "table");
    }

    private static Map<String, AttributeValue> key(String targetKey) {
        return Map.of(PK, s(TARGET_PREFIX + targetKey), SK, s(STATE_SK));
    }

    @Override
    public Map<String, TargetState> loadAll() {
        Map<String, TargetState> out = new LinkedHashMap<>();
        ddb.queryPaginator(r -> r.tableName(table).indexName(GSI1)
                        .keyConditionExpression("#g = :t")
                        .expressionAttributeNames(Map.of("#g", GSI1_PK))
                        .expressionAttributeValues(Map.of(":t", s(TYPE_TARGET))))
                .items().forEach(item -> {
                    TargetState ts = state(item);
                    out.put(ts.targetKey(), ts);
                });
        return out;
    }

    @Override
    public Map<String, TargetState> load(Collection<String> targetKeys) {
        Map<String, TargetState> out = new LinkedHashMap<>();
        List<String> distinct = targetKeys.stream().distinct().toList();
        distinct.forEach(k -> out.put(k, TargetState.initial(k)));
        for (int i = 0; i < distinct.size(); i += BATCH_GET_MAX) {
            List<Map<String, AttributeValue>> keys = distinct.subList(i, Math.min(distinct.size(), i + BATCH_GET_MAX))
                    .stream().map(DynamoDbTargetStateStore::key).toList();
            for (Map<String, AttributeValue> item : DynamoDbOwnershipStore.batchGet(ddb, table, keys)) {
                TargetState ts = state(item);
                out.put(ts.targetKey(), ts);
            }
        }
        return out;
    }

    @Override
    public TargetState save(TargetState state) {
        long next = state.version() + 1;
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(TARGET_PREFIX + state.targetKey()));
        item.put(SK, s(STATE_SK));
        item.put(GSI1_PK, s(TYPE_TARGET));
        item.put(GSI1_SK, s(TARGET_PREFIX + state.targetKey()));
        item.put("targetKey", s(state.targetKey()));
        item.put("version", n(next));
        Map<String, AttributeValue> checks = new HashMap<>();
        state.checks().forEach((name, c) -> checks.put(name, AttributeValue.fromM(check(c))));
        item.put("checks", AttributeValue.fromM(checks));
        if (state.healthySince() != null) {
            item.put("healthySince", t(state.healthySince()));
        }
        putDrain(item, state.drain());
        boolean fresh = state.version() == 0;
        try {
            ddb.putItem(r -> r.tableName(table).item(item)
                    .conditionExpression(fresh ? "attribute_not_exists(" + PK + ")" : "#v = :expected")
                    .expressionAttributeNames(fresh ? null : Map.of("#v", "version"))
                    .expressionAttributeValues(fresh ? null : Map.of(":expected", n(state.version()))));
        } catch (ConditionalCheckFailedException e) {
            throw new StaleStateException(state.targetKey(), state.version());
        }
        return new TargetState(state.targetKey(), state.checks(), state.drain(), state.healthySince(), next);
    }

    @Override
    public TargetState setDrain(String targetKey, TargetState.Drain drain, Instant at) {
        Map<String, AttributeValue> values = new HashMap<>();
        values.put(":one", n(1));
        values.put(":zero", n(0));
        values.put(":type", s(TYPE_TARGET));
        values.put(":pk", s(TARGET_PREFIX + targetKey));
        values.put(":key", s(targetKey));
        values.put(":empty", AttributeValue.fromM(Map.of()));
        String set = "SET #v = if_not_exists(#v, :zero) + :one, " + GSI1_PK + " = :type, " + GSI1_SK + " = :pk, "
                + "targetKey = :key, checks = if_not_exists(checks, :empty)";
        String expression;
        if (drain != null) {
            values.put(":db", s(drain.by()));
            values.put(":da", t(drain.at()));
            values.put(":dr", s(drain.reason() == null ? "" : drain.reason()));
            expression = set + ", drainBy = :db, drainAt = :da, drainReason = :dr";
        } else {
            expression = set + " REMOVE drainBy, drainAt, drainReason";
        }
        // Unconditional but versioned: a reconcile that read the state before the drain loses its save and re-reads.
        return state(ddb.updateItem(r -> r.tableName(table).key(key(targetKey)).updateExpression(expression)
                .expressionAttributeNames(Map.of("#v", "version")).expressionAttributeValues(values)
                .returnValues(ReturnValue.ALL_NEW)).attributes());
    }

    private static void putDrain(Map<String, AttributeValue> item, TargetState.Drain drain) {
        if (drain != null) {
            item.put("drainBy", s(drain.by()));
            item.put("drainAt", t(drain.at()));
            item.put("drainReason", s(drain.reason() == null ? "" : drain.reason()));
        }
    }

    /** One check's counters as a map attribute (also the probe lease's hand-over counters). */
    static Map<String, AttributeValue> check(CheckState c) {
        Map<String, AttributeValue> m = new HashMap<>();
        m.put("health", s(c.health().name()));
        m.put("passes", n(c.passes()));
        m.put("failures", n(c.failures()));
        m.put("lastAt", t(c.lastAt()));
        m.put("changedAt", t(c.changedAt()));
        if (c.detail() != null) {
            m.put("detail", s(c.detail()));
        }
        return m;
    }

    static CheckState checkState(Map<String, AttributeValue> m) {
        return new CheckState(Health.valueOf(str(m, "health")), integer(m, "passes"), integer(m, "failures"),
                instant(m, "lastAt"), instant(m, "changedAt"), str(m, "detail"));
    }

    static TargetState state(Map<String, AttributeValue> item) {
        Map<String, CheckState> checks = new LinkedHashMap<>();
        AttributeValue cv = item.get("checks");
        if (cv != null && cv.hasM()) {
            cv.m().forEach((name, v) -> checks.put(name, checkState(v.m())));
        }
        TargetState.Drain drain = item.containsKey("drainBy")
                ? new TargetState.Drain(str(item, "drainBy"), instant(item, "drainAt"), str(item, "drainReason"))
                : null;
        return new TargetState(str(item, "targetKey"), checks, drain, instant(item, "healthySince"), num(item, "version", 0));
    }
}
