package io.github.vpcroutefailover.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.health.CheckState;
import io.github.vpcroutefailover.domain.health.Health;
import io.github.vpcroutefailover.ports.LeaseLostException;
import io.github.vpcroutefailover.ports.ProbeLease;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** The probe lease's conditional writes against DynamoDB Local, with lost responses and throttling from FaultProxy. */
@ExtendWith(LocalAwsExtension.class)
class DynamoDbProbeLeaseStoreIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final String AZ = "eu-west-1a";
    private static final Map<String, Map<String, CheckState>> COUNTERS = Map.of("i-0aaaaaaaaaaaaaaaa",
            Map.of("tcp", new CheckState(Health.HEALTHY, 0, 2, T0, T0.minusSeconds(600), "timed out (probe in " + AZ + ")"),
                    "http", new CheckState(Health.UNHEALTHY, 1, 0, T0, T0, null)));

    private FaultProxy proxy;
    private DynamoDbProbeLeaseStore store;

    @BeforeEach
    void setUp(LocalAws aws) {
        proxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON);
        DynamoDbClient ddb = AwsClients.tune(aws.configure(DynamoDbClient.builder(), "DynamoDB"), RetryMode.STANDARD)
                .endpointOverride(proxy.endpoint()).build();
        String table = aws.uniqueName("lease");
        OwnershipTable.create(aws.dynamoDb(), table);
        store = new DynamoDbProbeLeaseStore(ddb, table);
    }

    @AfterEach
    void tearDown() {
        proxy.close();
    }

    @Test
    void aLeaseIsTakenRenewedAskedForAndHandedOverWithItsCountersAndEveryStaleWriteLoses() {
        assertThat(store.read(AZ)).isEmpty();
        ProbeLease a = store.acquire(AZ, null, "inv-a", T0.plusSeconds(6));
        assertThat(a).extracting(ProbeLease::generation, ProbeLease::holder, ProbeLease::expiresAt).containsExactly(1L, "inv-a", T0.plusSeconds(6));
        assertThatThrownBy(() -> store.acquire(AZ, null, "inv-x", T0.plusSeconds(6))).isInstanceOf(LeaseLostException.class);

        ProbeLease renewed = store.renew(a, T0.plusSeconds(8));
        assertThat(renewed.expiresAt()).isEqualTo(T0.plusSeconds(8));
        assertThatThrownBy(() -> store.acquire(AZ, a, "inv-x", T0.plusSeconds(9)))
                .as("an acquire on the lease as it was before the renewal").isInstanceOf(LeaseLostException.class);

        ProbeLease asked = store.requestHandover(renewed, "inv-b", T0.plusSeconds(7));
        assertThat(asked).extracting(ProbeLease::successor, ProbeLease::successorSince).containsExactly("inv-b", T0.plusSeconds(7));
        assertThatThrownBy(() -> store.requestHandover(renewed, "inv-c", T0.plusSeconds(7)))
                .as("a second successor does not displace the first").isInstanceOf(LeaseLostException.class);

        ProbeLease withSuccessor = store.renew(renewed, T0.plusSeconds(9));
        assertThat(withSuccessor.successor()).as("the holder's renewal shows the successor").isEqualTo("inv-b");
        ProbeLease b = store.handOver(withSuccessor, T0.plusSeconds(15), COUNTERS, T0.plusSeconds(9));
        assertThat(b).extracting(ProbeLease::generation, ProbeLease::holder, ProbeLease::successor).containsExactly(2L, "inv-b", null);
        assertThat(store.read(AZ).orElseThrow().states()).isEqualTo(COUNTERS);

        LeaseLostException lost = org.junit.jupiter.api.Assertions.assertThrows(LeaseLostException.class,
                () -> store.renew(withSuccessor, T0.plusSeconds(10)));
        assertThat(lost.current()).as("the loser learns who holds it").extracting(ProbeLease::holder, ProbeLease::generation)
                .containsExactly("inv-b", 2L);
        assertThatThrownBy(() -> store.release(withSuccessor, Map.of(), T0.plusSeconds(10))).isInstanceOf(LeaseLostException.class);

        ProbeLease released = store.release(b, COUNTERS, T0.plusSeconds(20));
        assertThat(released).extracting(ProbeLease::holder, ProbeLease::expiresAt, ProbeLease::generation).containsExactly(null, T0.plusSeconds(20), 2L);
        ProbeLease c = store.acquire(AZ, released, "inv-c", T0.plusSeconds(26));
        assertThat(c).extracting(ProbeLease::generation, ProbeLease::holder).containsExactly(3L, "inv-c");
        assertThat(c.states()).as("counters survive a release and the next acquire").isEqualTo(COUNTERS);
    }

    @Test
    void ofTwentyInvocationsTakingAnExpiredLeaseAtOnceExactlyOneWins() throws Exception {
        ProbeLease old = store.acquire(AZ, null, "dead", T0);
        List<Callable<String>> takers = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String me = "inv-" + i;
            takers.add(() -> {
                try {
                    return store.acquire(AZ, old, me, T0.plusSeconds(30)).holder();
                } catch (LeaseLostException e) {
                    return null;
                }
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            List<String> winners = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(takers)) {
                if (f.get() != null) {
                    winners.add(f.get());
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(store.read(AZ).orElseThrow()).extracting(ProbeLease::holder, ProbeLease::generation).containsExactly(winners.get(0), 2L);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRenewalWhoseResponseIsLostIsRecognisedAsWritten() {
        ProbeLease a = store.acquire(AZ, null, "inv-a", T0.plusSeconds(6));
        proxy.resetCounts();
        proxy.inject("UpdateItem", new Fault.LostResponse(), 1);
        ProbeLease renewed = store.renew(a, T0.plusSeconds(8));
        assertThat(renewed.expiresAt()).isEqualTo(T0.plusSeconds(8));
        assertThat(proxy.forwarded("UpdateItem")).as("the first attempt reached DynamoDB; the retry met our own write").isEqualTo(2);
    }

    @Test
    void aHandOverWhoseEveryResponseIsLostIsRecognisedByReadingTheLeaseBack() {
        ProbeLease a = store.acquire(AZ, null, "inv-a", T0.plusSeconds(6));
        ProbeLease asked = store.requestHandover(a, "inv-b", T0.plusSeconds(1));
        proxy.inject("UpdateItem", new Fault.LostResponse(), 10);
        ProbeLease b = store.handOver(asked, T0.plusSeconds(7), COUNTERS, T0.plusSeconds(1));
        assertThat(b).extracting(ProbeLease::holder, ProbeLease::generation).containsExactly("inv-b", 2L);
        assertThat(proxy.seen("GetItem")).isOne();
    }

    @Test
    void aThrottledRenewalWritesNothingAndFailsWithTheThrottle() {
        ProbeLease a = store.acquire(AZ, null, "inv-a", T0.plusSeconds(6));
        proxy.inject("UpdateItem", Fault.throttle(), 10);
        assertThatThrownBy(() -> store.renew(a, T0.plusSeconds(8)))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ThrottlingException.class);
        proxy.clear();
        assertThat(store.read(AZ).orElseThrow().expiresAt()).isEqualTo(T0.plusSeconds(6));
    }
}
