package io.github.vpcroutefailover.handler;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.vpcroutefailover.handler.JsonMutator.Mutant;
import io.github.vpcroutefailover.handler.event.BadRequestException;
import io.github.vpcroutefailover.handler.event.EventParser;
import io.github.vpcroutefailover.handler.event.InputPolicy;
import io.github.vpcroutefailover.handler.event.StrictJson;
import io.github.vpcroutefailover.testsupport.LocalAws;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Generative fuzzing of everything the controller is handed, through the real {@link ControllerHandler} against the
 * emulators: every file in events/ and every manual action shape, mutated (types, missing/unknown/duplicated fields,
 * control characters, huge and unusual Unicode strings, nesting, trailing data, truncation). For every input:
 * <ul>
 *   <li>the answer is {@code ok:true}, a clean {@code ok:false} naming a field with a bounded message, or, for an
 *       EventBridge event, a {@link BadRequestException} (refused) or an AWS SDK exception after it was accepted
 *       (documented: the invocation fails so EventBridge retries); nothing else escapes;</li>
 *   <li>a refused input makes zero mutating AWS calls (ApiCallCounter).</li>
 * </ul>
 * Fixed seed and a fixed number of tries, so CI runs the same cases every time.
 */
class HostileInputFuzzIT {
    private static LocalAws aws;
    private static Path dir;
    private static HandlerWorld world;
    private static List<Map.Entry<String, ObjectNode>> seeds;

    @BeforeContainer
    static void start() throws IOException {
        aws = LocalAws.open();
        dir = Files.createTempDirectory("vrf-fuzz");
        world = new HandlerWorld(aws, dir);
        JsonNode placed = world.invoke("aws.events-scheduled.json");
        assertThat(placed.path("ok").asBoolean()).as(placed.toString()).isTrue();
        seeds = seeds(world);
    }

    @AfterContainer
    static void stop() throws IOException {
        if (aws != null) {
            aws.close();
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** Every events/ file (ids replaced with the world's) and every manual action with every field it takes. */
    static List<Map.Entry<String, ObjectNode>> seeds(HandlerWorld w) throws IOException {
        List<Map.Entry<String, ObjectNode>> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(HandlerWorld.EVENTS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                out.add(Map.entry(f.getFileName().toString(), StrictJson.readObject(w.event(f.getFileName().toString()))));
            }
        }
        String rtb = w.rtbA;
        List<String> manual = List.of(
                "{\"action\":\"status\",\"route\":\"default-egress\",\"requestedBy\":\"alice\"}",
                "{\"action\":\"plan\",\"route\":\"default-egress\",\"requestedBy\":\"alice\"}",
                "{\"action\":\"failover\",\"route\":\"default-egress\",\"routeTableIds\":[\"" + rtb + "\"],\"to\":\"nat-b\",\"force\":false,"
                        + "\"reason\":\"patching\",\"dryRun\":true,\"requestedBy\":\"alice\"}",
                "{\"action\":\"failover\",\"target\":\"nat-a\",\"dryRun\":true,\"reason\":\"patching\"}",
                "{\"action\":\"drain\",\"target\":\"nat-a\",\"reason\":\"patching\",\"dryRun\":true,\"requestedBy\":\"alice\"}",
                "{\"action\":\"undrain\",\"target\":\"nat-a\",\"reason\":\"done\",\"requestedBy\":\"alice\"}",
                "{\"action\":\"pin\",\"route\":\"default-egress\",\"routeTableIds\":[\"" + rtb + "\"],\"target\":\"nat-b\",\"for\":\"2h\","
                        + "\"force\":false,\"reason\":\"investigating\",\"requestedBy\":\"alice\"}",
                "{\"action\":\"pin\",\"route\":\"default-egress\",\"target\":\"nat-b\",\"until\":\"2030-01-01T06:00:00Z\"}",
                "{\"action\":\"unpin\",\"route\":\"default-egress\",\"routeTableIds\":[\"" + rtb + "\"],\"requestedBy\":\"alice\"}",
                "{\"action\":\"deregister\",\"route\":\"dns-anycast-extra\",\"requestedBy\":\"alice\"}",
                "{\"action\":\"drill\",\"route\":\"default-egress\",\"window\":\"20s\",\"dryRun\":true,\"requestedBy\":\"alice\"}");
        for (String m : manual) {
            ObjectNode n = StrictJson.readObject(m);
            out.add(Map.entry("manual:" + n.get("action").asText(), n));
        }
        return out;
    }

    @Provide
    Arbitrary<Mutant> hostile() {
        return Combinators.combine(Arbitraries.integers().between(0, seeds.size() - 1), Arbitraries.randoms())
                .as((i, r) -> JsonMutator.mutate(seeds.get(i).getKey(), seeds.get(i).getValue(), r));
    }

    @Property(tries = 3000, seed = "1127", shrinking = ShrinkingMode.OFF)
    void refusedInputsAreCleanAndChangeNothing(@ForAll("hostile") Mutant m) {
        aws.calls().reset();
        String outcome;
        try {
            JsonNode out = world.handler.handle(m.payload(), null);
            if (out.path("ok").asBoolean(false)) {
                outcome = "accepted";
            } else {
                JsonNode error = out.path("error");
                assertThat(out.path("ok").isBoolean()).as("ok is a boolean: %s", m).isTrue();
                assertThat(error.path("field").asText()).as("field named: %s", m).isNotBlank().hasSizeLessThanOrEqualTo(InputPolicy.MAX_FIELD_CHARS + 32);
                assertThat(error.path("message").asText()).as("message: %s", m).isNotBlank().hasSizeLessThanOrEqualTo(InputPolicy.MAX_ERROR_CHARS + 32);
                assertThat(error.path("correlationId").isMissingNode()).as("no internal error: %s -> %s", m, out).isTrue();
                assertThat(aws.calls().mutations()).as("a refused input makes no mutating call: %s -> %s", m, out).isEmpty();
                outcome = "refused";
            }
        } catch (BadRequestException e) {
            assertThat(e.field()).as("%s", m).isNotBlank();
            assertThat(e.getMessage()).as("%s", m).hasSizeLessThanOrEqualTo(InputPolicy.MAX_FIELD_CHARS + InputPolicy.MAX_ERROR_CHARS + 64);
            assertThat(aws.calls().mutations()).as("a refused event makes no mutating call: %s", m).isEmpty();
            outcome = "refused event";
        } catch (SdkException e) {
            // Accepted events fail the invocation on AWS errors, by design; only an event that parses may get here.
            assertThat(EventParser.parse(StrictJson.readObject(m.payload()))).as("%s", m).isNotNull();
            outcome = "accepted event, AWS error";
        }
        Statistics.label("outcome").collect(outcome);
        Statistics.label("seed").collect(m.seed().startsWith("manual") ? m.seed() : "event");
    }
}
