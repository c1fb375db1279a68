package io.github.vpcroutefailover.agent.publish;

/** A batch that did not reach CloudWatch. */
public final class PublishException extends Exception {
    private final boolean rejected;
    private final String errorCode;

    private PublishException(String message, boolean rejected, String errorCode, Throwable cause) {
        super(message, cause);
        this.rejected = rejected;
        this.errorCode = errorCode;
    }

    /** CloudWatch refused the request as malformed: sending it again would fail the same way. */
    public static PublishException rejected(String errorCode, String message) {
        return new PublishException(message, true, errorCode, null);
    }

    /** Network trouble, throttling, a server error, or credentials: the same batch may go through later. */
    public static PublishException failed(String errorCode, String message, Throwable cause) {
        return new PublishException(message, false, errorCode, cause);
    }

    public boolean rejected() {
        return rejected;
    }

    /** CloudWatch's error code, or null when the failure happened before CloudWatch answered. */
    public String errorCode() {
        return errorCode;
    }
}
