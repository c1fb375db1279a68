package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentMainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return AgentMain.execute(args, name -> null, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void drainAndUndrainUseTheMaintenanceFileFromTheConfig(@TempDir Path dir) throws Exception {
        Path maintenance = dir.resolve("sub/maintenance");
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "maintenanceFile: " + maintenance + "\nchecks: [{name: a, type: tcp, host: 127.0.0.1, port: 1}]\n");

        assertThat(run("drain", "--config", config.toString(), "--reason", "kernel upgrade")).isZero();
        assertThat(Files.readString(maintenance)).contains("kernel upgrade");
        assertThat(new Maintenance(maintenance).draining()).isTrue();
        assertThat(out.toString()).contains("Draining: created " + maintenance);

        assertThat(run("undrain", "--config", config.toString())).isZero();
        assertThat(Files.exists(maintenance)).isFalse();
        assertThat(new Maintenance(maintenance).draining()).isFalse();
        assertThat(run("undrain", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("Not drained");
    }

    @Test
    void explicitMaintenanceFileNeedsNoConfig(@TempDir Path dir) {
        Path f = dir.resolve("m");
        assertThat(run("drain", "--config", dir.resolve("missing.yaml").toString(), "--maintenance-file", f.toString())).isZero();
        assertThat(Files.exists(f)).isTrue();
    }

    @Test
    void checkConfigReportsProblemsWithExitCode2(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "checks: [{name: a, type: tcp, host: 127.0.0.1, port: 0}]\n");
        assertThat(run("check-config", "--config", config.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("checks[0].port: must be between 1 and 65535, got 0").contains("Fix:");
    }

    @Test
    void checkConfigListsValidChecks(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "checks: [{name: web, type: http, url: \"http://127.0.0.1/\"}]\n");
        assertThat(run("check-config", "--config", config.toString())).isZero();
        assertThat(out.toString()).contains("OK").contains("web (http) every 1s, timeout 1s, rise 2, fall 3");
    }

    @Test
    void icmpWithoutCapabilityIsRefusedWithTheFix() {
        var config = io.github.vpcroutefailover.agent.config.ConfigLoader.parse(
                "checks: [{name: gw, type: icmp, host: 127.0.0.1}, {name: p, type: peer, peers: [{id: i-self, address: 10.0.0.1}]}]", "t");
        var workers = java.util.concurrent.Executors.newCachedThreadPool();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.github.vpcroutefailover.agent.check.Checks.build(config, "i-self", false, workers))
                    .hasMessageContaining("checks[0] (gw): ICMP needs the CAP_NET_RAW capability")
                    .hasMessageContaining("AmbientCapabilities=CAP_NET_RAW")
                    .hasMessageNotContaining("checks[1]"); // the only peer is this instance itself: nothing to ping
            var runners = io.github.vpcroutefailover.agent.check.Checks.build(
                    io.github.vpcroutefailover.agent.config.ConfigLoader.parse(
                            "checks: [{name: p, type: peer, probe: tcp, port: 22, peers: [{id: i-a, address: 10.0.0.1}, {id: i-b, address: 10.0.0.2}]}]", "t"),
                    "i-a", false, workers);
            assertThat(runners).extracting(io.github.vpcroutefailover.agent.check.CheckRunner::name).containsExactly("p:i-b");
        } finally {
            workers.shutdownNow();
        }
    }

    @Test
    void configComesFromTheOptionThenTheEnvironment(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("agent.yaml");
        Files.writeString(config, "checks: [{name: web, type: http, url: \"http://127.0.0.1/\"}]\n");
        int status = AgentMain.execute(new String[] {"check-config"}, name -> name.equals("VRF_AGENT_CONFIG") ? config.toString() : null,
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(status).isZero();
        assertThat(out.toString()).contains(config + ": OK");
        assertThat(run("check-config", "-c", dir.resolve("missing.yaml").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("missing.yaml").contains("file not found");
    }

    @Test
    void badCommandLinesExitTwoWithTheFixAndDoNothing(@TempDir Path dir) {
        assertThat(run("stop")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown command 'stop'").contains("[run, check-config, drain, undrain]");
        assertThat(run("drain", "--maintenance-file")).isEqualTo(2);
        assertThat(err.toString()).contains("maintenance-file").contains("Fix: see 'agent drain --help'");
        assertThat(run("undrain", "--force")).isEqualTo(2);
        assertThat(err.toString()).contains("--force");
        assertThat(run("drain", "--maintenance-file", dir.resolve("m").toString(), "extra")).isEqualTo(2);
        assertThat(err.toString()).contains("unexpected argument(s) [extra]");
        assertThat(Files.exists(dir.resolve("m"))).as("a rejected command line changes nothing").isFalse();
    }

    @Test
    void helpListsCommandsAndEachCommandsOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("run ").contains("check-config").contains("drain").contains("undrain").contains("Exit status");
        assertThat(run("drain", "--help")).isZero();
        assertThat(out.toString()).contains("--maintenance-file").contains("--reason").contains("--config");
        assertThat(run("--version")).isZero();
        assertThat(out.toString()).contains("vpc-route-failover agent");
    }
}
