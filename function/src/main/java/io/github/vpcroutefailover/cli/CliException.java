package io.github.vpcroutefailover.cli;

/**
 * A clean refusal: the message says what is wrong and how to fix it, printed as {@code vrf: <message>} on stderr
 * without a stack trace. {@link #USAGE} for what the operator typed wrong, {@link #FAILED} for what went wrong.
 */
public final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** The command was refused or failed (the controller said no, AWS said no, the emulator is down). */
    public static final int FAILED = 1;
    /** The command line is wrong (unknown option, missing file, missing --yes off a terminal). */
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    public static CliException usage(String message) {
        return new CliException(USAGE, message);
    }

    public static CliException failed(String message) {
        return new CliException(FAILED, message);
    }
}
