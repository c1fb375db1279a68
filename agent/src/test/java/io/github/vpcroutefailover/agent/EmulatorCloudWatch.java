package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.testsupport.LocalAws;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;

/** CloudWatch clients for the test bed. */
final class EmulatorCloudWatch {
    private EmulatorCloudWatch() {
    }

    /** Counted by {@code aws.calls()}: the client under test. */
    static CloudWatchClient client(LocalAws aws) {
        return aws.configure(CloudWatchClient.builder(), "CloudWatch").build();
    }

    /** Not counted: reads that verify what arrived must not change the PutMetricData count under test. */
    static CloudWatchClient reader(LocalAws aws) {
        CloudWatchClientBuilder b = aws.configure(CloudWatchClient.builder(), "CloudWatch");
        return b.overrideConfiguration(ClientOverrideConfiguration.builder().apiCallTimeout(java.time.Duration.ofSeconds(60)).build()).build();
    }
}
