package io.github.vpcroutefailover.handler.event;

/**
 * An invocation we refuse before touching anything: names the offending field and says what would be accepted.
 * Maps to a JSON error response for manual invokes and to a failed invocation for EventBridge triggers.
 */
public final class BadRequestException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;

    /** Field and message are bounded and escaped here, so no refusal can echo a huge or hostile input back. */
    public BadRequestException(String field, String message) {
        super(InputPolicy.bounded(field, InputPolicy.MAX_FIELD_CHARS) + ": " + InputPolicy.bounded(message, InputPolicy.MAX_ERROR_CHARS));
        this.field = InputPolicy.bounded(field, InputPolicy.MAX_FIELD_CHARS);
    }

    public String field() {
        return field;
    }
}
