package io.github.vpcroutefailover.cli;

import io.github.vpcroutefailover.handler.Components;
import java.time.Duration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.DefaultRetryStrategy;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.lambda.LambdaClient;
import software.amazon.awssdk.services.lambda.LambdaClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;

/**
 * How the CLI gets its AWS clients. {@link #aws()} is the real thing: the SDK's default chains for credentials,
 * region and endpoints (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL_*), with {@code --region} and {@code --profile}
 * on top. Tests give their own (emulator endpoints, an interceptor that records the Lambda request).
 */
public interface Wiring {

    /** Clients for {@code --local}; must point at the emulators. */
    Components.Clients localClients(Io io);

    /** False when the clients belong to the caller (a test) and must not be closed by the command. */
    boolean ownsLocalClients();

    CloudFormationClient cloudFormation(Region region);

    LambdaClient lambda(Region region);

    static Wiring aws() {
        return new Wiring() {
            @Override
            public Components.Clients localClients(Io io) {
                if (io.env("AWS_ENDPOINT_URL") == null && (io.env("AWS_ENDPOINT_URL_EC2") == null || io.env("AWS_ENDPOINT_URL_DYNAMODB") == null)) {
                    throw CliException.usage("--local talks to the emulators, but AWS_ENDPOINT_URL is not set; run 'scripts/local-aws start' and "
                            + "'eval \"$(scripts/local-aws env)\"' first (use --stack NAME for a deployed stack)");
                }
                return Components.Clients.fromEnvironment();
            }

            @Override
            public boolean ownsLocalClients() {
                return true;
            }

            @Override
            public CloudFormationClient cloudFormation(Region region) {
                var b = CloudFormationClient.builder().httpClient(http(Duration.ofSeconds(10)))
                        .overrideConfiguration(o -> o.retryStrategy(RetryMode.STANDARD).apiCallTimeout(Duration.ofSeconds(30)));
                return (region == null ? b : b.region(region)).build();
            }

            @Override
            public LambdaClient lambda(Region region) {
                LambdaClientBuilder b = lambdaDefaults(LambdaClient.builder().httpClient(http(StackBackend.INVOKE_TIMEOUT)));
                return (region == null ? b : b.region(region)).build();
            }
        };
    }

    /**
     * Invokes are never retried (StackBackend says why) and may take as long as a reconcile. Keeps what the builder
     * already has (a test's interceptors and endpoint).
     */
    static LambdaClientBuilder lambdaDefaults(LambdaClientBuilder b) {
        ClientOverrideConfiguration existing = b.overrideConfiguration();
        ClientOverrideConfiguration.Builder o = existing == null ? ClientOverrideConfiguration.builder() : existing.toBuilder();
        RetryStrategy none = DefaultRetryStrategy.doNotRetry();
        return b.overrideConfiguration(o.retryStrategy(none).apiCallTimeout(StackBackend.INVOKE_TIMEOUT).apiCallAttemptTimeout(StackBackend.INVOKE_TIMEOUT).build());
    }

    private static software.amazon.awssdk.http.SdkHttpClient http(Duration socketTimeout) {
        return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(3)).socketTimeout(socketTimeout).build();
    }
}
