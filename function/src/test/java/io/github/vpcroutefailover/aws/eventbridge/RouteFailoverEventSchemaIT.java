package io.github.vpcroutefailover.aws.eventbridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.github.vpcroutefailover.ports.RouteChangeNotifier.RouteChange;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequest;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;

/**
 * schemas/route-failover-event.json (registered in the stack's EventBridge schema registry, so consumers generate
 * bindings from it) must accept every event the notifier really sends, and the documented example; and it must be
 * strict enough to refuse what consumers could not handle (so this test can fail).
 */
@ExtendWith(LocalAwsExtension.class)
class RouteFailoverEventSchemaIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path SCHEMA = Path.of("..", "schemas", "route-failover-event.json");
    static final Path EVENTS_DOC = Path.of("..", "docs", "events.md");

    static JsonSchema schema() throws Exception {
        // Draft-04 because that is the dialect EventBridge's registry accepts (type JSONSchemaDraft4); formats
        // (date-time) asserted, not just annotated, so a malformed "at" fails here rather than in a consumer.
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(JSON.readTree(Files.readString(SCHEMA)), config);
    }

    /** Keeps what the SDK really sent. */
    static final class Capture implements ExecutionInterceptor {
        final List<PutEventsRequestEntry> sent = new ArrayList<>();

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            if (context.request() instanceof PutEventsRequest r) {
                sent.addAll(r.entries());
            }
        }
    }

    /** The envelope EventBridge wraps around an accepted entry (docs/events.md shows one). */
    static ObjectNode delivered(PutEventsRequestEntry e) throws Exception {
        ObjectNode event = JSON.createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", e.detailType());
        event.put("source", e.source());
        event.put("account", "111111111111");
        event.put("time", e.time().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
        event.put("region", "eu-west-1");
        event.putArray("resources");
        event.set("detail", JSON.readTree(e.detail()));
        return event;
    }

    static List<RouteChange> everyShape() {
        Instant at = Instant.parse("2026-11-21T16:30:00.123456Z");
        RouteTarget natA = RouteTarget.eni("eni-0aaaaaaaaaaaaaaaa", "i-0aaaaaaaaaaaaaaaa");
        RouteTarget natB = RouteTarget.eni("eni-0bbbbbbbbbbbbbbbb", "i-0bbbbbbbbbbbbbbbb");
        RouteTarget natGw = RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0eeeeeeeeeeeeeeee");
        return List.of(
                // failover between instances
                new RouteChange("rtb-0aaaaaaaaaaaaaaaa", "0.0.0.0/0", "default-egress", natA, "nat-a", natB, "nat-b",
                        "nat-a UNHEALTHY: instance stopped", 7, false, false, "inv-1", at),
                // withdraw (to null), IPv4 host route
                new RouteChange("rtb-0cccccccccccccccc", "10.255.0.53/32", "dns-anycast", natB, "nat-b", null, null,
                        "no healthy candidate; withdrawing", 3, false, false, "inv-1", at),
                // create onto a gateway, forced, IPv6
                new RouteChange("rtb-0dddddddddddddddd", "::/0", "ipv6-egress", null, null, natGw, "nat-gw", "fallback", 1, true, false,
                        "inv-1", at),
                // a hop taken over from outside (no config target), dry run, prefix list destination, short ids
                new RouteChange("rtb-0123abcd", "pl-0123456789abcdef0", "to-partner", natGw, null, natA, "nat-a", "taken over",
                        12, false, true, "inv-2", at),
                // the correlated data-path failure alerts: nothing moved, from and to are the hop the route stays on
                new RouteChange("rtb-0aaaaaaaaaaaaaaaa", "0.0.0.0/0", "default-egress", natA, "nat-a", natA, "nat-a",
                        "data path failing through every candidate of route 'default-egress'", 7, false, false, "inv-3", at,
                        RouteChange.CORRELATED_FAILURE),
                new RouteChange("rtb-0aaaaaaaaaaaaaaaa", "0.0.0.0/0", "default-egress", natA, "nat-a", natA, "nat-a",
                        "no longer failing", 7, false, false, "inv-4", at, RouteChange.CORRELATED_CLEARED));
    }

    @Test
    void everyEventTheNotifierSendsIsValid(LocalAws aws) throws Exception {
        Capture capture = new Capture();
        EventBridgeClient events = aws.configure(EventBridgeClient.builder(), "EventBridge")
                .overrideConfiguration(o -> o.addExecutionInterceptor(aws.calls()).addExecutionInterceptor(capture)).build();
        new EventBridgeRouteChangeNotifier(events, null).routesChanged(everyShape());

        assertThat(capture.sent).hasSize(6);
        JsonSchema schema = schema();
        for (PutEventsRequestEntry e : capture.sent) {
            Set<ValidationMessage> errors = schema.validate(delivered(e));
            assertThat(errors).as("schema errors for %s", e.detail()).isEmpty();
        }
    }

    @Test
    void theDocumentedExampleIsValid() throws Exception {
        // Why: docs/events.md is where consumers copy from; its example and the schema must agree.
        Matcher m = Pattern.compile("## The `Route Failover` event.*?```json\\n(.*?)```", Pattern.DOTALL).matcher(Files.readString(EVENTS_DOC));
        assertThat(m.find()).as("docs/events.md has the example").isTrue();
        assertThat(schema().validate(JSON.readTree(m.group(1)))).isEmpty();
    }

    @Test
    void theSchemaRefusesWhatAConsumerCouldNotHandle() throws Exception {
        // Why: a schema that accepts anything generates useless bindings and makes the test above unable to fail.
        JsonSchema schema = schema();
        RouteChange c = everyShape().get(0);
        ObjectNode good = JSON.createObjectNode();
        good.put("version", "0").put("id", "x").put("detail-type", "Route Failover").put("source", "vpc-route-failover")
                .put("account", "111111111111").put("time", "2026-11-21T16:30:00Z").put("region", "eu-west-1");
        good.putArray("resources");
        good.set("detail", EventBridgeRouteChangeNotifier.detail(c));
        assertThat(schema.validate(good)).isEmpty();

        List<java.util.function.Consumer<ObjectNode>> breakages = List.of(
                ev -> ((ObjectNode) ev.get("detail")).remove("version"),
                ev -> ((ObjectNode) ev.get("detail")).put("unexpected", 1),
                ev -> ((ObjectNode) ev.get("detail")).put("alert", "something-else"),
                ev -> ((ObjectNode) ev.get("detail")).put("version", "7"),
                ev -> ((ObjectNode) ev.get("detail")).put("at", "yesterday"),
                ev -> ((ObjectNode) ev.get("detail")).put("routeTableId", "rtb-XYZ"),
                ev -> ((ObjectNode) ev.get("detail")).put("destination", "default"),
                ev -> ((ObjectNode) ev.get("detail").get("to")).remove("kind"),
                ev -> ev.put("source", "someone-else"),
                ev -> ev.put("detail-type", "Route Failover "));
        for (var breakage : breakages) {
            ObjectNode bad = good.deepCopy();
            breakage.accept(bad);
            assertThat(schema.validate(bad)).as("refused: %s", bad).isNotEmpty();
        }
    }
}
