package io.github.vpcroutefailover.agent.aws;

/** Where request-signing credentials come from. Implementations cache and refresh as they need to. */
public interface CredentialsProvider {
    /** Current credentials; throws {@link CredentialsException} with the fix when there are none. */
    AwsCredentials credentials();

    /** The service said the credentials are expired or unknown: fetch fresh ones on the next call. */
    default void invalidate() {
    }

    /** Where the credentials come from, for logs and error messages. */
    String source();
}
