package io.github.vpcroutefailover.agent.publish;

import io.github.vpcroutefailover.agent.config.AgentConfig;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;

/**
 * The agent's one CloudWatch client. URL-connection HTTP client: no extra threads or native code, the smallest
 * footprint of the SDK's clients. Standard retry mode, and explicit timeouts so that a dead endpoint costs at
 * most {@code apiCallTimeout} per cycle. Credentials and (unless configured) region and endpoint come from the
 * SDK's default chains: the instance profile on EC2, {@code AWS_ENDPOINT_URL_CLOUDWATCH} in tests.
 */
public final class CloudWatchClients {
    private CloudWatchClients() {
    }

    public static CloudWatchClient create(AgentConfig config) {
        var p = config.publish();
        CloudWatchClientBuilder b = CloudWatchClient.builder()
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(p.connectTimeout())
                        .socketTimeout(p.socketTimeout())
                        .build())
                .overrideConfiguration(o -> o
                        .apiCallTimeout(p.apiCallTimeout())
                        .apiCallAttemptTimeout(p.socketTimeout().plus(p.connectTimeout()))
                        .retryStrategy(RetryMode.STANDARD));
        if (config.region() != null) {
            b.region(Region.of(config.region()));
        }
        if (config.endpoint() != null) {
            b.endpointOverride(config.endpoint());
        }
        return b.build();
    }
}
