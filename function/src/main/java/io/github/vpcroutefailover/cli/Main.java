package io.github.vpcroutefailover.cli;

import io.github.vpcroutefailover.config.AgentCrossCheck;
import io.github.vpcroutefailover.config.ConfigException;
import io.github.vpcroutefailover.config.ConfigProblem;
import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

/**
 * The jar's entry point ({@code java -jar function-<v>-lambda.jar}, normally through the {@code vrf} launcher):
 * runs {@link Vrf}. Also holds the {@code validate} and {@code sandbox} commands.
 */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        // Before the first logger exists: an operator sees warnings, not the handler's INFO lines (VRF_LOG_LEVEL=INFO shows them, on stderr).
        if (System.getenv("VRF_LOG_LEVEL") == null && System.getProperty("VRF_LOG_LEVEL") == null) {
            System.setProperty("VRF_LOG_LEVEL", "WARN");
        }
        System.exit(run(args));
    }

    public static int run(String... args) {
        return Vrf.run(Io.system(), Wiring.aws(), args);
    }

    @Command(name = "validate", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
            description = "Validate a route config file; prints every problem with its line. Exit 2 when invalid.")
    static final class Validate implements Callable<Integer> {
        @Parameters(index = "0", description = "the config file (YAML)")
        Path config;

        @Option(names = "--agent", paramLabel = "AGENT_YAML", description = "an agent config that runs on the targets (repeatable): "
                + "every agent check the route config waits for must be published by one of them")
        List<Path> agents = new ArrayList<>();
        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            java.io.PrintWriter out = spec.commandLine().getOut();
            if (!Files.isRegularFile(config)) {
                throw CliException.usage("config file " + config + (Files.exists(config) ? " is not a regular file" : " does not exist")
                        + "; give the path of your route config (YAML), e.g. samples/config/nat-two-az.yaml");
            }
            try {
                io.github.vpcroutefailover.domain.fleet.FleetConfig fleet = io.github.vpcroutefailover.config.FleetConfigLoader.load(config);
                if (!fleet.single()) {
                    // Several VPCs (docs/fleet.md): each is checked against the agents like a single-VPC file.
                    var sites = fleet.sites();
                    for (var site : sites) {
                        AgentCrossCheck.require(site.config(), config + " (" + site.vpcId() + ")", agents.stream().map(AgentCrossCheck::read).toList());
                    }
                    out.println(config + ": OK (" + sites.size() + " VPCs, " + sites.stream().mapToInt(x -> x.config().routes().size()).sum()
                            + " routes)");
                    return 0;
                }
                FailoverConfig c = fleet.sites().get(0).config();
                // Cross-check against the agents (AgentCrossCheck): kept apart from the file's own validation.
                AgentCrossCheck.require(c, config.toString(), agents.stream().map(AgentCrossCheck::read).toList());
                out.println(config + ": OK (" + c.checks().size() + " checks, " + c.targets().size() + " targets, "
                        + c.routes().size() + " routes)");
                return 0;
            } catch (ConfigException e) {
                for (ConfigProblem p : e.problems()) {
                    out.println(config + ":" + p.line() + ": " + (p.path().isEmpty() ? "" : p.path() + ": ") + p.message());
                }
                out.println(e.problems().size() + " problem(s)");
                return 2;
            }
        }
    }

    @Command(name = "sandbox", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class, description = "Build a two-AZ NAT setup in the local emulators and walk the reconciler through "
            + "failover, fail-back and the NAT gateway fallback, checking each step. Refuses non-loopback endpoints. "
            + "Normally run through scripts/sandbox, which starts the emulators.")
    static final class SandboxStory implements Callable<Integer> {
        @Override
        public Integer call() {
            return io.github.vpcroutefailover.sandbox.Sandbox.run(System.out);
        }
    }
}
