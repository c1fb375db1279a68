package io.github.vpcroutefailover.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigLoader;
import io.github.vpcroutefailover.config.ConfigProblem;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.handler.LocalInvoker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/** The operator CLI in the Lambda jar: {@code java -jar function-<v>-lambda.jar <command>}. */
@Command(name = "vpc-route-failover", mixinStandardHelpOptions = true,
        description = "VPC Route Failover: local invoke of the Lambda handler, config validation, the local sandbox.",
        subcommands = {Main.Invoke.class, Main.Validate.class, Main.SandboxStory.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new Main()).execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    @Command(name = "invoke", description = "Run the controller handler on one JSON file (an EventBridge event or a manual request) "
            + "against the endpoints the environment points at (AWS_ENDPOINT_URL_*, AWS_REGION, VRF_TABLE_NAME, VRF_CONFIG_PATH, ...). "
            + "Prints the JSON response; exit 1 when it is an error.")
    static final class Invoke implements Callable<Integer> {
        @Parameters(index = "0", description = "the payload file, e.g. events/aws.events-scheduled.json")
        Path payload;

        @Override
        public Integer call() throws Exception {
            ObjectMapper json = new ObjectMapper();
            JsonNode response;
            try {
                response = LocalInvoker.fromEnvironment().invoke(Files.readAllBytes(payload));
            } catch (RuntimeException e) {
                // EventBridge triggers fail by exception (as in Lambda); print it as the same error shape.
                String field = e instanceof io.github.vpcroutefailover.handler.event.BadRequestException bad ? bad.field() : "$";
                var err = json.createObjectNode().put("ok", false);
                err.putObject("error").put("field", field).put("message", String.valueOf(e.getMessage()));
                System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(err));
                return 1;
            }
            System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(response));
            return response.path("ok").asBoolean(false) ? 0 : 1;
        }
    }

    @Command(name = "validate", description = "Validate a route config file; prints every problem with its line. Exit 2 when invalid.")
    static final class Validate implements Callable<Integer> {
        @Parameters(index = "0", description = "the config file (YAML)")
        Path config;

        @Override
        public Integer call() {
            try {
                FailoverConfig c = ConfigLoader.load(config);
                System.out.println(config + ": OK (" + c.checks().size() + " checks, " + c.targets().size() + " targets, "
                        + c.routes().size() + " routes)");
                return 0;
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    System.out.println(config + ":" + p.line() + ": " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
                }
                System.out.println(e.problems().size() + " problem(s)");
                return 2;
            }
        }
    }

    @Command(name = "sandbox", description = "Build a two-AZ NAT setup in the local emulators and walk the reconciler through "
            + "failover, fail-back and the NAT gateway fallback, checking each step. Refuses non-loopback endpoints. "
            + "Normally run through scripts/sandbox, which starts the emulators.")
    static final class SandboxStory implements Callable<Integer> {
        @Override
        public Integer call() {
            return io.github.vpcroutefailover.sandbox.Sandbox.run(System.out);
        }
    }
}
