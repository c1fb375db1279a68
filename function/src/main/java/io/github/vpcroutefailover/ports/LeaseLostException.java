package io.github.vpcroutefailover.ports;

/**
 * A conditional write on a probe lease failed: the lease is not what the writer saw (another invocation took it,
 * renewed it, or asked for it first). The writer must not probe on the strength of that write.
 */
public final class LeaseLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient ProbeLease current;

    public LeaseLostException(String what, ProbeLease current) {
        super(what + " lost: the probe lease is now " + (current == null ? "absent"
                : "generation " + current.generation() + " held by " + current.holder()
                + (current.successor() == null ? "" : ", successor " + current.successor())));
        this.current = current;
    }

    /** The lease as the failed write found it, or null when absent or unknown. */
    public ProbeLease current() {
        return current;
    }
}
