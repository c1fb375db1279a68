package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.vpcroutefailover.handler.event.BadRequestException;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * Issue #11's hostile examples, as a batch through the real handler against the emulators: each is refused with
 * {@code ok:false} (or, for an EventBridge event, {@link BadRequestException}) naming the field, no mutating call is
 * made, and every route table of the VPC and every item of the DynamoDB table are identical before and after.
 */
@ExtendWith(LocalAwsExtension.class)
class HostileInputSnapshotIT {
    @TempDir
    Path dir;

    /** One hostile input and the field it must be refused on. */
    record Example(String name, String payload, String field) {
    }

    static List<Example> examples(HandlerWorld w) {
        String mb = "x".repeat(1024 * 1024);
        String kb250 = "r".repeat(250 * 1024);
        String stopped = new String(w.event("aws.ec2-instance-state-change-stopped.json"), StandardCharsets.UTF_8);
        String alarm = new String(w.event("aws.cloudwatch-alarm-state-change-config-alarm.json"), StandardCharsets.UTF_8);
        List<Example> x = new ArrayList<>();
        // Duplicate keys: last-wins would drain nat-a / make the dry run real.
        x.add(new Example("duplicate action (status, then drain)", "{\"action\":\"status\",\"action\":\"drain\",\"target\":\"nat-a\"}", "action"));
        x.add(new Example("duplicate dryRun (true, then false)", "{\"action\":\"drain\",\"target\":\"nat-b\",\"dryRun\":true,\"dryRun\":false}", "dryRun"));
        x.add(new Example("duplicate force on failover", "{\"action\":\"failover\",\"route\":\"default-egress\",\"to\":\"nat-b\",\"force\":false,\"force\":true}", "force"));
        x.add(new Example("duplicate key in a registered route", "{\"action\":\"register\",\"route\":{\"name\":\"extra\",\"name\":\"extra2\","
                + "\"destination\":\"10.255.0.9/32\",\"routeTables\":[{\"tags\":{\"tier\":\"private\"}}],\"targets\":[\"nat-a\"]}}", "route.name"));
        x.add(new Example("duplicate key in an EC2 event", stopped.replace("\"state\": \"stopped\"", "\"state\": \"running\", \"state\": \"stopped\""),
                "detail.state"));
        // Trailing content.
        x.add(new Example("trailing second object", "{\"action\":\"status\"} {\"action\":\"drain\",\"target\":\"nat-a\"}", "$"));
        x.add(new Example("trailing garbage after an event", stopped + " ]", "$"));
        // Control characters and blanks: refused, not stripped or trimmed.
        x.add(new Example("NUL in route", "{\"action\":\"failover\",\"route\":\"default-egress\\u0000\",\"to\":\"nat-b\"}", "route"));
        x.add(new Example("NUL in target", "{\"action\":\"drain\",\"target\":\"nat-a\\u0000\"}", "target"));
        x.add(new Example("unit separator in to", "{\"action\":\"failover\",\"route\":\"default-egress\",\"to\":\"nat-b\\u001f\"}", "to"));
        x.add(new Example("leading blank in target", "{\"action\":\"drain\",\"target\":\" nat-a\"}", "target"));
        x.add(new Example("tab after route", "{\"action\":\"pin\",\"route\":\"default-egress\\t\",\"target\":\"nat-b\",\"for\":\"1h\"}", "route"));
        x.add(new Example("bidi override in reason", "{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"ok\\u202e\"}", "reason"));
        x.add(new Example("newline in requestedBy", "{\"action\":\"drain\",\"target\":\"nat-a\",\"requestedBy\":\"alice\\nINFO forged log line\"}", "requestedBy"));
        x.add(new Example("NUL in an event's alarm name", alarm.replace("\"team-nat-packet-loss\"", "\"team-nat-packet-loss\\u0000\""), "detail.alarmName"));
        // Huge durations: raw NumberFormatException / ArithmeticException before.
        x.add(new Example("pin for 99999999999999999999d", "{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"for\":\"99999999999999999999d\"}", "for"));
        x.add(new Example("pin for 9223372036854775807d", "{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"for\":\"9223372036854775807d\"}", "for"));
        x.add(new Example("pin until year 1000000000", "{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"until\":\"+1000000000-12-31T23:59:59Z\"}", "until"));
        // No length limits before.
        x.add(new Example("250 KB pin reason", "{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"for\":\"1h\",\"reason\":\"" + kb250 + "\"}", "reason"));
        x.add(new Example("2000-character drain reason", "{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"" + "d".repeat(2000) + "\"}", "reason"));
        x.add(new Example("1 MB unknown action (echoed whole before)", "{\"action\":\"" + mb + "\"}", "action"));
        x.add(new Example("1 MB target", "{\"action\":\"drain\",\"target\":\"" + mb + "\"}", "target"));
        x.add(new Example("5 MB requestedBy", "{\"action\":\"status\",\"requestedBy\":\"" + "b".repeat(5 * 1024 * 1024) + "\"}", "requestedBy"));
        x.add(new Example("10 KB requestedBy", "{\"action\":\"drain\",\"target\":\"nat-a\",\"requestedBy\":\"" + "b".repeat(10_000) + "\"}", "requestedBy"));
        x.add(new Example("registered route of 20 KB", "{\"action\":\"register\",\"route\":{\"name\":\"big\",\"destination\":\"10.255.0.9/32\","
                + "\"routeTables\":[" + "{\"tags\":{\"tier\":\"private\"}},".repeat(700) + "{\"tags\":{\"tier\":\"private\"}}],\"targets\":[\"nat-a\"]}}", "route"));
        x.add(new Example("20,000-deep nesting", "{\"action\":\"status\",\"route\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}", "route" + "[0]".repeat(32)));
        return x;
    }

    @Test
    void everyHostileExampleIsRefusedNamingItsFieldAndNothingChanges(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        // A world with every kind of item: ownership (after placement), a pin with a reason, a drain, history, a registration.
        assertThat(w.invoke("aws.events-scheduled.json").path("ok").asBoolean()).isTrue();
        w.advance(Duration.ofSeconds(10));
        assertThat(w.invoke("manual-register.json").path("ok").asBoolean()).isTrue();
        assertThat(w.invokeJson("{\"action\":\"pin\",\"route\":\"default-egress\",\"routeTableIds\":[\"" + w.rtbB + "\"],\"target\":\"nat-b\","
                + "\"for\":\"2h\",\"reason\":\"baseline pin\",\"requestedBy\":\"carol\"}").path("ok").asBoolean()).isTrue();
        assertThat(w.invokeJson("{\"action\":\"drain\",\"target\":\"nat-b\",\"reason\":\"baseline drain\",\"dryRun\":true}").path("ok").asBoolean()).isTrue();
        String routesBefore = routeTables(aws, w.net.vpcId());
        String itemsBefore = items(aws, w.table);
        aws.calls().reset();

        SoftAssertions soft = new SoftAssertions();
        StringBuilder table = new StringBuilder("| example | result |\n| --- | --- |\n");
        for (Example e : examples(w)) {
            String result = outcome(w, e.payload());
            table.append("| ").append(e.name()).append(" | ").append(result).append(" |\n");
            soft.assertThat(result).as(e.name()).startsWith("refused field=" + e.field() + " ");
        }
        System.out.println(table);
        soft.assertThat(aws.calls().mutations()).as("mutating calls during the hostile batch").isEmpty();
        soft.assertThat(routeTables(aws, w.net.vpcId())).as("every route table of the VPC").isEqualTo(routesBefore);
        soft.assertThat(items(aws, w.table)).as("every item of the DynamoDB table").isEqualTo(itemsBefore);
        soft.assertAll();
    }

    private static final String FN = "arn:aws:lambda:eu-west-1:111111111111:function:VpcRouteFailover-ControllerFunction1A2B";

    @Test
    void manualActionsAreAcceptedOnlyThroughTheOperatorAliasAndRecordHowTheyCame(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        assertThat(w.handler.handle(w.event("aws.events-scheduled.json"), new CallerIdentityTest.FakeContext("r0", FN + ":live", null, null))
                .path("ok").asBoolean()).as("events on the event path").isTrue();
        w.advance(Duration.ofSeconds(10));
        String routesBefore = routeTables(aws, w.net.vpcId());
        aws.calls().reset();
        for (String qualifier : List.of(":live", ":3", "")) {
            for (String json : List.of("{\"action\":\"drain\",\"target\":\"nat-a\"}", "{\"action\":\"status\"}")) {
                JsonNode out = w.handler.handle(json.getBytes(StandardCharsets.UTF_8), new CallerIdentityTest.FakeContext("r1", FN + qualifier, null, null));
                assertThat(out.path("ok").asBoolean()).as(qualifier + " " + json).isFalse();
                assertThat(out.path("error").path("field").asText()).isEqualTo("action");
                assertThat(out.path("error").path("message").asText()).contains("only through the 'operator' alias");
            }
        }
        assertThat(aws.calls().total()).as("refused before any AWS call").isZero();
        assertThat(routeTables(aws, w.net.vpcId())).isEqualTo(routesBefore);

        var operator = new CallerIdentityTest.FakeContext("r2", FN + ":operator", null, java.util.Map.of("caller", "vrf-cli"));
        JsonNode drain = w.handler.handle("{\"action\":\"drain\",\"target\":\"nat-a\",\"requestedBy\":\"alice\"}".getBytes(StandardCharsets.UTF_8), operator);
        assertThat(drain.path("ok").asBoolean()).as(drain.toString()).isTrue();
        assertThat(w.hop(w.rtbA)).isEqualTo(w.eniB());
        String status = w.handler.handle("{\"action\":\"status\"}".getBytes(StandardCharsets.UTF_8), operator).toString();
        assertThat(status).contains("drained by manual lambda:r2 via=operator function=VpcRouteFailover-ControllerFunction1A2B:operator "
                + "clientContext.caller=vrf-cli (self-declared) requestedBy=alice (self-declared)");
    }

    /**
     * Every text at its longest, in 4-byte characters: the items stay far below DynamoDB's 400 KB (the documented
     * 16 KB), and reconciles keep working ("Item size exceeded" made them fail for 15 minutes before).
     */
    @Test
    void notesAtTheirLimitsKeepEveryItemFarBelowDynamoDbsLimit(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        assertThat(w.invoke("aws.events-scheduled.json").path("ok").asBoolean()).isTrue();
        w.advance(Duration.ofSeconds(10));
        String rocket = "\ud83d\ude80";
        String reason = rocket.repeat(io.github.vpcroutefailover.handler.event.InputPolicy.MAX_REASON_CHARS);
        String by = rocket.repeat(io.github.vpcroutefailover.handler.event.InputPolicy.MAX_REQUESTED_BY_CHARS);
        var operator = new CallerIdentityTest.FakeContext("8c1b5a4e-0a5f-4f7e-9d2c-1a2b3c4d5e6f", FN + ":operator",
                "eu-west-1:0a1b2c3d-4e5f-6a7b-8c9d-0e1f2a3b4c5d", java.util.Map.of("caller", by));
        for (String json : List.of(
                "{\"action\":\"failover\",\"route\":\"default-egress\",\"routeTableIds\":[\"" + w.rtbA + "\"],\"to\":\"nat-b\",\"reason\":\"" + reason + "\",\"requestedBy\":\"" + by + "\"}",
                "{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"for\":\"2h\",\"force\":true,\"reason\":\"" + reason
                        + "\",\"requestedBy\":\"" + by + "\"}",
                "{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"" + reason + "\",\"requestedBy\":\"" + by + "\"}")) {
            JsonNode out = w.handler.handle(json.getBytes(StandardCharsets.UTF_8), operator);
            assertThat(out.path("ok").asBoolean()).as(out.toString()).isTrue();
        }
        w.advance(Duration.ofMinutes(1));
        JsonNode later = w.invoke("aws.events-scheduled.json");
        assertThat(later.path("ok").asBoolean()).as(later.toString()).isTrue();
        assertThat(later.path("reconcile").path("notes").toString()).doesNotContain("Item size");
        long largest = 0;
        for (Map<String, AttributeValue> item : aws.dynamoDb().scanPaginator(r -> r.tableName(w.table)).items()) {
            largest = Math.max(largest, size(item));
        }
        System.out.println("largest item: " + largest + " bytes");
        assertThat(largest).as("largest item, bytes").isGreaterThan(8_000).isLessThan(16 * 1024);
    }

    /** DynamoDB's item size rule: attribute names and values in UTF-8, numbers about their digits, 3 bytes per container. */
    static long size(Map<String, AttributeValue> item) {
        long n = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            n += e.getKey().getBytes(StandardCharsets.UTF_8).length + size(e.getValue());
        }
        return n;
    }

    private static long size(AttributeValue v) {
        if (v.s() != null) {
            return v.s().getBytes(StandardCharsets.UTF_8).length;
        }
        if (v.n() != null) {
            return v.n().length() / 2 + 1;
        }
        if (v.bool() != null || Boolean.TRUE.equals(v.nul())) {
            return 1;
        }
        if (v.hasM()) {
            return 3 + size(v.m());
        }
        if (v.hasL()) {
            return 3 + v.l().stream().mapToLong(HostileInputSnapshotIT::size).sum() + v.l().size();
        }
        if (v.hasSs()) {
            return v.ss().stream().mapToLong(x -> x.getBytes(StandardCharsets.UTF_8).length).sum();
        }
        return v.toString().length();
    }

    @Test
    void anUnexpectedFailureOnAManualInvokeIsAnOkFalseAnswerWithACorrelationIdInTheLog(LocalAws aws) {
        HandlerWorld w = new HandlerWorld(aws, dir);
        assertThat(w.invoke("aws.events-scheduled.json").path("ok").asBoolean()).isTrue();
        // The table goes away under the function: every DynamoDB call now fails with ResourceNotFoundException.
        aws.dynamoDb().deleteTable(r -> r.tableName(w.table));
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(ControllerHandler.class);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            JsonNode out = w.invokeJson("{\"action\":\"status\"}");
            assertThat(out.path("ok").asBoolean(true)).as(out.toString()).isFalse();
            String id = out.path("error").path("correlationId").asText();
            assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(out.path("error").path("field").asText()).isEqualTo("$");
            assertThat(out.path("error").path("message").asText()).contains(id).contains("ResourceNotFoundException").contains("partly applied");
            assertThat(logs.list).anySatisfy(e -> {
                assertThat(e.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
                assertThat(e.getKeyValuePairs()).anySatisfy(kv -> assertThat(kv.value).isEqualTo(id));
                assertThat(e.getThrowableProxy()).as("the stack trace is logged").isNotNull();
                assertThat(e.getThrowableProxy().getClassName()).endsWith("ResourceNotFoundException");
            });
        } finally {
            logger.detachAppender(logs);
        }
        // The event path still fails the invocation, so Lambda's retries and the dead-letter queue see it.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> w.invoke("aws.events-scheduled.json"))
                .isInstanceOf(software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException.class);
    }

    /** "refused field=<f> len=<n>: <prefix>" for a clean refusal, else what happened instead. */
    static String outcome(HandlerWorld w, String payload) {
        try {
            JsonNode out = w.handler.handle(payload.getBytes(StandardCharsets.UTF_8), null);
            if (!out.path("ok").asBoolean(true)) {
                String m = out.path("error").path("message").asText();
                return "refused field=" + out.path("error").path("field").asText() + " len=" + m.length() + ": " + cell(m);
            }
            return "ACCEPTED: " + cell(out.toString());
        } catch (BadRequestException e) {
            return "refused field=" + e.field() + " len=" + e.getMessage().length() + " (event, thrown): " + cell(e.getMessage());
        } catch (RuntimeException e) {
            return "UNCAUGHT " + e.getClass().getSimpleName() + ": " + cell(String.valueOf(e.getMessage()));
        }
    }

    private static String cell(String s) {
        String t = s.length() > 90 ? s.substring(0, 90) + "..." : s;
        return t.replace("|", "\\|").replaceAll("[\\p{Cntrl}]", "?");
    }

    /** Every route table of the VPC with its routes, associations and tags, in a stable order. */
    static String routeTables(LocalAws aws, String vpcId) {
        Map<String, String> out = new TreeMap<>();
        for (RouteTable t : aws.ec2().describeRouteTablesPaginator(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build()))
                .routeTables()) {
            List<String> routes = t.routes().stream().map(Route::toString).sorted().toList();
            List<String> assoc = t.associations().stream().map(Object::toString).sorted().toList();
            List<String> tags = t.tags().stream().map(Object::toString).sorted().toList();
            out.put(t.routeTableId(), routes + " " + assoc + " " + tags);
        }
        return out.toString().replace("], ", "],\n");
    }

    /** Every item of the table, attributes sorted, items sorted. */
    static String items(LocalAws aws, String table) {
        List<String> items = new ArrayList<>();
        for (Map<String, AttributeValue> item : aws.dynamoDb().scanPaginator(r -> r.tableName(table).consistentRead(true)).items()) {
            items.add(new TreeMap<>(item).toString());
        }
        assertThat(items).as("the baseline has items to compare").hasSizeGreaterThan(3);
        return String.join("\n", items.stream().sorted().toList());
    }
}
