package io.github.vpcroutefailover.agent.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The validated agent configuration.
 *
 * @param instanceId      the EC2 instance id to publish under; null means "ask IMDSv2"
 * @param namespace       CloudWatch namespace shared with the controller
 * @param interval        publish cycle: one PutMetricData per interval
 * @param region          CloudWatch region; null means the SDK's default chain (env, then IMDS)
 * @param endpoint        CloudWatch endpoint override (tests, VPC endpoints); null means the SDK's resolution
 * @param maintenanceFile while this file exists the instance reports Draining=1
 */
public record AgentConfig(
        String instanceId,
        String namespace,
        Duration interval,
        String region,
        URI endpoint,
        Path maintenanceFile,
        PublishSettings publish,
        ShutdownSettings shutdown,
        ImdsSettings imds,
        List<CheckSpec> checks) {

    public static final String DEFAULT_NAMESPACE = "VpcRouteFailover";
    public static final Path DEFAULT_MAINTENANCE_FILE = Path.of("/etc/vpc-route-failover/maintenance");
    public static final Path DEFAULT_CONFIG_FILE = Path.of("/etc/vpc-route-failover/agent.yaml");

    public AgentConfig {
        checks = List.copyOf(checks);
    }

    /**
     * @param bufferCapacity   most datums kept while CloudWatch is unreachable; the oldest are dropped beyond it
     * @param connectTimeout   TCP connect to the CloudWatch endpoint
     * @param socketTimeout    read timeout on that connection
     * @param apiCallTimeout   one PutMetricData including the SDK's standard retries
     * @param publishCheckState also publish the post-rise/fall CheckState metric
     */
    public record PublishSettings(int bufferCapacity, Duration connectTimeout, Duration socketTimeout, Duration apiCallTimeout,
            boolean publishCheckState) {
    }

    /**
     * @param publishTimeout bound on the final Draining=1 publish after SIGTERM
     * @param holdFor        keep running (checks and Draining=1 every cycle) this long after SIGTERM before exiting,
     *                       so the controller has moved routes before whatever is ordered after the agent stops
     */
    public record ShutdownSettings(Duration publishTimeout, Duration holdFor) {
    }

    /** @param endpoint base URL of the instance metadata service; @param timeout per HTTP request */
    public record ImdsSettings(URI endpoint, Duration timeout) {
    }
}
