package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.handler.Components;
import io.github.vpcroutefailover.handler.LocalInvoker;
import io.github.vpcroutefailover.handler.event.BadRequestException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * The controller handler run in this process against the endpoints the environment names (the emulators, through
 * {@code eval "$(scripts/local-aws env)"}): same parsing, same actions, same answer as the deployed function. The
 * handler's JSON log lines go to stderr here; the EMF metric lines Lambda needs on stdout are not written at all.
 */
public final class LocalBackend implements Backend {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Components components;
    private final LocalInvoker invoker;
    private final PrintStream err;
    private final boolean ownsClients;

    private LocalBackend(Components components, PrintStream err, boolean ownsClients) {
        this.components = components;
        this.invoker = LocalInvoker.of(components);
        this.err = err;
        this.ownsClients = ownsClients;
    }

    /** @param ownsClients close the clients with this backend (false when a test lends its own) */
    public static LocalBackend open(Components.Clients clients, boolean ownsClients, String tableName, Path configPath, Io io) {
        FailoverConfig config = loadConfig(configPath);
        Components.Settings settings = new Components.Settings(tableName, configPath,
                io.env("VRF_METRIC_NAMESPACE") == null ? Components.DEFAULT_NAMESPACE : io.env("VRF_METRIC_NAMESPACE"),
                io.env("VRF_ALARM_PREFIX") == null ? "" : io.env("VRF_ALARM_PREFIX"), io.env("VRF_EVENT_BUS"));
        Supplier<FailoverConfig> fixed = () -> config;
        return new LocalBackend(new Components(clients, settings, fixed, Clock.systemUTC(), ReconcileListener.none()), io.err(), ownsClients);
    }

    /** Loads the route config, turning a missing file into a usage error that says which flag names it. */
    static FailoverConfig loadConfig(Path configPath) {
        if (configPath == null) {
            throw CliException.usage("--local needs the route config: pass --config FILE (or set VRF_CONFIG_PATH), e.g. --config samples/config/nat-two-az.yaml");
        }
        if (!Files.isRegularFile(configPath)) {
            throw CliException.usage("config file " + configPath + " " + (Files.exists(configPath) ? "is not a regular file" : "does not exist")
                    + "; pass --config with the path of your route config (YAML)");
        }
        if (!Files.isReadable(configPath)) {
            throw CliException.usage("config file " + configPath + " is not readable by this user; check its permissions");
        }
        try {
            return ConfigLoader.load(configPath);
        } catch (ConfigException e) {
            StringBuilder b = new StringBuilder("config " + configPath + " is invalid (" + e.problems().size() + " problem(s)); fix them, 'vrf validate "
                    + configPath + "' lists the same:");
            e.problems().forEach(p -> b.append("\n  ").append(configPath).append(':').append(p.line()).append(": ")
                    .append(p.path().isEmpty() ? "" : p.path() + ": ").append(p.message()));
            throw CliException.failed(b.toString());
        }
    }

    @Override
    public JsonNode send(byte[] payload) {
        PrintStream stdout = System.out;
        // Anything the handler or a library prints (log lines included) is diagnostics, not the answer.
        System.setOut(err);
        try {
            // Checked first: inside the handler a missing table is just one more failed AWS call (an ok:false with a
            // correlation id), and the operator of a local run needs the command that creates it instead.
            components.clients().dynamoDb().describeTable(r -> r.tableName(components.settings().tableName()));
            return invoker.invoke(payload);
        } catch (BadRequestException e) {
            return error(e.field(), e.getMessage());
        } catch (ResourceNotFoundException e) {
            throw CliException.failed("the ownership table " + components.settings().tableName() + " does not exist in the emulator; create it with "
                    + "'vrf init --local --table-name " + components.settings().tableName() + "'");
        } catch (SdkClientException e) {
            throw CliException.failed("cannot reach the emulators (" + e.getMessage() + "); start them with 'scripts/local-aws start' and "
                    + "'eval \"$(scripts/local-aws env)\"'");
        } finally {
            System.setOut(stdout);
        }
    }

    private static JsonNode error(String field, String message) {
        var n = JSON.createObjectNode().put("ok", false);
        n.putObject("error").put("field", field).put("message", message);
        return n;
    }

    public Components components() {
        return components;
    }

    @Override
    public String describe() {
        return "local emulators (table " + components.settings().tableName() + ")";
    }

    @Override
    public void close() {
        if (!ownsClients) {
            return;
        }
        Components.Clients c = components.clients();
        c.ec2().close();
        c.dynamoDb().close();
        c.cloudWatch().close();
        c.eventBridge().close();
        c.autoScaling().close();
    }
}
