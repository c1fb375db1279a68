package io.github.vpcroutefailover.cli;

import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.handler.Components;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.ParentCommand;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;

/**
 * {@code vrf}, the operator CLI: the manual actions against a deployed stack ({@code --stack}) or the emulators
 * ({@code --local}), config validation and import, and the local sandbox. Exit codes: 0 ok, 1 refused or failed,
 * 2 usage (the command line is wrong). The answer goes to stdout, everything else to stderr.
 */
@Command(name = "vrf", mixinStandardHelpOptions = true, versionProvider = Vrf.Version.class,
        description = {"VPC Route Failover operator CLI.",
                "Against a deployed stack: vrf status --stack VpcRouteFailover   (region/credentials: --region/--profile or the AWS chains)",
                "Against the emulators:   vrf init --local; vrf status --local --config routes.yaml"},
        footer = {"", "Exit codes: 0 ok, 1 refused or failed (nothing changed unless the output says so), 2 usage error.",
                "Output: a table on a terminal, JSON when piped (--output json|table). Logs go to stderr only."},
        subcommands = {Actions.Status.class, Actions.Plan.class, Actions.History.class, Actions.Failover.class, Actions.Drain.class,
                Actions.Undrain.class, Actions.Pin.class, Actions.Unpin.class, Actions.Register.class, Actions.Deregister.class, Actions.Drill.class,
                Vrf.Init.class, Main.Validate.class, Actions.Invoke.class, ImportCommand.class, Main.SandboxStory.class,
                CommandLine.HelpCommand.class})
public final class Vrf implements Callable<Integer> {
    private final Io io;
    private final Wiring wiring;

    public Vrf(Io io, Wiring wiring) {
        this.io = io;
        this.wiring = wiring;
    }

    Io io() {
        return io;
    }

    Wiring wiring() {
        return wiring;
    }

    /** Runs one command line; never calls System.exit (tests run it in-process). */
    public static int run(Io io, Wiring wiring, String... args) {
        CommandLine cl = new CommandLine(new Vrf(io, wiring));
        cl.setOut(new PrintWriter(io.out(), true));
        cl.setErr(new PrintWriter(io.err(), true));
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof CliException c) {
                io.err().println(Render.clean("vrf: " + c.getMessage()));
                return c.exitCode();
            }
            if (e instanceof picocli.CommandLine.ParameterException p) {
                throw p;
            }
            io.err().println(Render.clean("vrf: unexpected error: " + e) + " (rerun with VRF_LOG_LEVEL=DEBUG for details; please report it)");
            return CliException.FAILED;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, io.err());
        return CliException.USAGE;
    }

    /** The version the jar was built as (manifest), "dev" when run from classes. */
    public static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Vrf.class.getPackage().getImplementationVersion();
            return new String[] {"vrf " + (v == null ? "dev" : v) + " (Java " + Runtime.version().feature() + ")"};
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true, versionProvider = Version.class,
            description = "With --local: create the ownership table in the emulator (a deployed stack creates its own). Does nothing if it exists.")
    static final class Init implements Callable<Integer> {
        @ParentCommand
        Vrf root;

        @Mixin
        TargetOptions target;

        @Override
        public Integer call() {
            Io io = root.io();
            if (!target.local) {
                throw CliException.usage("init only applies to --local: a deployed stack's table is created by the stack (output "
                        + StackBackend.TABLE_OUTPUT + ")");
            }
            if (target.region != null || target.profile != null || target.stack != null) {
                throw CliException.usage("--stack, --region and --profile do not apply to 'init --local'");
            }
            String table = target.localTable(io);
            Components.Clients clients = root.wiring().localClients(io);
            try {
                try {
                    OwnershipTable.create(clients.dynamoDb(), table);
                    io.err().println("created ownership table " + table + " in the emulator");
                } catch (ResourceInUseException e) {
                    io.err().println("ownership table " + table + " already exists; nothing to do");
                } catch (software.amazon.awssdk.core.exception.SdkClientException e) {
                    throw CliException.failed("cannot reach DynamoDB Local (" + e.getMessage() + "); start it with 'scripts/local-aws start' and "
                            + "'eval \"$(scripts/local-aws env)\"'");
                }
                io.out().println(table);
                return 0;
            } finally {
                if (root.wiring().ownsLocalClients()) {
                    clients.ec2().close();
                    clients.dynamoDb().close();
                    clients.cloudWatch().close();
                    clients.eventBridge().close();
                    clients.autoScaling().close();
                }
            }
        }
    }
}
