package io.github.vpcroutefailover.agent.aws;

/** No usable credentials; the message says where the agent looked and how to fix it. At start it is a configuration error. */
public final class CredentialsException extends IllegalStateException {
    public CredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}
