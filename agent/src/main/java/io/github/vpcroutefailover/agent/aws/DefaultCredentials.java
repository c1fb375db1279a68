package io.github.vpcroutefailover.agent.aws;

import java.time.Clock;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The agent's credential chain, a subset of the AWS SDKs' default chain that covers where the agent runs:
 * the environment variables first (tests, non-EC2 hosts), then the instance profile through IMDSv2.
 */
public final class DefaultCredentials {
    private DefaultCredentials() {
    }

    public static CredentialsProvider create(Function<String, String> env, Supplier<Imds> imds, Clock clock) {
        String key = blankToNull(env.apply("AWS_ACCESS_KEY_ID"));
        String secret = blankToNull(env.apply("AWS_SECRET_ACCESS_KEY"));
        if (key != null && secret != null) {
            return new StaticCredentials(new AwsCredentials(key, secret, blankToNull(env.apply("AWS_SESSION_TOKEN")), null), "environment variables");
        }
        if (key != null || secret != null) {
            throw new CredentialsException("Only one of AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY is set. Fix: set both, or neither to use the "
                    + "instance profile.", null);
        }
        if (Imds.disabled(env)) {
            throw new CredentialsException("No credentials: AWS_ACCESS_KEY_ID is not set and AWS_EC2_METADATA_DISABLED=true turns off the instance "
                    + "profile. Fix: unset AWS_EC2_METADATA_DISABLED, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.", null);
        }
        return new ImdsCredentials(imds.get(), clock);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /** Fixed credentials, such as those from the environment. */
    public record StaticCredentials(AwsCredentials credentials, String source) implements CredentialsProvider {
    }
}
