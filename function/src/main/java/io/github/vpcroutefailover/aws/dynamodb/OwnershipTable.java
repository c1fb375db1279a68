package io.github.vpcroutefailover.aws.dynamodb;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/**
 * The single DynamoDB table that holds route ownership, target state and the audit history (docs/ownership-table.md).
 * Key and attribute names live here so the schema, the stores and the infrastructure code agree.
 */
public final class OwnershipTable {
    public static final String PK = "pk";
    public static final String SK = "sk";
    /** Sparse index for listing current-state items by type; history items do not carry these attributes. */
    public static final String GSI1 = "gsi1";
    public static final String GSI1_PK = "gsi1pk";
    public static final String GSI1_SK = "gsi1sk";
    /** The table's TTL attribute (epoch seconds); only history items have it. */
    public static final String EXPIRES_AT = "expiresAt";

    public static final String ROUTE_PREFIX = "ROUTE#";
    public static final String TARGET_PREFIX = "TARGET#";
    /** Reserved for routes registered at runtime (items {@code REGISTERED#<name>}). */
    public static final String REGISTERED_PREFIX = "REGISTERED#";
    public static final String STATE_SK = "STATE";
    public static final String HISTORY_SK_PREFIX = "HIST#";

    public static final String TYPE_ROUTE = "ROUTE";
    public static final String TYPE_TARGET = "TARGET";
    public static final String TYPE_REGISTERED = "REGISTERED";

    /** Fixed width so that history sort keys order by time as strings do ({@code Instant.toString} trims zeros). */
    static final DateTimeFormatter SORTABLE_INSTANT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

    private OwnershipTable() {
    }

    static String sortable(Instant at) {
        return SORTABLE_INSTANT.format(at);
    }

    /**
     * Creates the table (on-demand billing, the listing index, TTL on {@code expiresAt}) and waits until it is active.
     * For tests and the local sandbox; production tables are created by the CDK stack with the same schema.
     */
    public static void create(DynamoDbClient ddb, String tableName) {
        ddb.createTable(r -> r.tableName(tableName)
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(attr(PK), attr(SK), attr(GSI1_PK), attr(GSI1_SK))
                .keySchema(key(PK, KeyType.HASH), key(SK, KeyType.RANGE))
                .globalSecondaryIndexes(GlobalSecondaryIndex.builder().indexName(GSI1)
                        .keySchema(key(GSI1_PK, KeyType.HASH), key(GSI1_SK, KeyType.RANGE))
                        .projection(p -> p.projectionType(ProjectionType.ALL)).build()));
        ddb.waiter().waitUntilTableExists(r -> r.tableName(tableName));
        ddb.updateTimeToLive(r -> r.tableName(tableName)
                .timeToLiveSpecification(t -> t.attributeName(EXPIRES_AT).enabled(true)));
    }

    private static AttributeDefinition attr(String name) {
        return AttributeDefinition.builder().attributeName(name).attributeType(ScalarAttributeType.S).build();
    }

    private static KeySchemaElement key(String name, KeyType type) {
        return KeySchemaElement.builder().attributeName(name).keyType(type).build();
    }
}
