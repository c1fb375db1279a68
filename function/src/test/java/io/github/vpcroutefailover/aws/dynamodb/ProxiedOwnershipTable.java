package io.github.vpcroutefailover.aws.dynamodb;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FixtureResolver;
import io.github.vpcroutefailover.testsupport.LocalAws;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * A fresh ownership table in DynamoDB Local for the adapter's fault ITs: {@link #owners}, the store under test, goes
 * through a {@link FaultProxy} with the production client settings; {@link #direct} goes straight to the emulator
 * (the test's own reads, and another writer). Both clients count their calls in {@code aws.calls()}.
 */
final class ProxiedOwnershipTable implements AutoCloseable {
    /** Gives a test (and its {@code @BeforeEach}) a fresh table as a parameter; closed after the test. */
    static final class Resolver extends FixtureResolver<ProxiedOwnershipTable> {
        Resolver() {
            super(ProxiedOwnershipTable.class, ProxiedOwnershipTable::new);
        }
    }

    final FaultProxy proxy;
    final DynamoDbClient ddb;
    final String table;
    final DynamoDbOwnershipStore owners;
    final DynamoDbOwnershipStore direct;

    ProxiedOwnershipTable(LocalAws aws) {
        this.proxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON);
        this.ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD)
                .endpointOverride(proxy.endpoint()).build();
        this.table = aws.uniqueName("ownership");
        OwnershipTable.create(aws.dynamoDb(), table);
        this.owners = new DynamoDbOwnershipStore(ddb, table);
        this.direct = new DynamoDbOwnershipStore(aws.dynamoDb(), table);
    }

    @Override
    public void close() {
        ddb.close();
        proxy.close();
    }
}
