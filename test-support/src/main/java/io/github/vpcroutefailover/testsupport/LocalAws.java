package io.github.vpcroutefailover.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/**
 * Real AWS SDK v2 clients for whatever {@link AwsTarget} this run uses, sharing one HTTP client and one
 * {@link ApiCallCounter}. Obtain it through {@link LocalAwsExtension}; production adapters under test should be
 * built with {@link #configure} so they talk to the same endpoints.
 */
public final class LocalAws implements AutoCloseable {
    /** SDK service ids of the services the suite needs, mapped to how tests name them in messages. */
    static final List<String> SERVICES = List.of("EC2", "CloudWatch", "EventBridge", "Auto Scaling", "DynamoDB");

    private final AwsTarget target;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final ApiCallCounter counter = new ApiCallCounter();
    private final String runPrefix = "vrf-it-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    private final Ec2Client ec2;
    private final DynamoDbClient dynamoDb;
    private final CloudWatchClient cloudWatch;
    private final EventBridgeClient eventBridge;
    private final AutoScalingClient autoScaling;

    /** Clients for the target the environment selects, outside JUnit (the lab sandbox story); no state is reset. */
    public static LocalAws fromEnvironment() {
        return new LocalAws(AwsTarget.current());
    }

    LocalAws(AwsTarget target) {
        this.target = target;
        String regionName = firstNonBlank(System.getenv("AWS_REGION"), System.getenv("AWS_DEFAULT_REGION"), "us-east-1");
        this.region = Region.of(regionName);
        boolean envCreds = System.getenv("AWS_ACCESS_KEY_ID") != null;
        this.credentials = target == AwsTarget.LOCAL_EMULATORS && !envCreds
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"))
                : DefaultCredentialsProvider.builder().build();
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(30))
                .build();
        this.ec2 = configure(Ec2Client.builder(), "EC2").build();
        this.dynamoDb = configure(DynamoDbClient.builder(), "DynamoDB").build();
        this.cloudWatch = configure(CloudWatchClient.builder(), "CloudWatch").build();
        this.eventBridge = configure(EventBridgeClient.builder(), "EventBridge").build();
        this.autoScaling = configure(AutoScalingClient.builder(), "Auto Scaling").build();
    }

    /**
     * Points any SDK v2 client builder at this run's endpoint, region and credentials, with the shared HTTP
     * client and the call counter installed. {@code serviceId} is the SDK service id ("EC2", "DynamoDB", ...).
     */
    public <B extends AwsClientBuilder<B, C> & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>, C>
            B configure(B builder, String serviceId) {
        builder.region(region).credentialsProvider(credentials).httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(counter)
                        .apiCallTimeout(Duration.ofSeconds(60))
                        .build());
        if (target.isEmulated()) {
            builder.endpointOverride(Endpoints.forService(serviceId));
        }
        return builder;
    }

    public AwsTarget target() {
        return target;
    }

    public Region region() {
        return region;
    }

    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    public SdkHttpClient httpClient() {
        return http;
    }

    /** The endpoint a service is reached at, or empty when the SDK resolves it (real AWS). */
    public java.util.Optional<URI> endpoint(String serviceId) {
        return target.isEmulated() ? java.util.Optional.of(Endpoints.forService(serviceId)) : java.util.Optional.empty();
    }

    /** Environment variables that point another process (the Lambda jar, the agent) at the same endpoints. */
    public Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_REGION", region.id());
        if (target.isEmulated()) {
            for (String s : SERVICES) {
                env.put("AWS_ENDPOINT_URL_" + s.toUpperCase(java.util.Locale.ROOT).replace(' ', '_'), Endpoints.forService(s).toString());
            }
            if (target == AwsTarget.LOCAL_EMULATORS) {
                env.put("AWS_ACCESS_KEY_ID", "testing");
                env.put("AWS_SECRET_ACCESS_KEY", "testing");
            }
        }
        return env;
    }

    public Ec2Client ec2() {
        return ec2;
    }

    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    public CloudWatchClient cloudWatch() {
        return cloudWatch;
    }

    public EventBridgeClient eventBridge() {
        return eventBridge;
    }

    public AutoScalingClient autoScaling() {
        return autoScaling;
    }

    public ApiCallCounter calls() {
        return counter;
    }

    /** A name unique to this run, e.g. for a DynamoDB table; such tables are deleted after each test. */
    public String uniqueName(String suffix) {
        return runPrefix + suffix + "-" + UUID.randomUUID().toString().substring(0, 6);
    }

    /** Fails with a message that says how to start the test bed when an endpoint does not accept connections. */
    void checkReachable() {
        if (!target.isEmulated()) {
            return;
        }
        for (String service : SERVICES) {
            requireReachable(service, Endpoints.forService(service), target);
        }
    }

    static void requireReachable(String service, URI uri, AwsTarget target) {
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), port), 2000);
        } catch (IOException e) {
            throw new IllegalStateException("The " + service + " endpoint " + uri + " is not reachable (" + e.getMessage() + "). "
                    + (target == AwsTarget.LOCAL_EMULATORS
                            ? "Start the local AWS test bed with 'scripts/local-aws start' (stop it with 'scripts/local-aws stop'), "
                                    + "or run the whole suite with 'scripts/test', which starts and stops it for you."
                            : "Start the emulator that AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_<SERVICE> point at, or unset them to use "
                                    + "the local test bed ('scripts/local-aws start')."), e);
        }
    }

    /** Returns every emulator to an empty state; on real AWS, removes only what this run created. */
    void reset() {
        counter.reset();
        if (target == AwsTarget.LOCAL_EMULATORS || target == AwsTarget.CUSTOM_ENDPOINTS) {
            resetMoto();
        }
        for (String table : dynamoDb.listTablesPaginator().tableNames()) {
            boolean ours = table.startsWith(runPrefix) || (target == AwsTarget.LOCAL_EMULATORS && table.startsWith("vrf-"));
            if (ours) {
                try {
                    dynamoDb.deleteTable(r -> r.tableName(table));
                } catch (ResourceNotFoundException alreadyGone) {
                    // another test's cleanup got there first
                }
            }
        }
        counter.reset();
    }

    private void resetMoto() {
        URI moto = Endpoints.forService("EC2");
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(moto.resolve("/moto-api/reset"))
                    .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() / 100 != 2 && target == AwsTarget.LOCAL_EMULATORS) {
                throw new IllegalStateException("moto at " + moto + " refused /moto-api/reset (HTTP " + r.statusCode()
                        + "); is something other than moto listening there? Restart it with 'scripts/local-aws stop && scripts/local-aws start'.");
            }
        } catch (IOException e) {
            throw new IllegalStateException("Could not reset moto at " + moto + ": " + e.getMessage()
                    + ". Start it with 'scripts/local-aws start'.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting moto", e);
        }
    }

    @Override
    public void close() {
        ec2.close();
        dynamoDb.close();
        cloudWatch.close();
        eventBridge.close();
        autoScaling.close();
        http.close();
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        throw new IllegalArgumentException("no value");
    }
}
