package io.github.vpcroutefailover.aws;

import java.time.Duration;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The one way we build SDK clients: explicit timeouts everywhere, and ADAPTIVE_V2 retries for EC2, whose
 * {@code RequestLimitExceeded} throttling is account-wide and shared with every other tool in the account, so a
 * client-side rate limiter that backs off is worth more than a fixed retry count.
 */
public final class AwsClients {
    /** A whole call, retries included; a reconcile must finish well inside the Lambda timeout. */
    public static final Duration API_CALL_TIMEOUT = Duration.ofSeconds(30);
    public static final Duration API_CALL_ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private AwsClients() {
    }

    /** A production EC2 client from the default region/credential chains. */
    public static Ec2Client ec2() {
        return tuneEc2(Ec2Client.builder().httpClientBuilder(httpClient())).build();
    }

    /** A production DynamoDB client from the default region/credential chains. */
    public static DynamoDbClient dynamoDb() {
        return tune(DynamoDbClient.builder().httpClientBuilder(httpClient()), RetryMode.STANDARD).build();
    }

    /** Adds our retry mode and timeouts to a builder, keeping whatever else it was configured with (interceptors). */
    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B tuneEc2(B builder) {
        return tune(builder, RetryMode.ADAPTIVE_V2);
    }

    public static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> B tune(B builder, RetryMode retryMode) {
        ClientOverrideConfiguration existing = builder.overrideConfiguration();
        ClientOverrideConfiguration.Builder b = existing == null ? ClientOverrideConfiguration.builder() : existing.toBuilder();
        // Every call is bounded by the deadline of the claim or invocation it belongs to (DeadlineInterceptor).
        return builder.overrideConfiguration(b.retryStrategy(retryMode).addExecutionInterceptor(new DeadlineInterceptor())
                .apiCallTimeout(API_CALL_TIMEOUT)
                .apiCallAttemptTimeout(API_CALL_ATTEMPT_TIMEOUT)
                .build());
    }

    public static UrlConnectionHttpClient.Builder httpClient() {
        return UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(10));
    }
}
