package io.github.vpcroutefailover.agent;

import io.github.vpcroutefailover.agent.publish.JsonProtocolShim;
import io.github.vpcroutefailover.testsupport.LocalAws;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;

/**
 * CloudWatch clients for the test bed. SDK 2.41 speaks Smithy RPCv2 CBOR to CloudWatch, which moto 5.2 does not
 * route (404 on /service/GraniteServiceVersion20100801/operation/...), so the clients add the agent's own
 * {@link JsonProtocolShim} (the agent's publish.protocol: json), keeping the shared API call counter.
 */
final class EmulatorCloudWatch {
    private EmulatorCloudWatch() {
    }

    /** Counted by {@code aws.calls()}: the client under test. */
    static CloudWatchClient client(LocalAws aws) {
        CloudWatchClientBuilder b = aws.configure(CloudWatchClient.builder(), "CloudWatch");
        ClientOverrideConfiguration o = b.overrideConfiguration();
        return b.overrideConfiguration(o.toBuilder().addExecutionInterceptor(new JsonProtocolShim()).build()).build();
    }

    /** Not counted: reads that verify what arrived must not change the PutMetricData count under test. */
    static CloudWatchClient reader(LocalAws aws) {
        CloudWatchClientBuilder b = aws.configure(CloudWatchClient.builder(), "CloudWatch");
        return b.overrideConfiguration(ClientOverrideConfiguration.builder().addExecutionInterceptor(new JsonProtocolShim()).build()).build();
    }
}
