package io.github.vpcroutefailover.cdk;

import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Attribute;
import software.amazon.awscdk.services.dynamodb.AttributeType;
import software.amazon.awscdk.services.dynamodb.BillingMode;
import software.amazon.awscdk.services.dynamodb.PointInTimeRecoverySpecification;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.dynamodb.TableEncryption;
import software.constructs.Construct;

/** The state table: ownership fences, target states, registered routes and the audit history (single-table). */
public final class FailoverState extends Construct {
    private final Table table;

    FailoverState(Construct scope, String id, boolean deletionProtection) {
        super(scope, id);
        this.table = Table.Builder.create(this, "StateTable")
                .partitionKey(Attribute.builder().name(Contract.TABLE_PARTITION_KEY).type(AttributeType.STRING).build())
                .sortKey(Attribute.builder().name(Contract.TABLE_SORT_KEY).type(AttributeType.STRING).build())
                .billingMode(BillingMode.PAY_PER_REQUEST)
                .pointInTimeRecoverySpecification(PointInTimeRecoverySpecification.builder().pointInTimeRecoveryEnabled(true).build())
                .timeToLiveAttribute(Contract.TABLE_TTL_ATTRIBUTE)
                .encryption(TableEncryption.AWS_MANAGED)
                .deletionProtection(deletionProtection)
                // Ownership fences and failover history outlive the stack; docs/deploy.md says how to delete it.
                .removalPolicy(RemovalPolicy.RETAIN)
                .build();
    }

    public Table table() {
        return table;
    }
}
