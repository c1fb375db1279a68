package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.aws.AwsSettings;
import io.github.vpcroutefailover.agent.aws.CloudWatchQueryClient;
import io.github.vpcroutefailover.agent.aws.Imds;
import io.github.vpcroutefailover.agent.aws.MetadataUnavailableException;
import io.github.vpcroutefailover.agent.check.CheckRunner;
import io.github.vpcroutefailover.agent.check.Checks;
import io.github.vpcroutefailover.agent.check.NetRaw;
import io.github.vpcroutefailover.agent.config.AgentConfig;
import io.github.vpcroutefailover.agent.config.ConfigException;
import io.github.vpcroutefailover.agent.config.ConfigLoader;
import io.github.vpcroutefailover.agent.publish.CloudWatchPublisher;
import io.github.vpcroutefailover.agent.publish.MetricContract;
import io.github.vpcroutefailover.yaml.Durations;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.help.HelpFormatter;
import org.apache.commons.cli.help.TextHelpAppendable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Command line: {@code agent run | check-config | drain | undrain}. Apache Commons CLI parses each command's
 * options: it is a few classes without reflection, where an annotation-driven parser cost the long-running
 * {@code run} about 3 MB of resident memory for the life of the process.
 */
public final class AgentMain {
    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);
    static final int EXIT_OK = 0;
    /** Not 2, so that systemd's Restart=always (RestartPreventExitStatus=2) tries again. */
    static final int EXIT_UNAVAILABLE = 1;
    /** A bad configuration or command line: restarting would not fix it. */
    static final int EXIT_CONFIG = 2;
    static final String DEFAULT_CONFIG = AgentConfig.DEFAULT_CONFIG_FILE.toString();

    private AgentMain() {
    }

    /** One subcommand: its options and what it does with them. */
    private record Command(String name, String summary, Options options, Action action) {
    }

    @FunctionalInterface
    private interface Action {
        int run(CommandLine cl, Path config, PrintWriter out) throws IOException;
    }

    private static Options withConfig(Option... more) {
        Options o = new Options()
                .addOption(Option.builder("c").longOpt("config").hasArg().argName("FILE")
                        .desc("agent configuration (default: $VRF_AGENT_CONFIG, else " + DEFAULT_CONFIG + ")").get())
                .addOption(Option.builder("h").longOpt("help").desc("show this help").get());
        for (Option m : more) {
            o.addOption(m);
        }
        return o;
    }

    private static final Option MAINTENANCE_FILE = Option.builder().longOpt("maintenance-file").hasArg().argName("PATH")
            .desc("maintenance file to use instead of the one in the config").get();

    private static final List<Command> COMMANDS = List.of(
            new Command("run", "Run the checks and publish metrics until SIGTERM, then publish Draining=1 and exit 0.", withConfig(),
                    (cl, config, out) -> run(config)),
            new Command("check-config", "Validate the configuration and list the checks; exit 2 with the problems if invalid.", withConfig(),
                    (cl, config, out) -> checkConfig(config, out)),
            new Command("drain", "Mark this instance drained (Draining=1 from the agent's next cycle) by creating the maintenance file.",
                    withConfig(MAINTENANCE_FILE, Option.builder().longOpt("reason").hasArg().argName("TEXT")
                            .desc("note written into the file, for whoever finds it").get()),
                    (cl, config, out) -> drain(maintenanceFile(cl, config), cl.getOptionValue("reason"), out)),
            new Command("undrain", "End a drain started with 'agent drain' by removing the maintenance file.", withConfig(MAINTENANCE_FILE),
                    (cl, config, out) -> undrain(maintenanceFile(cl, config), out)));

    public static void main(String[] args) {
        System.exit(execute(args, System::getenv, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Parses and runs one command; returns the exit status. Errors say what was wrong and how to fix it. */
    static int execute(String[] args, Function<String, String> env, PrintWriter out, PrintWriter err) {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help")) {
            usage(out);
            return EXIT_OK;
        }
        if (args[0].equals("-V") || args[0].equals("--version")) {
            out.println("vpc-route-failover agent " + version());
            return EXIT_OK;
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(args[0])).findFirst().orElse(null);
        if (command == null) {
            err.println("Unknown command '" + args[0] + "'. Fix: use one of " + COMMANDS.stream().map(Command::name).toList()
                    + "; 'agent --help' describes them.");
            return EXIT_CONFIG;
        }
        CommandLine cl;
        try {
            cl = new DefaultParser().parse(command.options(), java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (ParseException e) {
            err.println("agent " + command.name() + ": " + e.getMessage() + ". Fix: see 'agent " + command.name() + " --help'.");
            return EXIT_CONFIG;
        }
        if (cl.hasOption("help")) {
            help(command, out);
            return EXIT_OK;
        }
        if (!cl.getArgList().isEmpty()) {
            err.println("agent " + command.name() + ": unexpected argument(s) " + cl.getArgList() + ". Fix: see 'agent " + command.name() + " --help'.");
            return EXIT_CONFIG;
        }
        String configured = cl.getOptionValue("config");
        String fromEnv = env.apply("VRF_AGENT_CONFIG");
        Path config = Path.of(configured != null ? configured : fromEnv != null && !fromEnv.isBlank() ? fromEnv : DEFAULT_CONFIG);
        try {
            return command.action().run(cl, config, out);
        } catch (MetadataUnavailableException e) {
            err.println(e.getMessage());
            return EXIT_UNAVAILABLE;
        } catch (ConfigException | IllegalStateException e) {
            err.println(e.getMessage());
            return EXIT_CONFIG;
        } catch (IOException | UncheckedIOException e) {
            err.println("agent " + command.name() + ": " + e.getMessage());
            return EXIT_UNAVAILABLE;
        }
    }

    private static int run(Path configFile) {
        AgentConfig config = ConfigLoader.load(configFile);
        Imds imds = new Imds(Imds.endpoint(config.imds().endpoint(), System::getenv), config.imds().timeout());
        String instanceId = config.instanceId() != null ? config.instanceId() : new InstanceIdentity(imds).instanceId();
        ExecutorService workers = workers();
        List<CheckRunner> runners = Checks.build(config, instanceId, NetRaw.available(), workers);
        CloudWatchQueryClient cloudWatch = AwsSettings.cloudWatch(config, System::getenv, imds, Clock.systemUTC());
        CloudWatchPublisher publisher = new CloudWatchPublisher(cloudWatch, config.namespace(), config.publish().bufferCapacity());
        HealthAgent agent = new HealthAgent(config.interval(), runners, publisher,
                new MetricContract(instanceId, config.publish().publishCheckState()),
                new Maintenance(config.maintenanceFile()), config.shutdown().holdFor(), config.shutdown().publishTimeout());
        // Our own handlers replace the JVM's: SIGTERM becomes "drain, publish, exit 0" instead of exit 143.
        Signal.handle(new Signal("TERM"), s -> agent.requestStop());
        Signal.handle(new Signal("INT"), s -> agent.requestStop());
        LOG.atInfo().addKeyValue("instanceId", instanceId).addKeyValue("namespace", config.namespace())
                .addKeyValue("endpoint", cloudWatch.endpoint().toString()).addKeyValue("credentials", cloudWatch.credentialsSource())
                .addKeyValue("interval", Durations.format(config.interval()))
                .addKeyValue("checks", runners.stream().map(CheckRunner::name).toList())
                .addKeyValue("maintenanceFile", config.maintenanceFile().toString()).log("agent started");
        agent.run();
        workers.shutdownNow();
        LOG.atInfo().addKeyValue("cycles", agent.cycles()).addKeyValue("droppedDatums", publisher.dropped()).log("agent stopped");
        return EXIT_OK;
    }

    /** Platform threads, one per concurrently running check at most: ICMP and process waits block carrier threads. */
    private static ExecutorService workers() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread t = new Thread(null, r, "check-" + n.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
        });
    }

    private static int checkConfig(Path configFile, PrintWriter out) {
        AgentConfig c = ConfigLoader.load(configFile);
        out.println(configFile + ": OK. namespace " + c.namespace() + ", interval " + Durations.format(c.interval())
                + ", instance id " + (c.instanceId() != null ? c.instanceId() : "from IMDSv2"));
        c.checks().forEach(k -> out.println("  " + k.name() + " (" + k.target().type() + ") every " + Durations.format(k.interval())
                + ", timeout " + Durations.format(k.timeout()) + ", rise " + k.rise() + ", fall " + k.fall()));
        return EXIT_OK;
    }

    /** --maintenance-file, else the config's maintenanceFile, else the default when there is no config file at all. */
    private static Path maintenanceFile(CommandLine cl, Path config) {
        if (cl.hasOption(MAINTENANCE_FILE.getLongOpt())) {
            return Path.of(cl.getOptionValue(MAINTENANCE_FILE.getLongOpt()));
        }
        if (!config.toFile().exists()) {
            return AgentConfig.DEFAULT_MAINTENANCE_FILE;
        }
        return ConfigLoader.load(config).maintenanceFile();
    }

    private static int drain(Path file, String reason, PrintWriter out) throws IOException {
        Maintenance.drain(file, reason);
        out.println("Draining: created " + file + ". The running agent reports Draining=1 from its next cycle; 'agent undrain' ends it.");
        return EXIT_OK;
    }

    private static int undrain(Path file, PrintWriter out) throws IOException {
        boolean removed = Maintenance.undrain(file);
        out.println(removed ? "Undrained: removed " + file + "." : "Not drained: " + file + " did not exist.");
        return EXIT_OK;
    }

    private static void usage(PrintWriter out) {
        out.println("Usage: agent <command> [options]   (agent <command> --help for its options)");
        out.println("VPC Route Failover health agent: runs health checks and publishes them as CloudWatch metrics.");
        out.println();
        out.println("Commands:");
        for (Command c : COMMANDS) {
            out.printf("  %-13s %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("  -h, --help     show this help");
        out.println("  -V, --version  print the version");
        out.println();
        out.println("Exit status: 0 ok; 1 IMDS or the file system did not answer (systemd restarts); 2 bad configuration or command line.");
        out.flush();
    }

    private static void help(Command c, PrintWriter out) {
        try {
            HelpFormatter.builder().setShowSince(false).setHelpAppendable(new TextHelpAppendable(out)).get()
                    .printHelp("agent " + c.name(), c.summary(), c.options(), "", true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.flush();
    }

    private static String version() {
        String v = AgentMain.class.getPackage().getImplementationVersion();
        return v == null ? "(development build)" : v;
    }
}
