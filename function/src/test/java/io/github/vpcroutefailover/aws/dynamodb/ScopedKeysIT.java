package io.github.vpcroutefailover.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.health.TargetState;
import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.ports.OwnershipStore.Claim;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * One table, several accounts and regions (docs/fleet.md "One table"): the same route table id and destination in
 * two scopes are two records, each fenced on its own; a scope lists only its own records; the home scope reads and
 * fences records written in the key format of single-VPC releases.
 */
@ExtendWith(LocalAwsExtension.class)
class ScopedKeysIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final RouteKey KEY = RouteKey.parse("rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0");
    private static final RouteTarget NAT_A = RouteTarget.eni("eni-0aaaaaaaaaaaaaaaa", "i-0aaaaaaaaaaaaaaaa");
    private static final KeyScope A = new KeyScope("111111111111", "eu-west-1");
    private static final KeyScope B = new KeyScope("222222222222", "eu-west-1");

    private DynamoDbClient ddb;
    private String table;

    @BeforeEach
    void setUp(LocalAws aws) {
        ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD).build();
        table = aws.uniqueName("scoped");
        OwnershipTable.create(ddb, table);
    }

    private static Claim claim(long expected) {
        return new Claim(KEY, "egress", NAT_A, null, expected, T0, "fn", "test", T0.plusSeconds(10), UUID.randomUUID().toString());
    }

    private static OwnershipStore.Settlement applied(long version) {
        HistoryEntry h = new HistoryEntry(KEY, "egress", version, T0, "fn", null, NAT_A, "test", false, HistoryEntry.Outcome.APPLIED, null, null);
        return new OwnershipStore.Settlement(KEY, version, Ownership.ClaimStatus.APPLIED, NAT_A, T0.plusSeconds(1), "fn", null,
                UUID.randomUUID().toString(), h);
    }

    private List<String> keys() {
        return ddb.scanPaginator(r -> r.tableName(table)).items().stream().map(i -> i.get(OwnershipTable.PK).s() + " " + i.get(OwnershipTable.SK).s())
                .sorted().toList();
    }

    @Test
    void theSameRouteInTwoAccountsIsTwoRecordsEachFencedAndListedOnItsOwn() {
        DynamoDbOwnershipStore home = new DynamoDbOwnershipStore(ddb, table);
        DynamoDbOwnershipStore a = new DynamoDbOwnershipStore(ddb, table, A);
        DynamoDbOwnershipStore b = new DynamoDbOwnershipStore(ddb, table, B);

        home.claim(claim(0));
        home.settle(applied(1));
        a.claim(claim(0));
        a.settle(applied(1));
        a.claim(claim(1));
        // B's first claim on the same route id is version 0 -> 1: A's two claims are not B's.
        assertThat(b.claim(claim(0)).version()).isEqualTo(1);

        assertThat(home.loadAll()).containsOnlyKeys(KEY);
        assertThat(home.loadAll().get(KEY).version()).isEqualTo(1);
        assertThat(a.loadAll().get(KEY).version()).isEqualTo(2);
        assertThat(a.load(KEY).orElseThrow().status()).isEqualTo(Ownership.ClaimStatus.PENDING);
        assertThat(b.loadAll()).containsOnlyKeys(KEY);
        assertThat(home.history(KEY, 10)).hasSize(1);
        assertThat(a.history(KEY, 10)).hasSize(1);
        assertThat(b.history(KEY, 10)).isEmpty();
        assertThat(keys()).filteredOn(k -> k.endsWith(" STATE")).containsExactly(
                "ROUTE#111111111111/eu-west-1/rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0 STATE",
                "ROUTE#222222222222/eu-west-1/rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0 STATE",
                "ROUTE#rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0 STATE");
    }

    @Test
    void aRecordInTheSingleVpcFormatIsReadAndFencedByTheHomeScope() {
        // Written as every release before multi-VPC configs wrote it: no scope in the key.
        String pk = "ROUTE#" + KEY.id();
        ddb.putItem(r -> r.tableName(table).item(Map.of(OwnershipTable.PK, AttributeValue.fromS(pk),
                OwnershipTable.SK, AttributeValue.fromS(OwnershipTable.STATE_SK), "version", AttributeValue.fromN("7"),
                "status", AttributeValue.fromS("APPLIED"), "routeTableId", AttributeValue.fromS(KEY.routeTableId()),
                "destination", AttributeValue.fromS("0.0.0.0/0"), "routeName", AttributeValue.fromS("egress"),
                OwnershipTable.GSI1_PK, AttributeValue.fromS(OwnershipTable.TYPE_ROUTE), OwnershipTable.GSI1_SK, AttributeValue.fromS(pk))));
        DynamoDbOwnershipStore home = new DynamoDbOwnershipStore(ddb, table, KeyScope.HOME);
        assertThat(home.loadAll().get(KEY).version()).isEqualTo(7);
        // Fenced on the existing version, not a fresh record.
        assertThat(home.claim(claim(7)).version()).isEqualTo(8);
        assertThat(new DynamoDbOwnershipStore(ddb, table, A).loadAll()).isEmpty();
    }

    @Test
    void targetStatesAreScopedTheSameWay() {
        DynamoDbTargetStateStore home = new DynamoDbTargetStateStore(ddb, table);
        DynamoDbTargetStateStore a = new DynamoDbTargetStateStore(ddb, table, A);
        home.setDrain("i-0aaaaaaaaaaaaaaaa", new TargetState.Drain("op", T0, "home drain"), T0);
        a.save(TargetState.initial("i-0aaaaaaaaaaaaaaaa"));
        assertThat(home.loadAll().get("i-0aaaaaaaaaaaaaaaa").drained()).isTrue();
        assertThat(a.loadAll().get("i-0aaaaaaaaaaaaaaaa").drained()).isFalse();
        assertThat(a.load(List.of("i-0aaaaaaaaaaaaaaaa")).get("i-0aaaaaaaaaaaaaaaa").version()).isEqualTo(1);
        assertThat(new DynamoDbTargetStateStore(ddb, table, B).loadAll()).isEmpty();
        assertThat(keys()).contains("TARGET#111111111111/eu-west-1/i-0aaaaaaaaaaaaaaaa STATE", "TARGET#i-0aaaaaaaaaaaaaaaa STATE");
    }
}
