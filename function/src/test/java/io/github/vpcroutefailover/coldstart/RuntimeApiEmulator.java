package io.github.vpcroutefailover.coldstart;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The part of the Lambda Runtime API (version 2018-06-01) that a runtime interface client uses, on 127.0.0.1, so the
 * function jar can run under the real {@code aws-lambda-java-runtime-interface-client} the way Lambda runs it:
 * {@code GET invocation/next} (long poll until an event is queued), {@code POST invocation/<id>/response|error},
 * {@code POST init/error}, and SnapStart's {@code GET restore/next} / {@code POST restore/error}.
 *
 * <p>Every request is stamped with {@link System#nanoTime()} on arrival, so the harness can tell init (process start
 * to the first {@code next}) from the first invocation ({@code next} answered to its response), as Lambda's REPORT
 * line does with "Init Duration" and "Duration". One emulator serves one runtime process at a time.
 */
public final class RuntimeApiEmulator implements AutoCloseable {
    static final String PREFIX = "/2018-06-01/runtime/";
    private static final int MAX_BODY = 6 * 1024 * 1024; // Lambda's synchronous payload limit

    /** What the runtime did, in arrival order: kind (next, response, error, init-error, restore-next, restore-error). */
    public record Event(String kind, String requestId, long atNanos, byte[] body, Map<String, List<String>> headers) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private record Pending(String requestId, byte[] payload, long deadlineMs) {
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Map<String, Pending> inFlight = new ConcurrentHashMap<>();
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final List<String> protocolErrors = java.util.Collections.synchronizedList(new ArrayList<>());
    private final String functionArn;
    private volatile boolean closed;

    public RuntimeApiEmulator(String functionArn) throws IOException {
        this.functionArn = functionArn;
        // Loopback only; port chosen by the kernel so parallel runs never collide.
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        // A long-polling next holds its thread; a few more serve the response/error posts meanwhile.
        this.executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "runtime-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(PREFIX, this::handle);
        server.start();
    }

    /** {@code host:port} for {@code AWS_LAMBDA_RUNTIME_API}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Queues one invocation; the runtime receives it on its next (or current) {@code GET invocation/next}. */
    public String enqueue(byte[] payload, Duration timeout) {
        String id = UUID.randomUUID().toString();
        queue.add(new Pending(id, payload.clone(), System.currentTimeMillis() + timeout.toMillis()));
        return id;
    }

    /** The next thing the runtime did, or null when it did nothing within {@code timeout}. */
    public Event nextEvent(Duration timeout) throws InterruptedException {
        return events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Requests the emulator could not make sense of (unknown path or request id); a correct runtime makes none. */
    public List<String> protocolErrors() {
        synchronized (protocolErrors) {
            return List.copyOf(protocolErrors);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        long at = System.nanoTime();
        try (ex) {
            String path = ex.getRequestURI().getPath().substring(PREFIX.length());
            String method = ex.getRequestMethod();
            byte[] body = readBody(ex.getRequestBody());
            Map<String, List<String>> headers = Map.copyOf(ex.getRequestHeaders());
            if (method.equals("GET") && path.equals("invocation/next")) {
                events.add(new Event("next", null, at, new byte[0], headers));
                next(ex);
            } else if (method.equals("POST") && path.startsWith("invocation/") && (path.endsWith("/response") || path.endsWith("/error"))) {
                String rest = path.substring("invocation/".length());
                String id = rest.substring(0, rest.lastIndexOf('/'));
                String kind = path.endsWith("/response") ? "response" : "error";
                if (inFlight.remove(id) == null) {
                    protocolErrors.add(kind + " for unknown or already answered request id " + id);
                    reply(ex, 400, "{\"errorMessage\":\"unknown request id\",\"errorType\":\"InvalidRequestID\"}");
                    return;
                }
                events.add(new Event(kind, id, at, body, headers));
                reply(ex, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("POST") && path.equals("init/error")) {
                events.add(new Event("init-error", null, at, body, headers));
                reply(ex, 202, "{\"status\":\"OK\"}");
            } else if (method.equals("GET") && path.equals("restore/next")) {
                events.add(new Event("restore-next", null, at, body, headers));
                reply(ex, 200, "");
            } else if (method.equals("POST") && path.equals("restore/error")) {
                events.add(new Event("restore-error", null, at, body, headers));
                reply(ex, 202, "{\"status\":\"OK\"}");
            } else {
                protocolErrors.add(method + " " + ex.getRequestURI());
                reply(ex, 404, "{\"errorMessage\":\"not part of the emulated Runtime API\",\"errorType\":\"NotFound\"}");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void next(HttpExchange ex) throws IOException, InterruptedException {
        Pending p = null;
        // Long poll like Lambda, but bounded: a bench that forgot to queue an event ends instead of hanging.
        for (int i = 0; i < 600 && p == null; i++) {
            p = queue.poll(1, TimeUnit.SECONDS);
            if (closed) {
                return;
            }
        }
        if (p == null) {
            reply(ex, 500, "{\"errorMessage\":\"no invocation queued within 600 s\",\"errorType\":\"EmulatorTimeout\"}");
            return;
        }
        inFlight.put(p.requestId(), p);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.getResponseHeaders().add("Lambda-Runtime-Aws-Request-Id", p.requestId());
        ex.getResponseHeaders().add("Lambda-Runtime-Deadline-Ms", Long.toString(p.deadlineMs()));
        ex.getResponseHeaders().add("Lambda-Runtime-Invoked-Function-Arn", functionArn);
        ex.getResponseHeaders().add("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0");
        ex.sendResponseHeaders(200, p.payload().length == 0 ? -1 : p.payload().length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(p.payload());
        }
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] b = in.readNBytes(MAX_BODY + 1);
        if (b.length > MAX_BODY) {
            throw new IOException("request body over " + MAX_BODY + " bytes");
        }
        return b;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length == 0 ? -1 : b.length);
        if (b.length > 0) {
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        server.stop(0);
        executor.shutdownNow();
    }
}
