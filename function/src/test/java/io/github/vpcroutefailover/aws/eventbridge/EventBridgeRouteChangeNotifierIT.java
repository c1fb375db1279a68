package io.github.vpcroutefailover.aws.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** The Route Failover event is a public contract (docs/events.md): users route it to chat, paging and tickets. */
@ExtendWith(LocalAwsExtension.class)
class EventBridgeRouteChangeNotifierIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> DOCUMENTED_FIELDS = new TreeSet<>(List.of("routeTableId", "destination", "routeName", "from", "to",
            "reason", "version", "forced", "dryRun", "invocationId", "at", "idempotencyKey"));

    /** Keeps what was sent and what EventBridge answered. */
    static final class Capture implements ExecutionInterceptor {
        final List<PutEventsRequestEntry> sent = new ArrayList<>();
        final List<PutEventsResponse> answers = new ArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutEventsRequest r) {
                sent.addAll(r.entries());
            }
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            if (context.response() instanceof PutEventsResponse r) {
                answers.add(r);
            }
        }
    }

    @Test
    void everyChangeIsOneDocumentedEventInBatchesOfTen(LocalAws aws) throws Exception {
        Capture capture = new Capture();
        EventBridgeClient events = aws.configure(EventBridgeClient.builder(), "EventBridge")
                .overrideConfiguration(o -> o.addExecutionInterceptor(aws.calls()).addExecutionInterceptor(capture)).build();
        Instant at = Instant.parse("2026-11-21T16:30:00.123456Z");
        RouteTarget natA = RouteTarget.eni("eni-0aaaaaaaaaaaaaaaa", "i-0aaaaaaaaaaaaaaaa");
        RouteTarget natB = RouteTarget.eni("eni-0bbbbbbbbbbbbbbbb", "i-0bbbbbbbbbbbbbbbb");
        List<RouteChange> changes = new ArrayList<>(IntStream.range(0, 11).mapToObj(i -> new RouteChange(
                String.format("rtb-%017x", i), "0.0.0.0/0", "default-egress", natA, "nat-a", natB, "nat-b",
                "nat-a UNHEALTHY: instance stopped", 7, false, false, "inv-1", at)).toList());
        changes.add(new RouteChange("rtb-0cccccccccccccccc", "10.255.0.53/32", "dns-anycast", natB, "nat-b", null, null,
                "no healthy candidate; withdrawing", 3, false, false, "inv-1", at));
        changes.add(new RouteChange("rtb-0dddddddddddddddd", "0.0.0.0/0", "default-egress", null, null,
                RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0eeeeeeeeeeeeeeee"), "nat-gw", "fallback", 1, true, false, "inv-1", at));

        new EventBridgeRouteChangeNotifier(events, null).routesChanged(changes);

        assertThat(aws.calls().calls("EventBridge.PutEvents")).as("13 events at 10 a call").isEqualTo(2);
        assertThat(capture.answers).allSatisfy(r -> assertThat(r.failedEntryCount()).isZero());
        assertThat(capture.sent).hasSize(13).allSatisfy(e -> {
            assertThat(e.source()).isEqualTo("vpc-route-failover");
            assertThat(e.detailType()).isEqualTo("Route Failover");
        });
        List<JsonNode> details = new ArrayList<>();
        for (PutEventsRequestEntry e : capture.sent) {
            details.add(JSON.readTree(e.detail()));
        }
        for (JsonNode d : details) {
            Set<String> keys = new TreeSet<>();
            for (Iterator<String> it = d.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertThat(keys).as("exactly the documented fields").isEqualTo(DOCUMENTED_FIELDS);
        }
        JsonNode failover = details.get(0);
        assertThat(failover.path("from").path("target").asText()).isEqualTo("nat-a");
        assertThat(failover.path("from").path("instanceId").asText()).isEqualTo("i-0aaaaaaaaaaaaaaaa");
        assertThat(failover.path("to").path("id").asText()).isEqualTo("eni-0bbbbbbbbbbbbbbbb");
        assertThat(failover.path("to").path("kind").asText()).isEqualTo("INSTANCE");
        assertThat(failover.path("version").asLong()).isEqualTo(7);
        assertThat(failover.path("at").asText()).isEqualTo("2026-11-21T16:30:00.123Z");
        assertThat(details.get(11).path("to").isNull()).as("a withdraw has no next hop").isTrue();
        assertThat(details.get(12).path("from").isNull()).as("a create had no previous hop").isTrue();
        assertThat(details.get(12).path("forced").asBoolean()).isTrue();
    }
}
