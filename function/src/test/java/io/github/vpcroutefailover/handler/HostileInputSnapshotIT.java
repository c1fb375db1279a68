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
