package io.github.vpcroutefailover.ports;

/**
 * A write whose outcome could not be established: the call failed ambiguously (lost response, timeout) and reading
 * the record back failed too. Whatever was written carries its writer's deadline, so a later reconcile settles it.
 */
public final class OutcomeUnknownException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OutcomeUnknownException(String message, Throwable cause) {
        super(message, cause);
    }
}
