package io.github.vpcroutefailover.aws;

import io.github.vpcroutefailover.ports.CallDeadline;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.awscore.AwsRequest;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Bounds every SDK call by the {@link CallDeadline} of the calling thread: the call's total timeout (retries
 * included) becomes the time left, and a call with less than {@link #MIN_CALL} left is not sent at all. This is
 * what makes "no EC2 change after the claim's deadline" hold: a ReplaceRoute that could still be in flight when a
 * repairer looks is never started.
 */
public final class DeadlineInterceptor implements ExecutionInterceptor {
    /** Below this, a call cannot plausibly complete; refusing it is better than a certain timeout. */
    public static final Duration MIN_CALL = Duration.ofMillis(250);

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        Optional<Duration> left = CallDeadline.remaining();
        if (left.isEmpty() || !(context.request() instanceof AwsRequest request)) {
            return context.request();
        }
        Duration remaining = budget(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), left.get());
        AwsRequestOverrideConfiguration.Builder b = request.overrideConfiguration()
                .map(AwsRequestOverrideConfiguration::toBuilder).orElseGet(AwsRequestOverrideConfiguration::builder);
        Duration timeout = b.apiCallTimeout() == null || b.apiCallTimeout().compareTo(remaining) > 0 ? remaining : b.apiCallTimeout();
        return request.toBuilder().overrideConfiguration(b.apiCallTimeout(timeout).build()).build();
    }

    /**
     * The time one call may take, retries included: {@code callTimeout}, cut to what the calling thread's deadline
     * leaves. Throws (the call is not sent) when that is under {@link #MIN_CALL}. The light clients use this too.
     */
    public static Duration budget(String service, String operation, Duration callTimeout) {
        Optional<Duration> left = CallDeadline.remaining();
        Duration remaining = left.isEmpty() || left.get().compareTo(callTimeout) > 0 ? callTimeout : left.get();
        if (remaining.compareTo(MIN_CALL) < 0) {
            throw SdkClientException.create("not sending " + service + "." + operation + ": only " + Math.max(0, remaining.toMillis())
                    + " ms left before the deadline of this claim or invocation (a call started now could end after it)");
        }
        return remaining;
    }
}
