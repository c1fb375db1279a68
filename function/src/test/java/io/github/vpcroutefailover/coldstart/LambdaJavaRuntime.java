package io.github.vpcroutefailover.coldstart;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Runs a function jar the way the managed {@code java21} runtime does: the jar unpacked into a task root that is the
 * working directory, the real runtime interface client ({@code com.amazonaws:aws-lambda-java-runtime-interface-client}
 * from Maven Central, with aws-lambda-java-core and -serialization) on the system class path, its JNI library
 * unpacked beforehand, and the JVM flags Lambda passes (SerialGC, C1 only, CDS on, the CRaC compatibility package,
 * IPv4). The Runtime API it talks to is a {@link RuntimeApiEmulator} on loopback.
 *
 * <p>One call of {@link #coldInvoke} is one cold start: a fresh JVM, one invocation, then the process is ended.
 */
public final class LambdaJavaRuntime {
    static final String MAIN = "com.amazonaws.services.lambda.runtime.api.client.AWSLambda";
    static final String JNI_PROPERTY = "com.amazonaws.services.lambda.runtime.api.client.runtimeapi.NativeClient.JNI";
    static final String JNI_RESOURCE = "/jni/libaws-lambda-jni.linux-x86_64.so";

    /** One cold start, measured. Times from {@link System#nanoTime()}; memory and CPU from /proc of the runtime process. */
    public record Measurement(String label, long initMs, long firstInvocationMs, long wallMs, long peakRssKb, long cpuMs,
                              int restoreNextCalls, String response) {
    }

    private final Path workDir;
    private final List<Path> runtimeClassPath;
    private final Path jniLibrary;
    private final int memoryMb;
    private final long clockTicksPerSecond;

    /**
     * @param workDir  scratch directory (task roots, the JNI library, process logs)
     * @param memoryMb the function's memory setting: AWS_LAMBDA_FUNCTION_MEMORY_SIZE and the heap limit
     */
    public LambdaJavaRuntime(Path workDir, int memoryMb) throws IOException {
        this.workDir = Files.createDirectories(workDir);
        this.memoryMb = memoryMb;
        this.runtimeClassPath = List.of(
                codeSource("com.amazonaws.services.lambda.runtime.api.client.AWSLambda"),
                codeSource("com.amazonaws.services.lambda.runtime.Context"),
                codeSource("com.amazonaws.services.lambda.runtime.serialization.PojoSerializer"),
                codeSource("software.amazon.awssdk.utilslite.SdkInternalThreadLocal"));
        // Lambda loads the library from /var/runtime/lib/jni; unpacking it per start (the client's fallback) would
        // also share one /tmp path between concurrent runs.
        this.jniLibrary = workDir.resolve("libaws-lambda-jni.linux-x86_64.so");
        try (InputStream in = Class.forName(MAIN).getResourceAsStream(JNI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(JNI_RESOURCE + " is not in the runtime interface client jar; is it the linux-x86_64 build?");
            }
            Files.copy(in, jniLibrary, StandardCopyOption.REPLACE_EXISTING);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("the runtime interface client is not on the test class path (function/pom.xml test dependency)", e);
        }
        this.clockTicksPerSecond = clockTicks();
    }

    /** Unpacks a function jar into a new task root, as Lambda does with an uploaded .jar (into /var/task). */
    public Path taskRoot(Path functionJar, String name) throws IOException {
        Path root = Files.createDirectories(workDir.resolve("task-" + name));
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(functionJar))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root)) {
                    throw new IOException("jar entry outside the task root: " + e.getName());
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        return root;
    }

    /**
     * Starts a fresh runtime on {@code taskRoot}, hands it {@code event}, and returns when the response (or an error)
     * arrived. {@code snapStart}: the runtime is told it initialises for a SnapStart snapshot, so it runs the CRaC
     * {@code beforeCheckpoint} hooks (our priming) and asks {@code restore/next} before the first {@code next}; init
     * then includes the priming, which on Lambda is paid when the version is published, not at a cold start.
     */
    public Measurement coldInvoke(String label, Path taskRoot, String handler, Map<String, String> env, byte[] event,
                                  boolean snapStart, Duration timeout) throws IOException, InterruptedException {
        try (RuntimeApiEmulator api = new RuntimeApiEmulator("arn:aws:lambda:us-east-1:111111111111:function:vrf-bench")) {
            api.enqueue(event, Duration.ofSeconds(60));
            Path log = workDir.resolve(label.replaceAll("[^A-Za-z0-9._-]", "_") + ".log");
            ProcessBuilder pb = new ProcessBuilder(command(handler)).directory(taskRoot.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().clear();
            pb.environment().putAll(lambdaEnvironment(api.address(), handler, taskRoot, snapStart));
            pb.environment().putAll(env);
            long start = System.nanoTime();
            Process p = pb.start();
            try {
                long deadline = start + timeout.toNanos();
                Long initAt = null;
                int restores = 0;
                while (true) {
                    RuntimeApiEmulator.Event e = api.nextEvent(Duration.ofMillis(200));
                    if (e == null) {
                        if (!p.isAlive()) {
                            throw new IllegalStateException(label + ": the runtime exited with " + p.exitValue() + " before answering; log "
                                    + log + ":\n" + tail(log));
                        }
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(label + ": no response within " + timeout + "; log " + log + ":\n" + tail(log));
                        }
                        continue;
                    }
                    switch (e.kind()) {
                        case "next" -> {
                            if (initAt == null) {
                                initAt = e.atNanos();
                            }
                        }
                        case "restore-next" -> {
                            if (initAt != null) {
                                throw new IllegalStateException(label + ": restore/next after the first next");
                            }
                            restores++;
                        }
                        case "response" -> {
                            if (initAt == null) {
                                throw new IllegalStateException(label + ": a response before any next");
                            }
                            long peakRss = status(p.pid(), "VmHWM:");
                            long cpu = cpuMillis(p.pid());
                            if (!api.protocolErrors().isEmpty()) {
                                throw new IllegalStateException(label + ": Runtime API protocol errors " + api.protocolErrors());
                            }
                            return new Measurement(label, millis(initAt - start), millis(e.atNanos() - initAt), millis(e.atNanos() - start),
                                    peakRss, cpu, restores, e.text());
                        }
                        default -> throw new IllegalStateException(label + ": the runtime reported " + e.kind() + ": " + e.text()
                                + "\nlog " + log + ":\n" + tail(log));
                    }
                }
            } finally {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    List<String> command(String handler) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // The managed java21 runtime's own flags (the bootstrap's java command line), minus its log4j hot-patch agent.
        cmd.add("-XX:MaxHeapSize=" + (memoryMb * 85L / 100) + "m");
        cmd.add("-XX:+UseSerialGC");
        cmd.add("-Xshare:auto"); // Lambda: -Xshare:on with its JDK's archive; here the JDK's default CDS archive
        cmd.add("-XX:+TieredCompilation");
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("--add-opens=java.base/java.io=ALL-UNNAMED");
        cmd.add("-Dorg.crac.Core.Compat=com.amazonaws.services.lambda.crac");
        cmd.add("-Djava.net.preferIPv4Stack=true");
        cmd.add("-XX:+ErrorFileToStderr");
        cmd.add("-D" + JNI_PROPERTY + "=" + jniLibrary);
        // Diagnostics for a profiling run, e.g. -Dvrf.coldstart.jvmArgs="-Xlog:class+load:file=/tmp/cl-%p.txt:uptime"
        String extra = System.getProperty("vrf.coldstart.jvmArgs", "").trim();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.add("-classpath");
        cmd.add(String.join(java.io.File.pathSeparator, runtimeClassPath.stream().map(Path::toString).toList()));
        cmd.add(MAIN);
        cmd.add(handler);
        return cmd;
    }

    private Map<String, String> lambdaEnvironment(String runtimeApi, String handler, Path taskRoot, boolean snapStart) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_LAMBDA_RUNTIME_API", runtimeApi);
        env.put("_HANDLER", handler);
        env.put("LAMBDA_TASK_ROOT", taskRoot.toString());
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_java21");
        env.put("AWS_LAMBDA_FUNCTION_NAME", "vrf-bench");
        env.put("AWS_LAMBDA_FUNCTION_VERSION", snapStart ? "1" : "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(memoryMb));
        env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/vrf-bench");
        env.put("AWS_LAMBDA_LOG_STREAM_NAME", "bench");
        env.put("AWS_LAMBDA_INITIALIZATION_TYPE", snapStart ? "snap-start" : "on-demand");
        env.put("TZ", ":UTC");
        env.put("LANG", "en_US.UTF-8");
        env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        return env;
    }

    private static Path codeSource(String className) {
        try {
            return Path.of(Class.forName(className).getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException(className + " is not on the test class path: add the Lambda runtime interface client "
                    + "(com.amazonaws:aws-lambda-java-runtime-interface-client) as a test dependency", e);
        }
    }

    /** A field of /proc/<pid>/status in kB (VmHWM: the peak resident set size). */
    static long status(long pid, String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        throw new IOException(field + " not in /proc/" + pid + "/status");
    }

    /** utime + stime of the process in milliseconds. */
    long cpuMillis(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // The command name (field 2) may contain spaces; fields after its closing parenthesis are plain.
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime (field 14), stime (field 15)
        return ticks * 1000 / clockTicksPerSecond;
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100; // USER_HZ on every Linux/x86_64 build we run on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }

    private static long millis(long nanos) {
        return Math.round(nanos / 1e6);
    }

    private static String tail(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
