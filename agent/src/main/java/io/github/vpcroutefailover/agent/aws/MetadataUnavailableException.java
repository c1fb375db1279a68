package io.github.vpcroutefailover.agent.aws;

/**
 * IMDS did not answer a lookup the agent needs at start (instance id, region). Unlike a bad config this can
 * pass (IMDS is briefly unreachable early in boot), so the agent exits with a code systemd restarts on.
 */
public final class MetadataUnavailableException extends IllegalStateException {
    public MetadataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
