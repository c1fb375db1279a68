package io.github.vpcroutefailover.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's shaded jar run as the sample systemd unit runs it: the unit's {@code JAVA_OPTS} (only the AppCDS
 * archive moved from /var/lib to the test's directory) and {@code run --config <file>}.
 */
final class AgentProcess implements AutoCloseable {
    private final Process process;
    final Path log;

    private AgentProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static AgentProcess start(Path repo, Path config, Path dir, Map<String, String> env) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(unitJavaOpts(repo, dir));
        command.addAll(List.of("-jar", agentJar(repo).toString(), "run", "--config", config.toString()));
        Path log = dir.resolve(config.getFileName() + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("MALLOC_ARENA_MAX", "2");
        // The local test bed's CloudWatch is plain http; the agent refuses that unless told it is a test bed.
        pb.environment().put("VRF_AGENT_ALLOW_HTTP_ENDPOINT", "true");
        return new AgentProcess(pb.start(), log);
    }

    /** The JVM flags of samples/agent/vpc-route-failover-agent.service, the archive path moved to {@code dir}. */
    static List<String> unitJavaOpts(Path repo, Path dir) throws IOException {
        String unit = Files.readString(repo.resolve("samples/agent/vpc-route-failover-agent.service"));
        Matcher m = Pattern.compile("(?m)^Environment=\"JAVA_OPTS=([^\"]*)\"").matcher(unit);
        if (!m.find()) {
            throw new AssertionError("samples/agent/vpc-route-failover-agent.service has no Environment=\"JAVA_OPTS=...\" line");
        }
        List<String> opts = new ArrayList<>();
        for (String opt : m.group(1).trim().split("\\s+")) {
            opts.add(opt.startsWith("-XX:SharedArchiveFile=") ? "-XX:SharedArchiveFile=" + dir.resolve("agent.jsa") : opt);
        }
        return opts;
    }

    static Path agentJar(Path repo) throws IOException {
        String configured = System.getProperty("vrf.agentJar");
        if (configured != null && Files.isRegularFile(Path.of(configured))) {
            return Path.of(configured);
        }
        try (var jars = Files.newDirectoryStream(repo.resolve("agent/target"), "agent-*-all.jar")) {
            for (Path p : jars) {
                return p.toAbsolutePath();
            }
        } catch (java.nio.file.NoSuchFileException e) {
            // reported below
        }
        throw new AssertionError("agent/target/agent-*-all.jar not found: build the reactor (scripts/test, or mvn -pl system-test -am verify)");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, as systemd's stop sends it; waits for the exit and returns the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the agent did not exit within 30 s of SIGTERM; log:\n" + logText());
        }
        return process.exitValue();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
