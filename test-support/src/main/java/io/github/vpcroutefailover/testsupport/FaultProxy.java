// Over 400 lines because each fault kind is a case of one switch next to its declaration; the wire format lives in ProxyWire.
package io.github.vpcroutefailover.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * A loopback HTTP proxy between SDK clients and one emulator that injects faults per API operation: the real error
 * shapes of throttling (EC2's XML {@code RequestLimitExceeded} 503, DynamoDB's JSON {@code ThrottlingException} /
 * {@code ProvisionedThroughputExceededException} 400), 5xx, 403, connection resets before and after the request
 * reached the emulator, latency, a lost response (forwarded, then the connection is closed without a reply), and a
 * hold (the request waits until released, for killing a process mid-call).
 *
 * <p>The operation is read from {@code X-Amz-Target} (DynamoDB's JSON protocol) or the {@code Action=} form
 * parameter (EC2's query protocol). Faults are armed per operation with a count ("the next 3 ReplaceRoute calls"),
 * optionally only for requests whose body contains a string (to pick one of several UpdateItem uses).
 *
 * <p>Each proxied request uses a fresh upstream connection with {@code Connection: close}, so the proxy never has
 * to parse a chunked response: it relays the emulator's bytes until end of stream. Listens on 127.0.0.1 only.
 */
public final class FaultProxy implements AutoCloseable {
    /** What the proxy does to one request. */
    public sealed interface Fault {
        /** Throttled with the service's real error shape; never forwarded. */
        record Throttle(String code) implements Fault {
        }

        /** An error response with the given HTTP status and error code; never forwarded. */
        record Error(int status, String code, String message) implements Fault {
        }

        /** The connection is reset (RST) after the request was read, before it reached the emulator. */
        record ResetBefore() implements Fault {
        }

        /** Forwarded; the emulator acted on it; then an error response replaces its reply (a 500 after the commit). */
        record ErrorAfter(int status, String code, String message) implements Fault {
        }

        /** Forwarded; the emulator acted on it; then the connection is reset instead of relaying the reply. */
        record ResetAfter() implements Fault {
        }

        /** Forwarded; the emulator acted on it; then the connection is closed with no reply at all. */
        record LostResponse() implements Fault {
        }

        /** Waits, then forwards normally. */
        record Latency(Duration delay) implements Fault {
        }

        /** Blocks before forwarding until {@link FaultProxy#release} (or the proxy closes, then resets). */
        record Hold() implements Fault {
        }

        /**
         * DynamoDB's TransactionCanceledException (400) with these cancellation reason codes, one per item of the
         * transaction ("ThrottlingError", "TransactionConflict", "None"); never forwarded.
         */
        record TransactionCanceled(List<String> reasons) implements Fault {
        }

        /** Answered with an earlier response ({@link FaultProxy#lastResponse}): a stale or late-delivered read. */
        record Replay(byte[] response) implements Fault {
        }

        static Fault throttle() {
            return new Throttle(null);
        }
    }

    /**
     * One request the proxy saw, with the access key id that signed it (from its SigV4 {@code Authorization} header;
     * null when unsigned) and its body, so a test can tell whose credentials reached which resources.
     */
    public record Seen(String operation, String fault, boolean forwarded, String accessKeyId, String body) {
    }

    private record Rule(String operation, Predicate<String> body, Fault fault, AtomicInteger remaining) {
    }

    private final URI upstream;
    private final Dialect dialect;
    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Rule> rules = Collections.synchronizedList(new ArrayList<>());
    private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Duration> everyCallLatency = new ConcurrentHashMap<>();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile CountDownLatch hold = new CountDownLatch(1);
    private final AtomicInteger holding = new AtomicInteger();
    private volatile boolean closed;
    private final List<Exchange> exchanges = Collections.synchronizedList(new ArrayList<>());

    /** How the service names operations and shapes errors. */
    public enum Dialect {
        /** EC2 (and other query-protocol services moto serves): {@code Action=} in the form body, XML errors. */
        EC2_QUERY,
        /**
         * The other query-protocol services (STS, CloudWatch, Auto Scaling): {@code Action=} too, but errors in an
         * {@code <ErrorResponse>}, and throttling is a 400 {@code Throttling}. EC2's shape would reach the SDK
         * without an error code.
         */
        AWS_QUERY,
        /** DynamoDB: {@code X-Amz-Target: DynamoDB_20120810.<Op>}, JSON errors. */
        DYNAMODB_JSON,
        /** AWS JSON 1.1 services such as EventBridge: {@code X-Amz-Target: AWSEvents.<Op>}, JSON errors. */
        AWS_JSON
    }

    private FaultProxy(URI upstream, Dialect dialect) throws IOException {
        this.upstream = Objects.requireNonNull(upstream, "upstream");
        this.dialect = dialect;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "fault-proxy-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** A proxy in front of {@code upstream} (an emulator on 127.0.0.0/8). */
    public static FaultProxy start(URI upstream, Dialect dialect) {
        String host = upstream.getHost();
        if (!("127.0.0.1".equals(host) || "localhost".equals(host) || host.startsWith("127."))) {
            throw new IllegalArgumentException("FaultProxy only fronts loopback emulators, not " + upstream);
        }
        try {
            return new FaultProxy(upstream, dialect);
        } catch (IOException e) {
            throw new IllegalStateException("could not open a loopback port for the fault proxy: " + e.getMessage(), e);
        }
    }

    /** The endpoint SDK clients should use instead of the emulator's. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** Applies {@code fault} to the next {@code times} requests of {@code operation}. */
    public FaultProxy inject(String operation, Fault fault, int times) {
        return inject(operation, null, fault, times);
    }

    /** As {@link #inject(String, Fault, int)}, only for requests whose body contains {@code bodyContains}. */
    public FaultProxy inject(String operation, String bodyContains, Fault fault, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        rules.add(new Rule(operation, bodyContains == null ? b -> true : b -> b.contains(bodyContains), fault,
                new AtomicInteger(times)));
        return this;
    }

    /** Adds {@code delay} to every request of {@code operation} ("*" for all) until {@link #clear}. */
    public FaultProxy latency(String operation, Duration delay) {
        everyCallLatency.put(operation, delay);
        return this;
    }

    /** Removes every armed fault and latency; held requests are released. */
    public void clear() {
        rules.clear();
        everyCallLatency.clear();
        release();
    }

    /** Lets held requests go on to the emulator. */
    public void release() {
        CountDownLatch h = hold;
        hold = new CountDownLatch(1);
        h.countDown();
    }

    /** Waits until at least one request is held (bounded). */
    public boolean awaitHeld(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (holding.get() == 0) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    /** Faults still armed (not yet consumed). */
    public int armed() {
        synchronized (rules) {
            return rules.stream().mapToInt(r -> Math.max(0, r.remaining().get())).sum();
        }
    }

    /** Every request seen so far, in arrival order. */
    public List<Seen> seen() {
        synchronized (seen) {
            return List.copyOf(seen);
        }
    }

    /** Requests of one operation seen (faulted or not). */
    public long seen(String operation) {
        return seen().stream().filter(s -> s.operation().equals(operation)).count();
    }

    /** Requests of one operation that reached the emulator. */
    public long forwarded(String operation) {
        return seen().stream().filter(s -> s.operation().equals(operation) && s.forwarded()).count();
    }

    /** Forgets what was seen and forwarded (counts, bodies, responses to replay). */
    public void resetCounts() {
        seen.clear();
        exchanges.clear();
    }

    @Override
    public void close() {
        closed = true;
        release();
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Socket s : open) {
            closeQuietly(s);
        }
    }

    // ------------------------------------------------------------------------------------------ proxying

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = server.accept();
                open.add(client);
                Thread t = new Thread(() -> serve(client), "fault-proxy-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (!closed) {
                    // transient accept failure; keep serving
                    continue;
                }
                return;
            }
        }
    }


    private void serve(Socket client) {
        try (client) {
            client.setSoTimeout(60_000);
            ProxyWire.Request req = ProxyWire.read(client.getInputStream());
            if (req == null) {
                return;
            }
            String op = ProxyWire.operation(req);
            Fault fault = take(op, new String(req.body(), StandardCharsets.UTF_8));
            Duration lag = everyCallLatency.getOrDefault(op, everyCallLatency.get("*"));
            if (lag != null) {
                sleep(lag);
            }
            switch (fault) {
                case null -> relay(client, req, op, "none");
                case Fault.Latency l -> {
                    sleep(l.delay());
                    relay(client, req, op, "latency");
                }
                case Fault.Throttle t -> {
                    record(req, op, "throttle", false);
                    respond(client, ProxyWire.throttle(dialect, t.code()));
                }
                case Fault.Error e -> {
                    record(req, op, "error-" + e.status(), false);
                    respond(client, ProxyWire.error(dialect, e.status(), e.code(), e.message()));
                }
                case Fault.ErrorAfter e -> {
                    forward(req);
                    record(req, op, "error-after-" + e.status(), true);
                    respond(client, ProxyWire.error(dialect, e.status(), e.code(), e.message()));
                }
                case Fault.TransactionCanceled t -> {
                    record(req, op, "transaction-canceled", false);
                    respond(client, ProxyWire.transactionCanceled(t.reasons()));
                }
                case Fault.Replay r -> {
                    record(req, op, "replay", false);
                    respond(client, r.response());
                }
                case Fault.ResetBefore r -> {
                    record(req, op, "reset-before", false);
                    reset(client);
                }
                case Fault.ResetAfter r -> {
                    forward(req);
                    record(req, op, "reset-after", true);
                    reset(client);
                }
                case Fault.LostResponse l -> {
                    forward(req);
                    record(req, op, "lost-response", true);
                    client.shutdownOutput();
                }
                case Fault.Hold h -> {
                    holding.incrementAndGet();
                    try {
                        CountDownLatch latch = hold;
                        while (!closed && !latch.await(100, TimeUnit.MILLISECONDS)) {
                            // bounded by the test: it releases, clears or closes the proxy
                        }
                    } finally {
                        holding.decrementAndGet();
                    }
                    if (closed) {
                        record(req, op, "hold-dropped", false);
                        reset(client);
                    } else {
                        relay(client, req, op, "held");
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            // the client went away (killed process, SDK timeout): nothing to answer
        } finally {
            open.remove(client);
        }
    }

    private Fault take(String op, String body) {
        synchronized (rules) {
            for (Rule r : rules) {
                if ((r.operation().equals(op) || r.operation().equals("*")) && r.remaining().get() > 0 && r.body().test(body)) {
                    r.remaining().decrementAndGet();
                    return r.fault();
                }
            }
        }
        return null;
    }

    private void record(ProxyWire.Request req, String op, String fault, boolean forwarded) {
        seen.add(new Seen(op, fault, forwarded, ProxyWire.accessKeyId(req), new String(req.body(), StandardCharsets.UTF_8)));
    }

    private void relay(Socket client, ProxyWire.Request req, String op, String what) throws IOException {
        byte[] response = forward(req);
        record(req, op, what, true);
        OutputStream out = client.getOutputStream();
        out.write(response);
        out.flush();
    }

    /**
     * The last response the emulator gave to a request of {@code operation} whose body contains {@code bodyContains}
     * (null: any), relayed or not: for {@link Fault.Replay}.
     */
    public byte[] lastResponse(String operation, String bodyContains) {
        synchronized (exchanges) {
            for (int i = exchanges.size() - 1; i >= 0; i--) {
                Exchange e = exchanges.get(i);
                if (e.operation().equals(operation) && e.response() != null && (bodyContains == null || e.body().contains(bodyContains))) {
                    return e.response().clone();
                }
            }
        }
        throw new IllegalStateException("no " + operation + " response seen yet to replay");
    }

    public byte[] lastResponse(String operation) {
        return lastResponse(operation, null);
    }

    /** Bodies of the requests of {@code operation} that reached the emulator, in order. */
    public List<String> forwardedBodies(String operation) {
        synchronized (exchanges) {
            return exchanges.stream().filter(e -> e.operation().equals(operation)).map(Exchange::body).toList();
        }
    }

    private byte[] forward(ProxyWire.Request req) throws IOException {
        Exchange e = new Exchange(ProxyWire.operation(req), new String(req.body(), StandardCharsets.UTF_8), new byte[][] {null});
        exchanges.add(e);
        byte[] response = exchange(req);
        e.responseHolder()[0] = response;
        return response;
    }

    /** One forwarded request; its response is filled in once the emulator answered. */
    private record Exchange(String operation, String body, byte[][] responseHolder) {
        byte[] response() {
            return responseHolder[0];
        }
    }

    private byte[] exchange(ProxyWire.Request req) throws IOException {
        try (Socket up = new Socket()) {
            up.connect(new InetSocketAddress(upstream.getHost(), upstream.getPort()), 5_000);
            up.setSoTimeout(60_000);
            OutputStream out = up.getOutputStream();
            StringBuilder head = new StringBuilder(req.requestLine()).append("\r\n");
            for (String h : req.rawHeaders()) {
                String name = h.substring(0, h.indexOf(':')).trim().toLowerCase(Locale.ROOT);
                if (!name.equals("connection") && !name.equals("keep-alive")) {
                    head.append(h).append("\r\n");
                }
            }
            head.append("Connection: close\r\n\r\n");
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(req.body());
            out.flush();
            return up.getInputStream().readAllBytes();
        }
    }

    private static void respond(Socket client, byte[] response) throws IOException {
        OutputStream out = client.getOutputStream();
        out.write(response);
        out.flush();
    }

    private static void reset(Socket client) throws IOException {
        client.setSoLinger(true, 0);
        client.close();
    }

    private static void sleep(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // best effort
        }
    }
}
