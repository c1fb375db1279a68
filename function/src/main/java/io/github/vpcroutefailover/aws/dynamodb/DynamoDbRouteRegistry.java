package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.REGISTERED_PREFIX;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.STATE_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.TYPE_REGISTERED;

import io.github.vpcroutefailover.ports.RouteRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;

/**
 * Registered routes as items {@code pk = REGISTERED#<name>, sk = STATE} with {@code gsi1pk = REGISTERED} so that one
 * index query lists them. The index is eventually consistent: a route registered a moment ago may be missing from
 * the next reconcile on AWS (not on DynamoDB Local); the one after picks it up.
 */
public final class DynamoDbRouteRegistry implements RouteRegistry {
    private final DynamoDbClient ddb;
    private final String table;

    public DynamoDbRouteRegistry(DynamoDbClient ddb, String table) {
        this.ddb = Objects.requireNonNull(ddb, "ddb");
        this.table = Objects.requireNonNull(table, "table");
    }

    @Override
    public List<Registered> all() {
        List<Registered> out = new ArrayList<>();
        ddb.queryPaginator(r -> r.tableName(table).indexName(GSI1).keyConditionExpression("#p = :t")
                        .expressionAttributeNames(Map.of("#p", GSI1_PK)).expressionAttributeValues(Map.of(":t", s(TYPE_REGISTERED))))
                .items().forEach(i -> out.add(new Registered(i.get("name").s(), i.get("spec").s(), i.get("by").s(), Instant.parse(i.get("at").s()))));
        out.sort(java.util.Comparator.comparing(Registered::name));
        return out;
    }

    @Override
    public void put(Registered r) {
        String pk = REGISTERED_PREFIX + r.name();
        ddb.putItem(p -> p.tableName(table).item(Map.of(PK, s(pk), SK, s(STATE_SK), GSI1_PK, s(TYPE_REGISTERED), GSI1_SK, s(pk),
                "name", s(r.name()), "spec", s(r.spec()), "by", s(r.by()), "at", s(r.at().toString()))));
    }

    @Override
    public boolean remove(String name) {
        try {
            ddb.deleteItem(d -> d.tableName(table).key(Map.of(PK, s(REGISTERED_PREFIX + name), SK, s(STATE_SK)))
                    .conditionExpression("attribute_exists(#pk)").expressionAttributeNames(Map.of("#pk", PK)));
            return true;
        } catch (ConditionalCheckFailedException e) {
            return false;
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.builder().s(v).build();
    }
}
