package io.github.vpcroutefailover.ports;

/**
 * EC2 refused a change. {@code errorCode} is EC2's ("InvalidRouteTableID.NotFound", "UnauthorizedOperation", ...);
 * the message says what it means for the route and what to do.
 */
public final class RouteChangeException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String errorCode;

    public RouteChangeException(String errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
    }

    public String errorCode() {
        return errorCode;
    }
}
