package io.github.vpcroutefailover.agent.check;

import io.github.vpcroutefailover.agent.config.CheckSpec;
import java.io.File;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a program without a shell; its exit status decides. A run past the timeout is killed with its children. */
public final class CommandCheck implements Check {
    private final String name;
    private final CheckSpec.Command spec;

    public CommandCheck(String name, CheckSpec.Command spec) {
        this.name = name;
        this.spec = spec;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CheckOutcome run(Duration timeout) throws Exception {
        // Output is discarded: a chatty script must not fill a pipe and block, nor grow our memory.
        Process p = new ProcessBuilder(spec.argv())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return CheckOutcome.fail("timed out after " + timeout.toMillis() + " ms; killed");
            }
            int exit = p.exitValue();
            return exit == spec.successExitCode() ? CheckOutcome.pass("exit " + exit) : CheckOutcome.fail("exit " + exit);
        } finally {
            if (p.isAlive()) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
        }
    }
}
