package io.github.vpcroutefailover.handler.event;

/**
 * An invocation we refuse before touching anything: names the offending field and says what would be accepted.
 * Maps to a JSON error response for manual invokes and to a failed invocation for EventBridge triggers.
 */
public final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    public BadRequestException(String field, String message) {
        super(field + ": " + message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
