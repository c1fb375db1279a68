package io.github.vpcroutefailover.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;

/** Route ownership rests on DynamoDB refusing a write whose condition is false; prove the test bed does. */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbConditionalWriteIT {

    @Test
    void conditionalUpdateOnAStaleVersionIsRejectedAndChangesNothing(LocalAws aws) {
        DynamoDbClient ddb = aws.dynamoDb();
        String table = aws.uniqueName("ownership");
        ddb.createTable(r -> r.tableName(table).billingMode(BillingMode.PAY_PER_REQUEST)
                .attributeDefinitions(AttributeDefinition.builder().attributeName("pk").attributeType(ScalarAttributeType.S).build())
                .keySchema(KeySchemaElement.builder().attributeName("pk").keyType(KeyType.HASH).build()));
        ddb.waiter().waitUntilTableExists(r -> r.tableName(table));
        Map<String, AttributeValue> key = Map.of("pk", AttributeValue.fromS("rtb-1#0.0.0.0/0"));

        ddb.putItem(r -> r.tableName(table).conditionExpression("attribute_not_exists(pk)")
                .item(Map.of("pk", key.get("pk"), "version", AttributeValue.fromN("1"), "target", AttributeValue.fromS("i-a"))));

        // A second claimant that did not see the item must lose.
        assertThatThrownBy(() -> ddb.putItem(r -> r.tableName(table).conditionExpression("attribute_not_exists(pk)")
                .item(Map.of("pk", key.get("pk"), "version", AttributeValue.fromN("1"), "target", AttributeValue.fromS("i-b")))))
                .isInstanceOf(ConditionalCheckFailedException.class);

        // Fencing: an update conditioned on version 1 wins once and bumps to 2 ...
        ddb.updateItem(r -> r.tableName(table).key(key)
                .updateExpression("SET #t = :to, version = :next").conditionExpression("version = :seen")
                .expressionAttributeNames(Map.of("#t", "target"))
                .expressionAttributeValues(Map.of(":to", AttributeValue.fromS("i-b"), ":next", AttributeValue.fromN("2"),
                        ":seen", AttributeValue.fromN("1"))));
        // ... and a writer still holding version 1 is refused.
        assertThatThrownBy(() -> ddb.updateItem(r -> r.tableName(table).key(key)
                .updateExpression("SET #t = :to, version = :next").conditionExpression("version = :seen")
                .expressionAttributeNames(Map.of("#t", "target"))
                .expressionAttributeValues(Map.of(":to", AttributeValue.fromS("i-c"), ":next", AttributeValue.fromN("2"),
                        ":seen", AttributeValue.fromN("1")))))
                .isInstanceOf(ConditionalCheckFailedException.class);

        Map<String, AttributeValue> item = ddb.getItem(r -> r.tableName(table).key(key).consistentRead(true)).item();
        assertThat(item.get("target").s()).isEqualTo("i-b");
        assertThat(item.get("version").n()).isEqualTo("2");
    }
}
