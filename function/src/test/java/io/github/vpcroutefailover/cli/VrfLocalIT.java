package io.github.vpcroutefailover.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import io.github.vpcroutefailover.testsupport.TwoNatWorld;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.model.Route;

/**
 * The operator's day with {@code vrf --local} against the emulators: create the table, see the plan, place the
 * routes, read status as a table and as JSON, fail over (asked on a terminal, refused without a terminal or --yes),
 * read the history, pin, drain, register; each command's output asserted, and each change checked in EC2.
 */
@ExtendWith(LocalAwsExtension.class)
class VrfLocalIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private record World(TestNetwork net, String natA, String natB, String rtbA, String rtbB, Path config, String table) {
    }

    private static World world(LocalAws aws, Path dir) throws Exception {
        TwoNatWorld two = TwoNatWorld.create(aws);
        Path config = dir.resolve("routes.yaml");
        Files.writeString(config, two.config());
        return new World(two.net(), two.natA(), two.natB(), two.rtbA(), two.rtbB(), config, aws.uniqueName("cli"));
    }

    private static String[] local(World w, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--local", "--config", w.config().toString(), "--table-name", w.table()));
        return all.toArray(String[]::new);
    }

    @Test
    void anOperatorsDayAgainstTheEmulators(LocalAws aws, @TempDir Path dir) throws Exception {
        World w = world(aws, dir);
        try (TestNetwork net = w.net()) {
            CliRun vrf = new CliRun(aws);

            // The table does not exist yet: status says how to create it.
            CliRun.Result noTable = vrf.piped(local(w, "status"));
            assertThat(noTable.exit()).as(noTable.err()).isEqualTo(1);
            assertThat(noTable.err()).contains("vrf init --local --table-name " + w.table());

            CliRun.Result init = vrf.piped("init", "--local", "--table-name", w.table());
            assertThat(init.exit()).as(init.err()).isZero();
            assertThat(init.out().trim()).isEqualTo(w.table());
            assertThat(init.err()).contains("created ownership table");
            CliRun.Result again = vrf.piped("init", "--local", "--table-name", w.table());
            assertThat(again.exit()).isZero();
            assertThat(again.err()).contains("already exists");

            // Plan, as a terminal shows it: a route appears in each table.
            CliRun.Result plan = vrf.terminal("", local(w, "plan"));
            assertThat(plan.exit()).as(plan.err()).isZero();
            assertThat(plan.out()).contains("+ default-egress  " + w.rtbA() + "  0.0.0.0/0  (none) -> nat-a")
                    .contains("+ default-egress  " + w.rtbB() + "  0.0.0.0/0  (none) -> nat-b").contains("why: ");
            assertThat(hops(aws, w)).as("plan changes nothing").containsExactly(null, null);

            CliRun.Result scheduled = vrf.piped(local(w, "invoke", events().resolve("aws.events-scheduled.json").toString()));
            assertThat(scheduled.exit()).as(scheduled.err()).isZero();
            assertThat(JSON.readTree(scheduled.out()).path("ok").asBoolean()).isTrue();
            assertThat(hops(aws, w)).containsExactly(w.natA(), w.natB());

            // Status: a table on a terminal, one JSON document when piped.
            CliRun.Result table = vrf.terminal("", local(w, "status"));
            assertThat(table.exit()).as(table.err()).isZero();
            List<String> lines = table.out().lines().toList();
            assertThat(lines.get(0)).startsWith("ROUTE").contains("TABLE", "AZ", "CURRENT", "DESIRED", "HEALTH", "PIN/DRAIN", "LAST CHANGE");
            assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("default-egress").contains(w.rtbA(), "nat-a:healthy", "nat-b:healthy", "applied"));
            CliRun.Result json = vrf.piped(local(w, "status"));
            JsonNode status = JSON.readTree(json.out());
            assertThat(status.path("ok").asBoolean()).isTrue();
            assertThat(status.path("routes")).hasSize(2);
            assertThat(JSON.readTree(vrf.terminal("", local(w, "status", "--output", "json")).out()).path("routes")).hasSize(2);
            assertThat(vrf.piped(local(w, "status", "-o", "table")).out()).startsWith("ROUTE");

            // A change off a terminal without --yes is refused before anything is sent.
            CliRun.Result noYes = vrf.piped(local(w, "failover", "default-egress", "--to", "nat-b", "--route-table", w.rtbA()));
            assertThat(noYes.exit()).isEqualTo(2);
            assertThat(noYes.err()).contains("stdin is not a terminal").contains("--yes");
            assertThat(hops(aws, w)).containsExactly(w.natA(), w.natB());

            // On a terminal: the dry run is shown, then the question; "n" changes nothing.
            CliRun.Result declined = vrf.terminal("n\n", local(w, "failover", "default-egress", "--to", "nat-b", "--route-table", w.rtbA()));
            assertThat(declined.exit()).isEqualTo(1);
            assertThat(declined.err()).contains("Would do (dry run").contains("nat-b").contains("Proceed? [y/N]").contains("not confirmed");
            assertThat(hops(aws, w)).containsExactly(w.natA(), w.natB());

            CliRun.Result moved = vrf.terminal("y\n", local(w, "failover", "default-egress", "--to", "nat-b", "--route-table", w.rtbA(),
                    "--reason", "patching nat-a"));
            assertThat(moved.exit()).as(moved.err()).isZero();
            assertThat(moved.out()).contains("moves:").contains("to=nat-b").contains("APPLIED");
            assertThat(hops(aws, w)).containsExactly(w.natB(), w.natB());

            // History, newest first, the same through JSON and the table.
            JsonNode history = JSON.readTree(vrf.piped(local(w, "history")).out());
            JsonNode entries = history.path("entries");
            assertThat(entries).hasSize(3);
            assertThat(entries.get(0).path("routeTableId").asText()).isEqualTo(w.rtbA());
            assertThat(entries.get(0).path("to").asText()).contains(w.natB());
            assertThat(entries.get(0).path("from").asText()).contains(w.natA());
            assertThat(entries.get(0).path("reason").asText()).contains("manual failover: patching nat-a");
            assertThat(entries.get(0).path("by").asText()).contains("requestedBy=vrf-cli:tester (self-declared)");
            assertThat(entries.get(0).path("outcome").asText()).isEqualTo("APPLIED");
            assertThat(entries.get(1).path("at").asText()).isLessThanOrEqualTo(entries.get(0).path("at").asText());
            CliRun.Result historyTable = vrf.terminal("", local(w, "history", "default-egress", "--since", "1h"));
            assertThat(historyTable.out().lines().findFirst().orElseThrow()).startsWith("AT").contains("ROUTE", "FROM", "TO", "OUTCOME", "BY", "WHY");
            assertThat(historyTable.out()).contains("manual failover: patching nat-a");
            CliRun.Result future = vrf.terminal("", local(w, "history", "--since", "2100-01-01T00:00:00Z"));
            assertThat(future.out()).contains("No route changes since 2100-01-01T00:00:00Z");
            assertThat(JSON.readTree(vrf.piped(local(w, "history", "--limit", "1")).out()).path("entries")).hasSize(1);

            // The failover holds with a pin; unpin lets the planner move it back.
            assertThat(vrf.terminal("", local(w, "status", "default-egress")).out()).contains("pinned");
            CliRun.Result unpin = vrf.piped(local(w, "unpin", "default-egress", "--yes"));
            assertThat(unpin.exit()).as(unpin.err()).isZero();
            assertThat(JSON.readTree(unpin.out()).path("unpinned")).hasSize(1);

            // Drain: the dry run changes nothing, the real one moves every route off nat-b's table share.
            CliRun.Result dry = vrf.piped(local(w, "drain", "nat-b", "--dry-run"));
            assertThat(dry.exit()).as(dry.err()).isZero();
            assertThat(JSON.readTree(dry.out()).path("dryRun").asBoolean()).isTrue();
            CliRun.Result drain = vrf.piped(local(w, "drain", "nat-b", "--yes", "--reason", "kernel"));
            assertThat(drain.exit()).as(drain.err()).isZero();
            assertThat(hops(aws, w)).containsExactly(w.natA(), w.natA());
            assertThat(vrf.terminal("", local(w, "status")).out()).contains("drained nat-b");
            assertThat(vrf.piped(local(w, "undrain", "nat-b", "--yes")).exit()).isZero();

            // Pin with flags.
            CliRun.Result pin = vrf.piped(local(w, "pin", "default-egress", "nat-a", "--for", "1h", "--route-table", w.rtbB(), "--yes"));
            assertThat(pin.exit()).as(pin.err()).isZero();
            assertThat(JSON.readTree(pin.out()).path("pinned").get(0).path("routeTableId").asText()).isEqualTo(w.rtbB());

            // Refusals: the controller's message, exit 1, nothing changed.
            CliRun.Result unknown = vrf.piped(local(w, "failover", "no-such-route", "--yes"));
            assertThat(unknown.exit()).isEqualTo(1);
            assertThat(unknown.err()).contains("vrf: refused: route: no route named 'no-such-route'");
            assertThat(JSON.readTree(unknown.out()).path("ok").asBoolean()).isFalse();
            assertThat(vrf.piped(local(w, "history", "no-such-route")).err()).contains("no route named 'no-such-route'");

            // Register and deregister a route from a file. IAM lets registered routes change only tables tagged
            // vrf-registrable=true (docs/deploy.md), so the route selects by that tag, as an operator's would.
            aws.ec2().createTags(r -> r.resources(w.rtbA()).tags(t -> t.key("vrf-registrable").value("true")));
            Path route = dir.resolve("svc.yaml");
            Files.writeString(route, """
                    name: svc-vip
                    destination: 10.255.0.53
                    routeTables: [{tags: {vrf-registrable: "true"}}]
                    targets: [nat-a, nat-b]
                    """);
            CliRun.Result reg = vrf.piped(local(w, "register", route.toString(), "--yes"));
            assertThat(reg.exit()).as(reg.err() + reg.out()).isZero();
            assertThat(vrf.terminal("", local(w, "status")).out()).contains("Registered at run time: svc-vip").contains("10.255.0.53/32");
            CliRun.Result dereg = vrf.terminal("y\n", local(w, "deregister", "svc-vip"));
            assertThat(dereg.exit()).as(dereg.err()).isZero();
            assertThat(dereg.err()).contains("About to stop managing registered route svc-vip");
        }
    }

    @Test
    void usageErrorsSayTheFixAndExit2(LocalAws aws, @TempDir Path dir) throws Exception {
        CliRun vrf = new CliRun(aws);
        CliRun.Result nowhere = vrf.piped("status");
        assertThat(nowhere.exit()).isEqualTo(2);
        assertThat(nowhere.err()).contains("--stack NAME").contains("--local");

        CliRun.Result both = vrf.piped("status", "--local", "--stack", "x");
        assertThat(both.exit()).isEqualTo(2);

        CliRun.Result missing = vrf.piped("status", "--local", "--config", dir.resolve("nope.yaml").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("config file " + dir.resolve("nope.yaml") + " does not exist").doesNotContain("Exception");

        CliRun.Result noConfig = vrf.piped("status", "--local");
        assertThat(noConfig.exit()).isEqualTo(2);
        assertThat(noConfig.err()).contains("--config FILE");

        CliRun.Result validateMissing = vrf.piped("validate", dir.resolve("nope.yaml").toString());
        assertThat(validateMissing.exit()).isEqualTo(2);
        assertThat(validateMissing.err()).contains("does not exist").doesNotContain("NoSuchFileException");

        CliRun.Result badOption = vrf.piped("status", "--colour");
        assertThat(badOption.exit()).isEqualTo(2);
        assertThat(badOption.err()).contains("Unknown option: '--colour'");

        CliRun.Result failoverBoth = vrf.piped("failover", "r", "--off", "t", "--local", "--config", "x");
        assertThat(failoverBoth.exit()).isEqualTo(2);

        CliRun.Result pinNoExpiry = vrf.piped("pin", "r", "t", "--local");
        assertThat(pinNoExpiry.exit()).isEqualTo(2);
        assertThat(pinNoExpiry.err()).contains("--for").contains("--until");
    }

    @Test
    void everyCommandAnswersHelpAndVersion(LocalAws aws) {
        CliRun vrf = new CliRun(aws);
        for (String cmd : List.of("status", "plan", "history", "failover", "drain", "undrain", "pin", "unpin", "register", "deregister", "init",
                "validate", "invoke", "import", "sandbox")) {
            CliRun.Result help = vrf.piped(cmd, "--help");
            assertThat(help.exit()).as(cmd + " --help: " + help.err()).isZero();
            assertThat(help.out()).as(cmd).contains("Usage: vrf " + cmd);
            CliRun.Result version = vrf.piped(cmd, "--version");
            assertThat(version.exit()).as(cmd).isZero();
            assertThat(version.out()).as(cmd).startsWith("vrf ");
        }
        for (String cmd : List.of("awsnycast", "vpc-router")) {
            assertThat(vrf.piped("import", cmd, "--help").out()).contains("Usage: vrf import " + cmd);
        }
        assertThat(vrf.piped("-V").out()).startsWith("vrf ");
        CliRun.Result bare = vrf.piped();
        assertThat(bare.exit()).isEqualTo(2);
        assertThat(bare.err()).contains("Exit codes: 0 ok, 1 refused or failed");
    }

    static Path events() {
        Path p = Paths.get("..", "events").toAbsolutePath().normalize();
        assertThat(p.resolve("aws.events-scheduled.json")).exists();
        return p;
    }

    /** The instance each table's default route points at (null: no route). */
    private static List<String> hops(LocalAws aws, World w) {
        List<String> out = new ArrayList<>();
        for (String rtb : List.of(w.rtbA(), w.rtbB())) {
            Route r = aws.ec2().describeRouteTables(x -> x.routeTableIds(rtb)).routeTables().get(0).routes().stream()
                    .filter(x -> "0.0.0.0/0".equals(x.destinationCidrBlock())).findFirst().orElse(null);
            if (r == null) {
                out.add(null);
            } else if (r.instanceId() != null) {
                out.add(r.instanceId());
            } else {
                out.add(r.networkInterfaceId().equals(w.net().primaryEni(w.natA())) ? w.natA() : r.networkInterfaceId().equals(w.net().primaryEni(w.natB())) ? w.natB() : r.networkInterfaceId());
            }
        }
        return out;
    }
}
