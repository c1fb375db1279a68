package io.github.vpcroutefailover.cli;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * The CLI's streams and environment, passed in rather than read from {@link System} so tests run commands in-process
 * with their own terminal answers. {@code out} carries only the answer (table or JSON); everything else goes to
 * {@code err}, so {@code vrf status --local | jq} always sees one JSON document.
 *
 * @param stdoutTty stdout is a terminal: tables by default (JSON when piped)
 * @param stdinTty  stdin is a terminal: changes ask for confirmation there (elsewhere they need --yes)
 */
public record Io(PrintStream out, PrintStream err, BufferedReader in, Map<String, String> env, boolean stdoutTty, boolean stdinTty) {

    /** The process's own streams. The launcher tells us what is a terminal ({@code [ -t 1 ]}); Java 21 cannot ask. */
    public static Io system() {
        Map<String, String> env = System.getenv();
        boolean out = flag("vrf.tty.stdout", env.get("VRF_TTY_STDOUT"));
        boolean in = flag("vrf.tty.stdin", env.get("VRF_TTY_STDIN"));
        return new Io(System.out, System.err, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), env, out, in);
    }

    private static boolean flag(String property, String fromEnv) {
        String v = System.getProperty(property, fromEnv);
        if (v != null) {
            return v.equals("1") || v.equalsIgnoreCase("true");
        }
        // Without the launcher (plain java -jar): a console exists only when both streams are interactive on Java 21.
        return System.console() != null && consoleIsTerminal();
    }

    private static boolean consoleIsTerminal() {
        try {
            // Java 22+ returns a Console even when redirected and tells the truth through isTerminal().
            return (boolean) java.io.Console.class.getMethod("isTerminal").invoke(System.console());
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }

    public String env(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v;
    }
}
