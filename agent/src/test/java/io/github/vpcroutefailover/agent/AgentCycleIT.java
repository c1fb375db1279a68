package io.github.vpcroutefailover.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.github.vpcroutefailover.agent.check.CheckRunner;
import io.github.vpcroutefailover.agent.check.Checks;
import io.github.vpcroutefailover.agent.aws.CloudWatchQueryClient;
import io.github.vpcroutefailover.agent.config.AgentConfig;
import io.github.vpcroutefailover.agent.config.ConfigLoader;
import io.github.vpcroutefailover.agent.publish.CloudWatchPublisher;
import io.github.vpcroutefailover.agent.publish.MetricContract;
import io.github.vpcroutefailover.agent.publish.MetricDatum;
import io.github.vpcroutefailover.agent.publish.MetricUnit;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.Metric;

/** The agent's cycle against the emulator's CloudWatch: what arrives, with which dimensions, in how many calls. */
@ExtendWith(LocalAwsExtension.class)
class AgentCycleIT {
    private static final String INSTANCE = "i-0a1b2c3d4e5f60718";
    private final ExecutorService workers = Executors.newCachedThreadPool();
    private ServerSocket tcp;
    private HttpServer http;

    @BeforeEach
    void listeners() throws Exception {
        tcp = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/health", ex -> {
            ex.sendResponseHeaders(503, -1);
            ex.close();
        });
        http.start();
    }

    @AfterEach
    void close() throws Exception {
        workers.shutdownNow();
        tcp.close();
        http.stop(0);
    }

    private HealthAgent agent(LocalAws aws, Path maintenance, CloudWatchQueryClient cw) {
        AgentConfig config = ConfigLoader.parse("""
                instanceId: %s
                interval: 1s
                maintenanceFile: %s
                checks:
                  - {name: redis, type: tcp, host: 127.0.0.1, port: %d, timeout: 400ms}
                  - {name: web, type: http, url: "http://127.0.0.1:%d/health", timeout: 400ms}
                """.formatted(INSTANCE, maintenance, tcp.getLocalPort(), http.getAddress().getPort()), "it");
        List<CheckRunner> runners = Checks.build(config, INSTANCE, false, workers);
        return new HealthAgent(config.interval(), runners, new CloudWatchPublisher(cw, config.namespace(), 1000),
                new MetricContract(INSTANCE, true), new Maintenance(maintenance), Duration.ZERO, Duration.ofSeconds(5));
    }

    @Test
    void eachCyclePublishesAllChecksInOneCallWithTheContractDimensions(LocalAws aws, @TempDir Path dir) {
        CloudWatchQueryClient cw = EmulatorCloudWatch.agentClient(aws);
        HealthAgent agent = agent(aws, dir.resolve("maintenance"), cw);
        CloudWatchClient reader = EmulatorCloudWatch.reader(aws);

        for (int i = 0; i < 3; i++) {
            HealthAgent.Cycle c = agent.runCycle();
            assertThat(c.publish().failed()).isFalse();
            assertThat(c.published()).hasSize(2);
        }
        assertThat(cw.calls()).isEqualTo(3);

        // moto lists a metric once per datum; CloudWatch once per series. Sets make the assertions hold for both.
        List<Metric> metrics = reader.listMetricsPaginator(r -> r.namespace("VpcRouteFailover")).metrics().stream().toList();
        Map<String, java.util.Set<String>> checksByMetric = metrics.stream().collect(Collectors.groupingBy(Metric::metricName,
                Collectors.mapping(m -> dims(m).get("Check"), Collectors.toSet())));
        assertThat(checksByMetric).containsOnlyKeys("CheckResult", "CheckLatency", "CheckState", "Heartbeat", "Draining");
        assertThat(checksByMetric.get("CheckResult")).containsExactlyInAnyOrder("redis", "web");
        assertThat(checksByMetric.get("CheckLatency")).containsExactlyInAnyOrder("redis", "web");
        assertThat(checksByMetric.get("Heartbeat")).containsExactly("agent");
        assertThat(checksByMetric.get("Draining")).containsExactly("agent");
        assertThat(metrics).allSatisfy(m -> {
            assertThat(m.dimensions()).extracting(Dimension::name).containsExactlyInAnyOrder("InstanceId", "Check");
            assertThat(dims(m)).containsEntry("InstanceId", INSTANCE);
        });

        assertThat(CloudWatchReads.values(reader, "CheckResult", INSTANCE, "redis", "Minimum")).isNotEmpty().containsOnly(1.0);
        assertThat(CloudWatchReads.values(reader, "CheckResult", INSTANCE, "web", "Maximum")).isNotEmpty().containsOnly(0.0);
        assertThat(CloudWatchReads.values(reader, "Heartbeat", INSTANCE, "agent", "Minimum")).isNotEmpty().containsOnly(1.0);
        assertThat(CloudWatchReads.values(reader, "Draining", INSTANCE, "agent", "Maximum")).isNotEmpty().containsOnly(0.0);
    }

    @Test
    void maintenanceFileTurnsDrainingOnAndOff(LocalAws aws, @TempDir Path dir) throws Exception {
        Path maintenance = dir.resolve("maintenance");
        CloudWatchQueryClient cw = EmulatorCloudWatch.agentClient(aws);
        HealthAgent agent = agent(aws, maintenance, cw);
        CloudWatchClient reader = EmulatorCloudWatch.reader(aws);
        assertThat(agent.runCycle().draining()).isFalse();
        Maintenance.drain(maintenance, "kernel upgrade");
        assertThat(agent.runCycle().draining()).isTrue();
        assertThat(CloudWatchReads.values(reader, "Draining", INSTANCE, "agent", "Maximum")).contains(1.0);
        assertThat(Maintenance.undrain(maintenance)).isTrue();
        assertThat(agent.runCycle().draining()).isFalse();
        assertThat(Files.exists(maintenance)).isFalse();
        assertThat(cw.calls()).isEqualTo(3);
    }

    @Test
    void moreThanOneThousandDatumsAreSplitAndAllArrive(LocalAws aws) {
        // A 1000-datum request keeps moto busy for seconds on a loaded machine; CloudWatch answers in milliseconds.
        CloudWatchQueryClient cw = EmulatorCloudWatch.agentClient(aws, Duration.ofMinutes(2));
        CloudWatchPublisher p = new CloudWatchPublisher(cw, "VpcRouteFailover", 10_000);
        CloudWatchClient reader = EmulatorCloudWatch.reader(aws);
        Instant now = Instant.now();
        List<MetricDatum> data = IntStream.range(0, 2500).mapToObj(i -> new MetricDatum("CheckResult",
                List.of(new MetricDatum.Dimension("InstanceId", INSTANCE), new MetricDatum.Dimension("Check", "c" + (i % 5))),
                1.0, MetricUnit.NONE, now.minusMillis(i), 1)).toList();
        CloudWatchPublisher.Result r = p.publish(data);
        assertThat(r.calls()).as("1000 + 1000 + 500").isEqualTo(3);
        assertThat(r.sent()).isEqualTo(2500);
        assertThat(cw.calls()).isEqualTo(3);
        assertThat(reader.listMetricsPaginator(q -> q.namespace("VpcRouteFailover")).metrics().stream()
                .map(m -> dims(m).get("Check")).collect(Collectors.toSet())).containsExactlyInAnyOrder("c0", "c1", "c2", "c3", "c4");
        for (int c = 0; c < 5; c++) {
            assertThat(CloudWatchReads.values(reader, "CheckResult", INSTANCE, "c" + c, "SampleCount").stream().mapToDouble(Double::doubleValue).sum())
                    .isEqualTo(500.0);
        }
    }

    private static Map<String, String> dims(Metric m) {
        return m.dimensions().stream().collect(Collectors.toMap(Dimension::name, Dimension::value));
    }
}
