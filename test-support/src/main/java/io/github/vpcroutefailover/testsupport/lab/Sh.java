package io.github.vpcroutefailover.testsupport.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the lab's OS commands ({@code ip}, {@code nft}) with a bounded wait; a failure names the command and its stderr. */
final class Sh {
    private static final long TIMEOUT_SECONDS = 15;
    /** VRF_LAB_TRACE=1 prints every command with its duration to stderr. */
    private static final boolean TRACE = System.getenv("VRF_LAB_TRACE") != null;

    private Sh() {
    }

    /** Output of a command that must succeed. */
    static String run(String... command) {
        Result r = attempt(command);
        if (r.exit() != 0) {
            throw new LabException("`" + String.join(" ", command) + "` failed (exit " + r.exit() + "): " + r.err().strip());
        }
        return r.out();
    }

    /** Runs a command with {@code stdin} as its input; must succeed. */
    static String runWithInput(String input, String... command) {
        Result r = attemptWithInput(input, command);
        if (r.exit() != 0) {
            throw new LabException("`" + String.join(" ", command) + "` failed (exit " + r.exit() + "): " + r.err().strip()
                    + "\ninput was:\n" + input);
        }
        return r.out();
    }

    record Result(int exit, String out, String err) {
    }

    static Result attempt(String... command) {
        return attemptWithInput(null, command);
    }

    static Result attemptWithInput(String input, String... command) {
        long started = System.nanoTime();
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectInput(input == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                    : ProcessBuilder.Redirect.PIPE).start();
            if (input != null) {
                try (var in = p.getOutputStream()) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            }
            // Outputs are small (a few lines); read them after exit on virtual threads to avoid a full-pipe deadlock.
            StringBuilder o = new StringBuilder();
            StringBuilder e = new StringBuilder();
            Thread ro = Thread.ofVirtual().start(() -> o.append(readAll(p.getInputStream())));
            Thread re = Thread.ofVirtual().start(() -> e.append(readAll(p.getErrorStream())));
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new LabException("`" + String.join(" ", command) + "` did not finish within " + TIMEOUT_SECONDS + " s");
            }
            ro.join();
            re.join();
            if (TRACE) {
                System.err.printf("lab: %.0f ms %s%n", (System.nanoTime() - started) / 1e6, String.join(" ", command));
            }
            return new Result(p.exitValue(), o.toString(), e.toString());
        } catch (IOException e) {
            throw new LabException("cannot run `" + String.join(" ", command) + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running `" + String.join(" ", command) + "`", e);
        }
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
