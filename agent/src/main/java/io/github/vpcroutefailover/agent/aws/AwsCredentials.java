package io.github.vpcroutefailover.agent.aws;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Credentials to sign a request with. {@link #toString()} never shows the secret or the session token: these
 * objects end up in exception messages and logs.
 *
 * @param sessionToken null for long-term keys
 * @param expiration   null when the credentials do not expire
 */
public record AwsCredentials(String accessKeyId, String secretAccessKey, String sessionToken, Instant expiration) {
    public AwsCredentials {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
    }

    public Optional<String> session() {
        return Optional.ofNullable(sessionToken);
    }

    @Override
    public String toString() {
        return "AwsCredentials[accessKeyId=" + accessKeyId + ", secretAccessKey=***, sessionToken=" + (sessionToken == null ? "none" : "***")
                + ", expiration=" + expiration + "]";
    }
}
