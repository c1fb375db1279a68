package io.github.vpcroutefailover.testsupport.lab;

/** A lab command or agent failed after the lab was up. */
public class LabException extends RuntimeException {
    public LabException(String message) {
        super(message);
    }

    public LabException(String message, Throwable cause) {
        super(message, cause);
    }
}
