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
        check(m);
    }

    /**
     * The drill action on its own (issue #14): route keys, the dry-run flag and window durations drawn from valid,
     * boundary and hostile values, written as raw JSON (duplicate keys, fields the action does not take, trailing
     * data), a third of them mutated further. A drill that is not a dry run would move a route; none may be made by
     * a refused input. The world has no data-path check, so a drill that parses is refused by the drill rules
     * (naming the route), never run.
     */
    @Property(tries = 600, seed = "1128", shrinking = ShrinkingMode.OFF)
    void drillPayloadsAreCleanAndChangeNothing(@ForAll("drills") Mutant m) {
        check(m);
    }

    static final List<String> DRILL_ROUTES = List.of("\"default-egress\"", "\"dns-anycast-extra\"", "\"\"", "\"DEFAULT-EGRESS\"",
            "\"default-egress\\u0000\"", "\"default-egress\\u202e\"", "\"" + "r".repeat(5000) + "\"", "\"../../etc/passwd\"", "null", "42",
            "[\"default-egress\"]", "{\"name\":\"default-egress\"}", "\"default-egress \"", "\"rtb-0aaaaaaaaaaaaaaaa|0.0.0.0/0\"");
    static final List<String> DRILL_WINDOWS = List.of("\"20s\"", "\"0s\"", "\"-5s\"", "\"40s\"", "\"41s\"", "\"1h\"", "\"1ms\"",
            "\"9999999999999999999s\"", "\"106751991167301d\"", "\"P1D\"", "\"PT20S\"", "\"20\"", "20", "20.5", "-1", "\"\"", "\"1e9s\"",
            "\"20s\\n\"", "\"2\\u0000s\"", "null", "true", "[\"20s\"]");
    static final List<String> DRILL_DRY_RUNS = List.of("true", "false", "\"true\"", "\"false\"", "1", "0", "null", "\"yes\"", "[]");
    static final List<String> DRILL_BY = List.of("\"alice\"", "\"\"", "\"" + "b".repeat(200) + "\"", "\"bob\\u0007\"", "7");
    static final List<String> DRILL_EXTRAS = List.of("", ",\"routeTableIds\":[\"rtb-0aaaaaaaaaaaaaaaa\"]", ",\"force\":true",
            ",\"dryRun\":false", ",\"window\":\"1s\"", ",\"to\":\"nat-b\"", ",\"action\":\"failover\"");

    @Provide
    Arbitrary<Mutant> drills() {
        return Arbitraries.randoms().map(r -> {
            StringBuilder b = new StringBuilder("{\"action\":\"drill\"");
            List<String> steps = new ArrayList<>();
            if (r.nextInt(8) != 0) {
                b.append(",\"route\":").append(pick(DRILL_ROUTES, r, steps, "route"));
            }
            if (r.nextInt(4) != 0) {
                b.append(",\"window\":").append(pick(DRILL_WINDOWS, r, steps, "window"));
            }
            if (r.nextInt(4) != 0) {
                b.append(",\"dryRun\":").append(pick(DRILL_DRY_RUNS, r, steps, "dryRun"));
            }
            if (r.nextBoolean()) {
                b.append(",\"requestedBy\":").append(pick(DRILL_BY, r, steps, "requestedBy"));
            }
            // Extras: a field drill does not take, or a duplicate key (the later "dryRun":false after a dry run).
            b.append(pick(DRILL_EXTRAS, r, steps, "extra")).append('}');
            if (r.nextInt(10) == 0) {
                b.append(r.nextBoolean() ? "{}" : " x");
                steps.add("trailing");
            }
            byte[] payload = b.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            if (r.nextInt(3) == 0) {
                try {
                    Mutant deeper = JsonMutator.mutate("manual:drill", StrictJson.readObject(payload), r);
                    steps.addAll(deeper.steps());
                    return new Mutant("manual:drill", deeper.payload(), steps);
                } catch (RuntimeException e) {
                    steps.add("unparsable: sent as written");
                }
            }
            return new Mutant("manual:drill", payload, steps);
        });
    }

    private static String pick(List<String> values, java.util.Random r, List<String> steps, String field) {
        String v = values.get(r.nextInt(values.size()));
        steps.add(field + "=" + (v.length() > 40 ? v.substring(0, 40) + "..." : v));
        return v;
    }

    private static void check(Mutant m) {
        aws.calls().reset();
        String outcome;
        try {
            JsonNode out = world.handler.handle(m.payload(), null);
            if (out.path("ok").asBoolean(false)) {
                outcome = "accepted";
                if (m.seed().equals("manual:drill")) {
                    assertThat(aws.calls().mutations()).as("no drill can run in this world: only a dry run is accepted: %s -> %s", m, out).isEmpty();
                }
            } else {
                JsonNode error = out.path("error");
                assertThat(out.path("ok").isBoolean()).as("ok is a boolean: %s", m).isTrue();
                assertThat(error.path("field").asText()).as("field named: %s", m).isNotBlank().hasSizeLessThanOrEqualTo(InputPolicy.MAX_FIELD_CHARS + 32);
                assertThat(error.path("message").asText()).as("message: %s", m).isNotBlank().hasSizeLessThanOrEqualTo(InputPolicy.MAX_ERROR_CHARS + 32);
                assertThat(error.path("correlationId").isMissingNode()).as("no internal error: %s -> %s", m, out).isTrue();
                assertThat(aws.calls().mutations()).as("a refused input makes no mutating call: %s -> %s", m, out).isEmpty();
                outcome = "refused";
                if (m.seed().equals("manual:drill")) {
                    Statistics.label("drill refused on").collect(error.path("field").asText());
                }
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
