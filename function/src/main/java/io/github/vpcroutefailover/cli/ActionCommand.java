package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * One manual action: build the request from flags, ask on a terminal before changing anything, send it to the
 * backend, print the answer (table on a terminal, JSON when piped). Exit 0 when the controller said ok, 1 when it
 * refused or failed.
 */
abstract class ActionCommand implements Callable<Integer> {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    enum Output { table, json }

    @ParentCommand
    Vrf root;

    @Mixin
    TargetOptions target;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", description = "table or json (default: table on a terminal, json when piped)")
    Output output;

    @Option(names = {"-y", "--yes"}, description = "change without asking (required when stdin is not a terminal)")
    boolean yes;

    /** The manual-invoke request (README "Manual invokes"). */
    abstract ObjectNode request();

    /** Read-only actions answer at once; the others ask first on a terminal. */
    boolean changes() {
        return false;
    }

    boolean dryRun() {
        return false;
    }

    /** Whether the controller can preview this change ({@code dryRun}), to show it before asking. */
    boolean previewable() {
        return false;
    }

    /** One line for the confirmation question: what will change. */
    String describeChange() {
        return "";
    }

    abstract void renderTable(PrintStream out, JsonNode answer);

    @Override
    public Integer call() {
        Io io = root.io();
        ObjectNode req = request();
        req.put("requestedBy", requester(io));
        try (Backend backend = target.open(io, root.wiring())) {
            if (changes() && !dryRun() && !yes) {
                confirm(io, backend, req);
            }
            JsonNode answer = backend.send(bytes(req));
            return print(io, answer);
        }
    }

    private void confirm(Io io, Backend backend, ObjectNode req) {
        if (!io.stdinTty()) {
            throw CliException.usage("'" + req.path("action").asText() + "' changes routes and stdin is not a terminal to ask on; add --yes to go ahead"
                    + (previewable() ? " (or --dry-run to see what it would do)" : ""));
        }
        PrintStream err = io.err();
        if (previewable()) {
            ObjectNode preview = req.deepCopy().put("dryRun", true);
            JsonNode answer = backend.send(bytes(preview));
            if (!answer.path("ok").asBoolean(false)) {
                // A request the controller refuses is refused without asking.
                print(io, answer);
                throw new CliException(CliException.FAILED, "refused (nothing changed)");
            }
            err.println("Would do (dry run against " + backend.describe() + "):");
            Render.change(err, answer);
        } else {
            err.println("About to " + describeChange() + " on " + backend.describe() + ".");
        }
        err.print("Proceed? [y/N] ");
        err.flush();
        String line;
        try {
            line = io.in().readLine();
        } catch (IOException e) {
            line = null;
        }
        if (line == null || !(line.trim().equalsIgnoreCase("y") || line.trim().equalsIgnoreCase("yes"))) {
            throw new CliException(CliException.FAILED, "not confirmed; nothing changed");
        }
    }

    int print(Io io, JsonNode answer) {
        boolean ok = answer.path("ok").asBoolean(false);
        if (format(io) == Output.json) {
            io.out().println(json(answer));
        } else if (ok) {
            renderTable(io.out(), answer);
        }
        if (!ok) {
            JsonNode e = answer.path("error");
            io.err().println(Render.clean("vrf: refused: " + e.path("field").asText("$") + ": " + e.path("message").asText(answer.toString())));
            return CliException.FAILED;
        }
        return 0;
    }

    Output format(Io io) {
        return output != null ? output : io.stdoutTty() ? Output.table : Output.json;
    }

    static String json(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] bytes(JsonNode n) {
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Recorded in history as a self-declared annotation; the invoke identity stays the authority. */
    static String requester(Io io) {
        String user = io.env("USER") != null ? io.env("USER") : System.getProperty("user.name", "unknown");
        return "vrf-cli:" + user;
    }

    ObjectNode action(String name) {
        return JSON.createObjectNode().put("action", name);
    }
}
