package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The manual actions as commands: flags instead of JSON files. */
final class Actions {
    private Actions() {
    }

    static void putIf(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    static void putTables(ObjectNode n, List<String> tables) {
        if (tables != null && !tables.isEmpty()) {
            ArrayNode a = n.putArray("routeTableIds");
            tables.forEach(a::add);
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Every managed route (or one): table, AZ, current and desired next hop, health of each candidate, pin/drain, last change.")
    static final class Status extends ActionCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ROUTE", description = "only this route")
        String route;

        @Override
        ObjectNode request() {
            ObjectNode n = action("status");
            putIf(n, "route", route);
            return n;
        }

        @Override
        void renderTable(PrintStream out, JsonNode answer) {
            Render.status(out, answer);
        }
    }

    @Command(name = "plan", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "What a reconcile would change now, with reasons (+ create, ~ move, - withdraw). Changes nothing.")
    static final class Plan extends ActionCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ROUTE", description = "only this route")
        String route;

        @Override
        ObjectNode request() {
            ObjectNode n = action("plan");
            putIf(n, "route", route);
            return n;
        }

        @Override
        void renderTable(PrintStream out, JsonNode answer) {
            Render.plan(out, answer);
        }
    }

    @Command(name = "history", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "The audit trail of route changes, newest first: when, route, table, from, to, outcome, who, why.")
    static final class History extends ActionCommand {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ROUTE", description = "only this route")
        String route;

        @Option(names = "--since", paramLabel = "AGE|TIME", defaultValue = "24h",
                description = "a duration back from now (30m, 24h, 7d) or an ISO-8601 UTC time (default: ${DEFAULT-VALUE})")
        String since;

        @Option(names = "--limit", paramLabel = "N", description = "at most N entries (1-1000; default 100)")
        Integer limit;

        @Override
        ObjectNode request() {
            ObjectNode n = action("history");
            putIf(n, "route", route);
            n.put("since", since);
            if (limit != null) {
                n.put("limit", limit);
            }
            return n;
        }

        @Override
        void renderTable(PrintStream out, JsonNode answer) {
            Render.history(out, answer);
        }
    }

    @Command(name = "failover", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = {"Move one route now (or every route off a target with --off), and hold it there for 15 minutes with a pin so the next "
                    + "scheduled reconcile does not move it back ('vrf unpin' releases it).",
                    "  vrf failover default-egress --to nat-b", "  vrf failover --off nat-a --reason 'kernel upgrade'"})
    static final class Failover extends PreviewableChange {
        @Parameters(index = "0", arity = "0..1", paramLabel = "ROUTE", description = "the route to move")
        String route;

        @Option(names = "--off", paramLabel = "TARGET", description = "instead of ROUTE: move every route currently on this target")
        String off;

        @Option(names = "--to", paramLabel = "TARGET", description = "where to (default: the next best healthy candidate)")
        String to;

        @Option(names = "--route-table", paramLabel = "rtb-ID", description = "only in this table (repeatable; only with ROUTE)")
        List<String> routeTables = new ArrayList<>();

        @Option(names = "--force", description = "move even to a target not known healthy (recorded as forced)")
        boolean force;

        @Option(names = "--reason", paramLabel = "TEXT", description = "recorded in the history and the Route Failover event")
        String reason;

        @Override
        ObjectNode request() {
            if ((route == null) == (off == null)) {
                throw CliException.usage("failover needs exactly one of ROUTE (move one route) or --off TARGET (move every route off a target)");
            }
            ObjectNode n = action("failover");
            putIf(n, "route", route);
            putIf(n, "target", off);
            putIf(n, "to", to);
            putTables(n, routeTables);
            if (force) {
                n.put("force", true);
            }
            putIf(n, "reason", reason);
            return withDryRun(n);
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Planned maintenance: move every route off TARGET and keep it off until 'vrf undrain'.")
    static final class Drain extends PreviewableChange {
        @Parameters(index = "0", paramLabel = "TARGET")
        String targetName;

        @Option(names = "--reason", paramLabel = "TEXT")
        String reason;

        @Override
        ObjectNode request() {
            ObjectNode n = action("drain").put("target", targetName);
            putIf(n, "reason", reason);
            return withDryRun(n);
        }
    }

    @Command(name = "undrain", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Make TARGET eligible again; routes return under each route's fail-back policy (rise, then the hold time).")
    static final class Undrain extends ChangeCommand {
        @Parameters(index = "0", paramLabel = "TARGET")
        String targetName;

        @Option(names = "--reason", paramLabel = "TEXT")
        String reason;

        @Override
        ObjectNode request() {
            ObjectNode n = action("undrain").put("target", targetName);
            putIf(n, "reason", reason);
            return n;
        }

        @Override
        String describeChange() {
            return "undrain " + targetName + " (routes may move back to it under their fail-back policy)";
        }
    }

    @Command(name = "pin", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = {"Hold ROUTE on TARGET until the pin expires (at most 7 days); without --force only while TARGET is healthy.",
                    "  vrf pin default-egress nat-b --for 2h --reason 'nat-a patching'"})
    static final class Pin extends ChangeCommand {
        @Parameters(index = "0", paramLabel = "ROUTE")
        String route;

        @Parameters(index = "1", paramLabel = "TARGET")
        String targetName;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Expiry expiry;

        static final class Expiry {
            @Option(names = "--for", paramLabel = "DURATION", required = true, description = "30m, 2h, 1d")
            String forDuration;

            @Option(names = "--until", paramLabel = "TIME", required = true, description = "ISO-8601 UTC, e.g. 2026-11-21T18:00:00Z")
            String until;
        }

        @Option(names = "--route-table", paramLabel = "rtb-ID", description = "only in this table (repeatable)")
        List<String> routeTables = new ArrayList<>();

        @Option(names = "--force", description = "hold even while TARGET is not healthy (recorded as forced)")
        boolean force;

        @Option(names = "--reason", paramLabel = "TEXT")
        String reason;

        @Override
        ObjectNode request() {
            ObjectNode n = action("pin").put("route", route).put("target", targetName);
            putIf(n, "for", expiry.forDuration);
            putIf(n, "until", expiry.until);
            putTables(n, routeTables);
            if (force) {
                n.put("force", true);
            }
            putIf(n, "reason", reason);
            return n;
        }

        @Override
        String describeChange() {
            return "pin " + route + " on " + targetName + (expiry.forDuration != null ? " for " + expiry.forDuration : " until " + expiry.until)
                    + (force ? " (forced: even while unhealthy)" : "");
        }
    }

    @Command(name = "unpin", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Release a pin (or a failover's 15-minute hold): automatic placement resumes.")
    static final class Unpin extends ChangeCommand {
        @Parameters(index = "0", paramLabel = "ROUTE")
        String route;

        @Option(names = "--route-table", paramLabel = "rtb-ID", description = "only in this table (repeatable)")
        List<String> routeTables = new ArrayList<>();

        @Override
        ObjectNode request() {
            ObjectNode n = action("unpin").put("route", route);
            putTables(n, routeTables);
            return n;
        }

        @Override
        String describeChange() {
            return "unpin " + route + " (the planner may move it at once)";
        }
    }

    @Command(name = "register", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Manage a new route at run time: FILE holds one route (YAML or JSON, the same keys as a route in the config file).")
    static final class Register extends ChangeCommand {
        @Parameters(index = "0", paramLabel = "FILE")
        Path file;

        private String name = "?";

        @Override
        ObjectNode request() {
            if (!Files.isRegularFile(file)) {
                throw CliException.usage("route file " + file + " does not exist; give a YAML file with one route (name, destination, routeTables, targets)");
            }
            JsonNode spec;
            try {
                spec = io.github.vpcroutefailover.importer.Yaml.readYaml(ImportCommand.read(file), file.toString());
            } catch (io.github.vpcroutefailover.importer.ImportException e) {
                throw CliException.usage("route file " + e.getMessage());
            }
            if (spec == null || !spec.isObject()) {
                throw CliException.usage("route file " + file + " must hold one route as a map (name, destination, routeTables, targets, ...)");
            }
            name = spec.path("name").asText("?");
            ObjectNode n = action("register");
            n.set("route", spec);
            return n;
        }

        @Override
        String describeChange() {
            return "register route " + name + " from " + file + " and reconcile it at once";
        }
    }

    @Command(name = "deregister", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Stop managing a route registered at run time (its entries stay in the tables as they are).")
    static final class Deregister extends ChangeCommand {
        @Parameters(index = "0", paramLabel = "ROUTE")
        String route;

        @Override
        ObjectNode request() {
            return action("deregister").put("route", route);
        }

        @Override
        String describeChange() {
            return "stop managing registered route " + route;
        }
    }

    @Command(name = "drill", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Failover drill: move ROUTE to its standby, verify the data path through it (the probe's data-path check), "
                    + "move it back, report pass/fail. Refused while any candidate is unhealthy or the route is pinned.")
    static final class Drill extends PreviewableChange {
        @Parameters(index = "0", paramLabel = "ROUTE")
        String route;

        @Option(names = "--window", paramLabel = "DURATION", description = "how long to wait for the verdict (default 30s, at most 40s)")
        String window;

        @Override
        ObjectNode request() {
            ObjectNode n = action("drill").put("route", route);
            putIf(n, "window", window);
            return withDryRun(n);
        }

        @Override
        String describeChange() {
            return "drill route " + route + ": move it to its standby and back";
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = {"Send one JSON payload as it is: a manual request (events/manual-*.json) or an EventBridge event "
                    + "(events/aws.events-scheduled.json). Prints the controller's JSON answer; exit 1 when it is an error.",
                    "Asks no confirmation: the payload is the operator's own."})
    static final class Invoke extends ActionCommand {
        @Parameters(index = "0", paramLabel = "FILE", description = "the payload file")
        Path payload;

        @Override
        ObjectNode request() {
            return null;
        }

        @Override
        public Integer call() {
            Io io = root.io();
            if (!Files.isRegularFile(payload)) {
                throw CliException.usage("payload file " + payload + " does not exist; give a JSON file such as events/manual-status.json");
            }
            byte[] body;
            try {
                body = Files.readAllBytes(payload);
            } catch (IOException e) {
                throw CliException.usage("cannot read payload file " + payload + ": " + e.getMessage());
            }
            try (Backend backend = target.open(io, root.wiring())) {
                JsonNode answer = backend.send(body);
                io.out().println(json(answer));
                if (!answer.path("ok").asBoolean(false)) {
                    JsonNode e = answer.path("error");
                    io.err().println(Render.clean("vrf: refused: " + e.path("field").asText("$") + ": " + e.path("message").asText(answer.toString())));
                    return CliException.FAILED;
                }
                return 0;
            }
        }

        @Override
        void renderTable(PrintStream out, JsonNode answer) {
            out.println(json(answer));
        }
    }
}
