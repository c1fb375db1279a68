package io.github.vpcroutefailover.ports;

/**
 * A write that was established not to have happened (read back, or refused before any change) and failed for a
 * reason that passes: throttling (DynamoDB {@code ThrottlingException}, {@code ProvisionedThroughputExceededException},
 * a transaction cancelled with {@code ThrottlingError} or {@code TransactionConflict}), a 5xx, or the transport. The
 * caller may retry the same write (same claim or settle id) while its deadline allows.
 */
public final class TransientStoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TransientStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
