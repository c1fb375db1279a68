package io.github.vpcroutefailover.cdk;

import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

/**
 * The deployed table has the listing index the function queries on every reconcile (OwnershipTable.GSI1): without
 * it the controller's first read fails on AWS. Found by the system test (DeployedStackIT) reading the deployed table.
 */
class StateTableIndexTest {
    @Test
    void theStateTableHasTheFunctionsListingIndex() {
        for (var synth : List.of(TestStacks.full(), TestStacks.minimal())) {
            synth.template().hasResourceProperties("AWS::DynamoDB::Table", Map.of(
                    "KeySchema", List.of(Map.of("AttributeName", OwnershipTable.PK, "KeyType", "HASH"),
                            Map.of("AttributeName", OwnershipTable.SK, "KeyType", "RANGE")),
                    "GlobalSecondaryIndexes", List.of(Map.of("IndexName", OwnershipTable.GSI1,
                            "KeySchema", List.of(Map.of("AttributeName", OwnershipTable.GSI1_PK, "KeyType", "HASH"),
                                    Map.of("AttributeName", OwnershipTable.GSI1_SK, "KeyType", "RANGE")),
                            "Projection", Map.of("ProjectionType", "ALL"))),
                    "AttributeDefinitions", Match.arrayWith(List.of(Map.of("AttributeName", OwnershipTable.GSI1_PK, "AttributeType", "S"),
                            Map.of("AttributeName", OwnershipTable.GSI1_SK, "AttributeType", "S")))));
        }
    }
}
