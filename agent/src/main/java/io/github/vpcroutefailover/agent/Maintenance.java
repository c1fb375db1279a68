package io.github.vpcroutefailover.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Draining, from two sources: SIGTERM (withdraw-on-exit, as anycastd and ExaBGP do) and a maintenance file
 * (like ExaBGP's disable file) that an operator creates with {@code agent drain} or by hand. A file rather than
 * a socket keeps the switch working while the agent restarts and lets config management set it.
 */
public final class Maintenance {
    private final Path file;
    private volatile boolean terminating;

    public Maintenance(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    /** Called from the SIGTERM handler: from now on every publish says Draining=1. */
    public void terminating() {
        terminating = true;
    }

    public boolean draining() {
        return terminating || Files.exists(file);
    }

    /** Why the instance is draining, for the log; null when it is not. */
    public String reason() {
        if (terminating) {
            return "shutdown (SIGTERM)";
        }
        return Files.exists(file) ? "maintenance file " + file : null;
    }

    /** Creates the maintenance file; its content is only for the humans who find it. */
    public static void drain(Path file, String reason) throws IOException {
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, "drained at " + Instant.now() + (reason == null ? "" : ": " + reason) + System.lineSeparator());
    }

    /** Removes the maintenance file; returns false if it was not there. */
    public static boolean undrain(Path file) throws IOException {
        return Files.deleteIfExists(file);
    }
}
