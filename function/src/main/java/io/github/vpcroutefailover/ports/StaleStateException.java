package io.github.vpcroutefailover.ports;

/** A target state was saved on a version someone else had already replaced; re-read, re-apply, save again. */
public final class StaleStateException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String targetKey;

    public StaleStateException(String targetKey, long expectedVersion) {
        super("target state of " + targetKey + " is no longer at version " + expectedVersion + "; re-read and re-apply");
        this.targetKey = targetKey;
    }

    public String targetKey() {
        return targetKey;
    }
}
