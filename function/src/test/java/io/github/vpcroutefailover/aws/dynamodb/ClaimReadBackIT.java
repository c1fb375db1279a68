package io.github.vpcroutefailover.aws.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.github.vpcroutefailover.domain.model.Ownership;
import io.github.vpcroutefailover.domain.model.RouteKey;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.ports.HistoryEntry;
import io.github.vpcroutefailover.ports.OutcomeUnknownException;
import io.github.vpcroutefailover.ports.OwnershipStore;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.FaultProxy.Fault;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A claim or settle whose every response was lost is resolved by reading the record back; when that read fails too,
 * the outcome is unknown, and says so ({@link OutcomeUnknownException}, both failures kept) rather than guessing
 * written or not. Through DynamoDB Local, the real SDK client and a {@link FaultProxy}.
 */
@ExtendWith({LocalAwsExtension.class, ProxiedOwnershipTable.Resolver.class})
class ClaimReadBackIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final RouteKey KEY = RouteKey.parse("rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0");
    private static final RouteTarget NAT_B = RouteTarget.eni("eni-0bbbbbbbbbbbbbbbb", "i-0bbbbbbbbbbbbbbbb");

    private LocalAws aws;
    private ProxiedOwnershipTable t;

    @BeforeEach
    void setUp(ProxiedOwnershipTable t, LocalAws aws) {
        this.aws = aws;
        this.t = t;
        aws.calls().reset();
    }

    private static OwnershipStore.Claim claim() {
        return new OwnershipStore.Claim(KEY, "egress", NAT_B, null, 0, T0, "fn-1", "nat-a unhealthy", T0.plusSeconds(20),
                UUID.randomUUID().toString());
    }

    /** Every response of the write lost (each attempt reached DynamoDB), then every attempt of the read-back refused. */
    private void loseWriteAndReadBack(String write) {
        t.proxy.inject(write, new Fault.LostResponse(), 3);
        t.proxy.inject("GetItem", new Fault.Error(500, "InternalServerError", "Internal server error"), 3);
    }

    @Test
    void aClaimWhoseResponsesAndReadBackFailedIsReportedUnknownWithBothFailures() {
        loseWriteAndReadBack("UpdateItem");

        OutcomeUnknownException e = catchThrowableOfType(OutcomeUnknownException.class, () -> t.owners.claim(claim()));

        assertThat(e).hasMessageContaining("claim of " + KEY.id() + " on version 0 failed")
                .hasMessageContaining("reading the record back failed too")
                .hasMessageContaining("abandoned at " + T0.plusSeconds(20));
        assertThat(e.getCause()).as("the write's failure").isInstanceOf(SdkException.class);
        // The SDK keeps its earlier attempts' failures as suppressed; the read-back's is added after them.
        assertThat(List.of(e.getCause().getSuppressed())).as("the read-back's failure, kept with it").last()
                .satisfies(s -> assertThat(s).hasMessageContaining("Internal server error"));
        assertThat(aws.calls().calls("DynamoDb.GetItem")).as("one read-back").isEqualTo(1);
        assertThat(t.direct.load(KEY)).as("it was written: the reason not to guess").hasValueSatisfying(o ->
                assertThat(o.status()).isEqualTo(Ownership.ClaimStatus.PENDING));
    }

    @Test
    void aSettleWhoseResponsesAndReadBackFailedIsReportedUnknownWithBothFailures() {
        Ownership claimed = t.direct.claim(claim());
        long v = claimed.claim().version();
        loseWriteAndReadBack("TransactWriteItems");

        OutcomeUnknownException e = catchThrowableOfType(OutcomeUnknownException.class, () -> t.owners.settle(new OwnershipStore.Settlement(
                KEY, v, Ownership.ClaimStatus.APPLIED, NAT_B, T0, "fn-1", null, UUID.randomUUID().toString(),
                new HistoryEntry(KEY, "egress", v, T0, "fn-1", null, NAT_B, "nat-a unhealthy", false, HistoryEntry.Outcome.APPLIED,
                        null, null))));

        assertThat(e).hasMessageContaining("settling " + KEY.id() + " claim " + v + " as APPLIED failed")
                .hasMessageContaining("reading the record back failed too");
        assertThat(List.of(e.getCause().getSuppressed())).last().satisfies(s -> assertThat(s).hasMessageContaining("Internal server error"));
        assertThat(aws.calls().calls("DynamoDb.GetItem")).isEqualTo(1);
        assertThat(t.direct.load(KEY)).hasValueSatisfying(o -> assertThat(o.status()).isEqualTo(Ownership.ClaimStatus.APPLIED));
    }
}
