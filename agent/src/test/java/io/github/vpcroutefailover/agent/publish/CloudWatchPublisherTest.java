package io.github.vpcroutefailover.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.agent.aws.AwsCredentials;
import io.github.vpcroutefailover.agent.aws.CloudWatchQueryClient;
import io.github.vpcroutefailover.agent.aws.DefaultCredentials;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CloudWatchPublisherTest {

    private static List<MetricDatum> datums(int n, int cycle) {
        return IntStream.range(0, n).mapToObj(i -> new MetricDatum("CheckResult", List.of(), cycle, MetricUnit.NONE,
                Instant.EPOCH.plusSeconds(cycle), 1)).toList();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void unreachableEndpointKeepsTheBufferAtItsCapAndCountsDropsExactly() throws Exception {
        CloudWatchQueryClient client = new CloudWatchQueryClient(URI.create("http://127.0.0.1:" + freePort()), "us-east-1",
                new DefaultCredentials.StaticCredentials(new AwsCredentials("testing", "testing", null, null), "test"),
                Duration.ofMillis(200), Duration.ofMillis(200), Duration.ofSeconds(5), Clock.systemUTC());
        CloudWatchPublisher p = new CloudWatchPublisher(client, "VpcRouteFailover", 100);
        int perCycle = 32;
        int cycles = 6;
        for (int c = 1; c <= cycles; c++) {
            CloudWatchPublisher.Result r = p.publish(datums(perCycle, c));
            assertThat(r.failed()).isTrue();
            assertThat(r.calls()).isEqualTo(1);
            assertThat(p.buffered()).isLessThanOrEqualTo(100).isEqualTo(Math.min(100, c * perCycle));
            assertThat(p.dropped()).isEqualTo(Math.max(0, c * perCycle - 100));
        }
        assertThat(p.buffered()).isEqualTo(100);
        assertThat(p.dropped()).isEqualTo(cycles * perCycle - 100);
        assertThat(client.calls()).isEqualTo(cycles);
        // standard retry: 3 attempts per call, then the datums wait in the buffer for the next cycle
        assertThat(client.attempts()).isEqualTo(cycles * 3L);
    }

    /** Fails the first {@code failures} calls like a network outage, then accepts and records every batch. */
    private static final class FlakyCloudWatch implements MetricSink {
        int failures;
        final List<List<MetricDatum>> accepted = new ArrayList<>();

        FlakyCloudWatch(int failures) {
            this.failures = failures;
        }

        @Override
        public void put(String namespace, List<MetricDatum> batch, Duration timeout) throws PublishException {
            if (failures-- > 0) {
                throw PublishException.failed(null, "Connection refused", null);
            }
            accepted.add(batch);
        }

        @Override
        public Duration defaultTimeout() {
            return Duration.ofSeconds(3);
        }
    }

    @Test
    void oneCallPerCycleThenTheBacklogDrainsNewestFirstInBoundedCalls() {
        FlakyCloudWatch cw = new FlakyCloudWatch(4);
        CloudWatchPublisher p = new CloudWatchPublisher(cw, "VpcRouteFailover", 10_000);
        for (int c = 1; c <= 4; c++) {
            p.publish(datums(900, c));
        }
        assertThat(p.buffered()).isEqualTo(3600);
        CloudWatchPublisher.Result r = p.publish(datums(900, 5));
        // 4500 pending: 3 calls of 1000 this cycle, newest data first
        assertThat(r.calls()).isEqualTo(3);
        assertThat(cw.accepted).hasSize(3).allSatisfy(b -> assertThat(b).hasSize(1000));
        assertThat(cw.accepted.get(0)).allSatisfy(d -> assertThat(d.value()).isGreaterThanOrEqualTo(4.0));
        assertThat(p.buffered()).isEqualTo(1500);
        p.publish(datums(900, 6));
        assertThat(p.buffered()).isZero();
        assertThat(cw.accepted).hasSize(6);
        assertThat(p.dropped()).isZero();
    }

    @Test
    void normalCycleIsExactlyOneCall() {
        FlakyCloudWatch cw = new FlakyCloudWatch(0);
        CloudWatchPublisher p = new CloudWatchPublisher(cw, "VpcRouteFailover", 10_000);
        for (int c = 1; c <= 5; c++) {
            assertThat(p.publish(datums(32, c)).calls()).isEqualTo(1);
        }
        assertThat(cw.accepted).hasSize(5);
        assertThat(p.publish(datums(1001, 6)).calls()).isEqualTo(2);
    }

    @Test
    void finalPublishStopsAtItsBudget() {
        FlakyCloudWatch cw = new FlakyCloudWatch(0);
        CloudWatchPublisher p = new CloudWatchPublisher(cw, "VpcRouteFailover", 10_000);
        CloudWatchPublisher.Result r = p.publishFinal(datums(10, 1), Duration.ZERO);
        assertThat(r.calls()).isZero();
        r = p.publishFinal(datums(10, 2), Duration.ofSeconds(5));
        assertThat(r.calls()).isEqualTo(1);
        assertThat(r.sent()).isEqualTo(20);
    }
}
