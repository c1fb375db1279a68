package io.github.vpcroutefailover.aws.light;

import io.github.vpcroutefailover.aws.AwsClients;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Builds the light EC2 and DynamoDB clients with the same limits as {@link AwsClients}: connect 2 s, each attempt
 * 10 s, each call 30 s (and never past the calling thread's deadline), EC2 on the SDK's adaptive retry strategy
 * (account-wide {@code RequestLimitExceeded} throttling), DynamoDB on its standard one. The entry points that resolve
 * the endpoint from the environment build the SDK's generated client instead when a setting the light clients do
 * not read can be in effect ({@link LightSettings}: FIPS, dual-stack, a shared config or credentials file), logged once.
 */
public final class LightClients {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final AtomicBoolean LOGGED = new AtomicBoolean();

    private LightClients() {
    }

    /** From the default chains: region (AWS_REGION), credentials (Lambda's environment), endpoint (AWS_ENDPOINT_URL*). */
    public static Ec2Api ec2() {
        Region region = new DefaultAwsRegionProviderChain().getRegion();
        return ec2(region, defaultCredentials(), List.of());
    }

    /** A given region and credentials (the fleet's per-account AssumeRole providers); endpoint from the environment. */
    public static Ec2Api ec2(Region region, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        if (sdkRequired("Ec2")) {
            return Ec2Api.of(sdk(Ec2Client.builder(), region, credentials, interceptors, RetryMode.ADAPTIVE_V2, null));
        }
        return ec2(region, credentials, LightEndpoints.resolve("EC2", "Ec2", "ec2", region), interceptors);
    }

    public static Ec2Api ec2(Region region, AwsCredentialsProvider credentials, URI endpoint, List<ExecutionInterceptor> interceptors) {
        return ec2(region, credentials, endpoint, interceptors, null);
    }

    /** @param http null for real calls; SnapStart priming passes its canned client */
    public static Ec2Api ec2(Region region, AwsCredentialsProvider credentials, URI endpoint, List<ExecutionInterceptor> interceptors,
                                SdkHttpClient http) {
        return new LightEc2Client(new LightTransport(new LightTransport.Settings("Ec2", "ec2", region, endpoint, credentials,
                AwsRetryStrategy.adaptiveRetryStrategy(), interceptors, CONNECT_TIMEOUT, AwsClients.API_CALL_ATTEMPT_TIMEOUT,
                AwsClients.API_CALL_TIMEOUT, http)));
    }

    /** From the default chains, like {@link #ec2()}. */
    public static CloudWatchClient cloudWatch() {
        Region region = new DefaultAwsRegionProviderChain().getRegion();
        return cloudWatch(region, defaultCredentials(), List.of());
    }

    public static CloudWatchClient cloudWatch(Region region, AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors) {
        if (sdkRequired("CloudWatch")) {
            return sdk(CloudWatchClient.builder(), region, credentials, interceptors, RetryMode.STANDARD, null);
        }
        return cloudWatch(region, credentials, LightEndpoints.resolve("CLOUDWATCH", "CloudWatch", "monitoring", region), interceptors);
    }

    public static CloudWatchClient cloudWatch(Region region, AwsCredentialsProvider credentials, URI endpoint,
                                              List<ExecutionInterceptor> interceptors) {
        return cloudWatch(region, credentials, endpoint, interceptors, null);
    }

    public static CloudWatchClient cloudWatch(Region region, AwsCredentialsProvider credentials, URI endpoint,
                                              List<ExecutionInterceptor> interceptors, SdkHttpClient http) {
        return new LightCloudWatchClient(new LightTransport(new LightTransport.Settings("CloudWatch", "monitoring", region,
                endpoint, credentials, AwsRetryStrategy.standardRetryStrategy(), interceptors, CONNECT_TIMEOUT,
                AwsClients.API_CALL_ATTEMPT_TIMEOUT, AwsClients.API_CALL_TIMEOUT, http)));
    }

    /** From the default chains, like {@link #ec2()}. */
    public static DynamoDbClient dynamoDb() {
        Region region = new DefaultAwsRegionProviderChain().getRegion();
        AwsCredentialsProvider credentials = defaultCredentials();
        if (sdkRequired("DynamoDb")) {
            return sdk(DynamoDbClient.builder(), region, credentials, List.of(), RetryMode.STANDARD, null);
        }
        return dynamoDb(region, credentials, LightEndpoints.resolve("DYNAMODB", "DynamoDb", "dynamodb", region), List.of());
    }

    public static DynamoDbClient dynamoDb(Region region, AwsCredentialsProvider credentials, URI endpoint,
                                          List<ExecutionInterceptor> interceptors) {
        return dynamoDb(region, credentials, endpoint, interceptors, null);
    }

    public static DynamoDbClient dynamoDb(Region region, AwsCredentialsProvider credentials, URI endpoint,
                                          List<ExecutionInterceptor> interceptors, SdkHttpClient http) {
        LightTransport transport = new LightTransport(new LightTransport.Settings("DynamoDb", "dynamodb", region, endpoint,
                credentials, AwsRetryStrategy.standardRetryStrategy(), interceptors, CONNECT_TIMEOUT,
                AwsClients.API_CALL_ATTEMPT_TIMEOUT, AwsClients.API_CALL_TIMEOUT, http));
        return new LightDynamoDbClient(transport, new Lazy<>(() -> sdk(DynamoDbClient.builder().endpointOverride(endpoint), region,
                credentials, interceptors, RetryMode.STANDARD, http)));
    }

    /**
     * The SDK's default credentials, with its first two sources (system properties, then the environment, which is
     * where an on-demand Lambda function's credentials are) asked before the whole default chain is built: building
     * it (profile files, web identity, container and instance metadata providers) costs a cold start tens of
     * milliseconds that a function with credentials in its environment never uses (BENCHMARKS.md "Cold controller",
     * eighth look). The order is the default chain's, so the same source wins in every environment; SnapStart
     * functions, which get no credentials in their environment, reach the container provider through the chain.
     * One instance for all clients: each source is asked once, and the chain remembers which one answered.
     */
    public static AwsCredentialsProvider defaultCredentials() {
        return DefaultCredentials.INSTANCE;
    }

    static AwsCredentialsProvider newDefaultCredentials() {
        return AwsCredentialsProviderChain.builder().reuseLastProviderEnabled(true)
                .credentialsProviders(SystemPropertyCredentialsProvider.create(), EnvironmentVariableCredentialsProvider.create(),
                        DefaultCredentialsProvider.builder().build())
                .build();
    }

    private static final class DefaultCredentials {
        static final AwsCredentialsProvider INSTANCE = newDefaultCredentials();
    }

    /** Whether the SDK's generated client must stand in (a setting we do not read); the reason is logged once. */
    private static boolean sdkRequired(String service) {
        Optional<String> setting = LightSettings.sdkRequiredBy();
        if (setting.isPresent() && LOGGED.compareAndSet(false, true)) {
            // Looked up here, not in a static field: the light path loads no logging for this class.
            org.slf4j.LoggerFactory.getLogger(LightClients.class).atInfo().addKeyValue("event", "lightClientsOff")
                    .addKeyValue("setting", setting.get()).addKeyValue("service", service)
                    .log("light clients off, building the SDK's generated clients");
        }
        return setting.isPresent();
    }

    /**
     * The SDK's generated client as {@link AwsClients} builds it (URL-connection HTTP client with our timeouts, our
     * retry mode and deadline), with the light client's region, credentials and interceptors. The endpoint is the
     * builder's own unless already set: FIPS, dual-stack and profile endpoints are exactly the SDK's.
     *
     * @param http null for real calls, else this client (priming's canned answers)
     */
    private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C sdk(B builder, Region region,
            AwsCredentialsProvider credentials, List<ExecutionInterceptor> interceptors, RetryMode mode, SdkHttpClient http) {
        if (http != null) {
            builder.httpClient(http);
        } else {
            builder.httpClientBuilder(AwsClients.httpClient());
        }
        builder.overrideConfiguration(o -> interceptors.forEach(o::addExecutionInterceptor));
        return AwsClients.tune(builder.region(region).credentialsProvider(credentials), mode).build();
    }

    /** Built on first use, at most once. */
    private static final class Lazy<T> implements java.util.function.Supplier<T> {
        private final java.util.function.Supplier<T> build;
        private T value;

        Lazy(java.util.function.Supplier<T> build) {
            this.build = build;
        }

        @Override
        public synchronized T get() {
            if (value == null) {
                value = build.get();
            }
            return value;
        }
    }
}
