package io.github.vpcroutefailover.testsupport.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code lab_agent.py} process inside one lab namespace. Its stdin stays open while the lab wants it alive: closing
 * it (or this JVM dying) ends the agent.
 */
final class Agent implements AutoCloseable {
    private static final long READY_SECONDS = 15;

    final String namespace;
    final String mode;
    private final Process process;
    private final BufferedReader out;
    private final OutputStream in;

    private Agent(String namespace, String mode, Process process) {
        this.namespace = namespace;
        this.mode = mode;
        this.process = process;
        this.out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        this.in = process.getOutputStream();
    }

    static Agent start(String namespace, String script, String mode, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", namespace, "python3", "-u", script, mode));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            throw new LabException("cannot start the lab agent (" + mode + ") in " + namespace + ": " + e.getMessage(), e);
        }
        Agent a = new Agent(namespace, mode, p);
        String first;
        long started = System.nanoTime();
        first = a.readLineWithin(READY_SECONDS);
        if (System.getenv("VRF_LAB_TRACE") != null) {
            System.err.printf("lab: %.0f ms agent %s %s in %s%n", (System.nanoTime() - started) / 1e6, mode, String.join(" ", args), namespace);
        }
        if (!"ready".equals(first)) {
            a.close();
            throw new LabException("lab agent `" + String.join(" ", cmd) + "` did not start (first line: " + first
                    + (p.isAlive() ? "" : ", exit " + p.exitValue()) + ")");
        }
        return a;
    }

    /** The next output line, or null when the agent ended or said nothing for {@code seconds}. */
    String readLineWithin(long seconds) {
        var result = new java.util.concurrent.CompletableFuture<String>();
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                result.complete(out.readLine());
            } catch (IOException e) {
                result.complete(null);
            }
        });
        try {
            return result.get(seconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            close(); // the read thread ends with the stream
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (java.util.concurrent.ExecutionException e) {
            return null;
        } finally {
            if (!result.isDone()) {
                t.interrupt();
            }
        }
    }

    /** The next output line; blocks until the agent writes one or ends (null). */
    String readLine() {
        try {
            return out.readLine();
        } catch (IOException e) {
            return null;
        }
    }

    synchronized void send(String line) {
        try {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        } catch (IOException e) {
            throw new LabException("lab agent " + mode + " in " + namespace + " is gone: " + e.getMessage(), e);
        }
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing is best effort; the kill below is not
        }
        try {
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        // `ip netns exec` execs python in place, but kill any child that outlived it.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
