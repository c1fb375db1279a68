package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.check.CheckRunner;
import io.github.vpcroutefailover.agent.check.Checks;
import io.github.vpcroutefailover.agent.check.NetRaw;
import io.github.vpcroutefailover.agent.config.AgentConfig;
import io.github.vpcroutefailover.agent.config.ConfigException;
import io.github.vpcroutefailover.agent.config.ConfigLoader;
import io.github.vpcroutefailover.agent.config.Durations;
import io.github.vpcroutefailover.agent.aws.AwsSettings;
import io.github.vpcroutefailover.agent.aws.CloudWatchQueryClient;
import io.github.vpcroutefailover.agent.aws.Imds;
import io.github.vpcroutefailover.agent.aws.MetadataUnavailableException;
import io.github.vpcroutefailover.agent.publish.CloudWatchPublisher;
import io.github.vpcroutefailover.agent.publish.MetricContract;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** Command line: {@code agent run | check-config | drain | undrain}. */
@Command(name = "agent", mixinStandardHelpOptions = true, version = "vpc-route-failover agent",
        description = "VPC Route Failover health agent: runs health checks and publishes them as CloudWatch metrics.",
        subcommands = {AgentMain.Run.class, AgentMain.CheckConfig.class, AgentMain.Drain.class, AgentMain.Undrain.class})
public final class AgentMain implements Runnable {
    static final int EXIT_CONFIG = 2;
    /** Not 2, so that systemd's Restart=always (RestartPreventExitStatus=2) tries again. */
    static final int EXIT_UNAVAILABLE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new AgentMain())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    if (e instanceof MetadataUnavailableException) {
                        cmd.getErr().println(e.getMessage());
                        return EXIT_UNAVAILABLE;
                    }
                    if (e instanceof ConfigException || e instanceof IllegalStateException) {
                        cmd.getErr().println(e.getMessage());
                        return EXIT_CONFIG;
                    }
                    throw e;
                });
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static class ConfigOption {
        @Option(names = {"-c", "--config"}, paramLabel = "FILE", defaultValue = "${env:VRF_AGENT_CONFIG:-/etc/vpc-route-failover/agent.yaml}",
                description = "Agent configuration (default: ${DEFAULT-VALUE}; env VRF_AGENT_CONFIG).")
        Path config;
    }

    @Command(name = "run", description = "Run the checks and publish metrics until SIGTERM, then publish Draining=1 and exit 0.")
    static final class Run implements java.util.concurrent.Callable<Integer> {
        private static final Logger LOG = LoggerFactory.getLogger(Run.class);
        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();

        @Override
        public Integer call() {
            AgentConfig config = ConfigLoader.load(options.config);
            Imds imds = new Imds(Imds.endpoint(config.imds().endpoint(), System::getenv), config.imds().timeout());
            String instanceId = config.instanceId() != null ? config.instanceId() : new InstanceIdentity(imds).instanceId();
            ExecutorService workers = workers(config);
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
                    .addKeyValue("endpoint", cloudWatch.endpoint().toString()).addKeyValue("interval", Durations.format(config.interval()))
                    .addKeyValue("checks", runners.stream().map(CheckRunner::name).toList())
                    .addKeyValue("maintenanceFile", config.maintenanceFile().toString()).log("agent started");
            agent.run();
            workers.shutdownNow();
            LOG.atInfo().addKeyValue("cycles", agent.cycles()).addKeyValue("droppedDatums", publisher.dropped()).log("agent stopped");
            return 0;
        }

        /** Platform threads, one per concurrently running check at most: ICMP and process waits block carrier threads. */
        private static ExecutorService workers(AgentConfig config) {
            AtomicInteger n = new AtomicInteger();
            return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
                Thread t = new Thread(null, r, "check-" + n.incrementAndGet(), 256 * 1024);
                t.setDaemon(true);
                return t;
            });
        }
    }

    @Command(name = "check-config", description = "Validate the configuration and list the checks; exit 2 with the problems if invalid.")
    static final class CheckConfig implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            AgentConfig c = ConfigLoader.load(options.config);
            var out = spec.commandLine().getOut();
            out.println(options.config + ": OK. namespace " + c.namespace() + ", interval " + Durations.format(c.interval())
                    + ", instance id " + (c.instanceId() != null ? c.instanceId() : "from IMDSv2"));
            c.checks().forEach(k -> out.println("  " + k.name() + " (" + k.target().type() + ") every " + Durations.format(k.interval())
                    + ", timeout " + Durations.format(k.timeout()) + ", rise " + k.rise() + ", fall " + k.fall()));
            return 0;
        }
    }

    static class FileOption {
        @CommandLine.Mixin
        ConfigOption options = new ConfigOption();
        @Option(names = "--maintenance-file", paramLabel = "PATH", description = "Maintenance file to use instead of the one in the config.")
        Path file;

        Path resolve() {
            if (file != null) {
                return file;
            }
            if (!options.config.toFile().exists()) {
                return AgentConfig.DEFAULT_MAINTENANCE_FILE;
            }
            return ConfigLoader.load(options.config).maintenanceFile();
        }
    }

    @Command(name = "drain", description = "Mark this instance drained (Draining=1 from the agent's next cycle) by creating the maintenance file.")
    static final class Drain implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        FileOption target = new FileOption();
        @Option(names = "--reason", description = "Note written into the file, for whoever finds it.")
        String reason;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path f = target.resolve();
            Maintenance.drain(f, reason);
            spec.commandLine().getOut().println("Draining: created " + f + ". The running agent reports Draining=1 from its next cycle; "
                    + "'agent undrain' ends it.");
            return 0;
        }
    }

    @Command(name = "undrain", description = "End a drain started with 'agent drain' by removing the maintenance file.")
    static final class Undrain implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Mixin
        FileOption target = new FileOption();
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            Path f = target.resolve();
            boolean removed = Maintenance.undrain(f);
            spec.commandLine().getOut().println(removed ? "Undrained: removed " + f + "." : "Not drained: " + f + " did not exist.");
            return 0;
        }
    }
}
