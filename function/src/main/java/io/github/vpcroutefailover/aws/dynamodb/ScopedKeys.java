package io.github.vpcroutefailover.aws.dynamodb;

import static io.github.vpcroutefailover.aws.dynamodb.Items.s;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_PK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.GSI1_SK;
import static io.github.vpcroutefailover.aws.dynamodb.OwnershipTable.PK;

import io.github.vpcroutefailover.domain.fleet.KeyScope;
import java.util.Map;
import java.util.stream.Stream;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Keys of one {@link KeyScope} in the shared table: {@code <TYPE>#<scope prefix><id>} (the home scope has no prefix,
 * the format of single-VPC releases), and the listing of one type within one scope. The type index's sort key is
 * the item's key, so another account's records are left out by the query itself ({@code begins_with}), not read
 * and dropped; only the home scope, whose keys have no prefix to match, reads the other scopes' items of the type
 * and drops them.
 */
final class ScopedKeys {
    private ScopedKeys() {
    }

    static String key(String typePrefix, KeyScope scope, String id) {
        return typePrefix + scope.scoped(id);
    }

    /** The id in {@code key} when it belongs to {@code scope}, else null. */
    static String id(String typePrefix, KeyScope scope, String key) {
        return key.startsWith(typePrefix) ? scope.unscoped(key.substring(typePrefix.length())) : null;
    }

    /** Every item of {@code type} ({@code gsi1pk}) whose key is in {@code scope}, through the type index. */
    static Stream<Map<String, AttributeValue>> list(DynamoDbClient ddb, String table, String type, String typePrefix, KeyScope scope) {
        Stream<Map<String, AttributeValue>> items;
        if (scope.home()) {
            items = ddb.queryPaginator(r -> r.tableName(table).indexName(GSI1).keyConditionExpression("#g = :t")
                    .expressionAttributeNames(Map.of("#g", GSI1_PK)).expressionAttributeValues(Map.of(":t", s(type)))).items().stream();
        } else {
            items = ddb.queryPaginator(r -> r.tableName(table).indexName(GSI1).keyConditionExpression("#g = :t AND begins_with(#s, :p)")
                    .expressionAttributeNames(Map.of("#g", GSI1_PK, "#s", GSI1_SK))
                    .expressionAttributeValues(Map.of(":t", s(type), ":p", s(typePrefix + scope.prefix())))).items().stream();
        }
        return items.filter(i -> i.get(PK) != null && id(typePrefix, scope, i.get(PK).s()) != null);
    }
}
