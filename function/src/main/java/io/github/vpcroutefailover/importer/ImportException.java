package io.github.vpcroutefailover.importer;

/** The source config cannot be converted; the message names the setting and the fix. */
public final class ImportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ImportException(String message) {
        super(message);
    }
}
