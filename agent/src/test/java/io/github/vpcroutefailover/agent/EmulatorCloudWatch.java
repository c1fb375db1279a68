package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.aws.AwsCredentials;
import io.github.vpcroutefailover.agent.aws.CloudWatchQueryClient;
import io.github.vpcroutefailover.agent.aws.DefaultCredentials;
import io.github.vpcroutefailover.testsupport.LocalAws;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;

/** CloudWatch clients for the test bed: the agent's own client under test, and the SDK's to read back what arrived. */
final class EmulatorCloudWatch {
    private EmulatorCloudWatch() {
    }

    /**
     * The agent's client, pointed where the test bed's SDK clients go (the emulator, LocalStack, or the real
     * regional endpoint) with the same credentials.
     */
    static CloudWatchQueryClient agentClient(LocalAws aws, Duration apiCallTimeout) {
        var identity = aws.credentials().resolveCredentials();
        String token = identity instanceof AwsSessionCredentialsIdentity s ? s.sessionToken() : null;
        var credentials = new DefaultCredentials.StaticCredentials(
                new AwsCredentials(identity.accessKeyId(), identity.secretAccessKey(), token, null), "test bed");
        String region = aws.region().id();
        URI endpoint = aws.endpoint("CloudWatch").orElse(URI.create("https://monitoring." + region + ".amazonaws.com"));
        return new CloudWatchQueryClient(endpoint, region, credentials, Duration.ofSeconds(2), apiCallTimeout, apiCallTimeout, Clock.systemUTC());
    }

    static CloudWatchQueryClient agentClient(LocalAws aws) {
        return agentClient(aws, Duration.ofSeconds(10));
    }

    /** The SDK's client, not counted: reads that verify what arrived must not change the PutMetricData count under test. */
    static CloudWatchClient reader(LocalAws aws) {
        CloudWatchClientBuilder b = aws.configure(CloudWatchClient.builder(), "CloudWatch");
        return b.overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(java.time.Duration.ofSeconds(60)).build()).build();
    }
}
