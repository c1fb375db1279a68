package io.github.vpcroutefailover.net;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * TCP connect check: passes when a three-way handshake completes within the timeout. Nothing is sent; the connection
 * is closed at once.
 */
public final class TcpProber {
    /** Used when a spec carries no timeout; the config loader's default. */
    static final Duration DEFAULT_TIMEOUT = Prober.DEFAULT_TIMEOUT;
    /** Handshakes one probe may start, a timeout/attempts apart (0, 100, 200 ms at the 300 ms default). */
    public static final int DEFAULT_ATTEMPTS = 3;

    /** Where the prober gets its sockets and selector: the system's, or a test's that records them. */
    interface Channels {
        Channels SYSTEM = new Channels() {
            @Override
            public Selector openSelector() throws IOException {
                return Selector.open();
            }

            @Override
            public SocketChannel openChannel() throws IOException {
                return SocketChannel.open();
            }
        };

        Selector openSelector() throws IOException;

        SocketChannel openChannel() throws IOException;
    }

    private final int attempts;
    private final LongSupplier clock;
    private final Channels channels;

    public TcpProber() {
        this(DEFAULT_ATTEMPTS, System::nanoTime, Channels.SYSTEM);
    }

    /**
     * @param attempts at most this many handshakes per probe (1 = one plain connect)
     * @param clock    nanoseconds, for when to start the next attempt and when the deadline has passed
     */
    TcpProber(int attempts, LongSupplier clock, Channels channels) {
        this.attempts = checkAttempts(attempts);
        this.clock = clock;
        this.channels = channels;
    }

    public ProbeResult probe(String address, CheckSpec.Tcp check) {
        return connect(address, check.port(), timeoutOf(check.timeout()));
    }

    /**
     * Connects to {@code address:port}; also used by other probers that need a bare reachability verdict (the data-path
     * prober's tcp endpoints get the same hedging).
     *
     * <p>Hedged handshakes under ONE deadline: the first connect starts at once and a new one every
     * {@code timeout / attempts} while none has answered, each on its own socket and all left running until the
     * deadline; the probe passes as soon as any completes. Why: the kernel resends a lost SYN (or, for a lost SYN-ACK, the
     * target resends it) only after a second, so with a sub-second timeout one lost packet fails a single connect. At
     * 10 % loss per packet a handshake fails 19 % of the time; one probe of three hedged handshakes 0.7 %, where two
     * handshakes one after the other (this prober before) failed 3.6 %. Unlike those, the first handshake keeps the whole
     * timeout, so a slow answer (a loaded host, a stalled softirq) still counts. An answer is never retried: a refusal or
     * an unreachable host fails the probe at once, and a dead target fails at the deadline, as with one connect.
     *
     * <p>Runs on the caller's thread with one selector; every socket and the selector are closed before it returns.
     */
    public ProbeResult connect(String address, int port, Duration timeout) {
        long started = System.nanoTime();
        int timeoutMs = timeoutMillis(timeout);
        InetSocketAddress target = new InetSocketAddress(address, port);
        if (target.isUnresolved()) {
            return ProbeResult.since(started, false, "unknown host " + address);
        }
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long spacing = timeoutNanos / attempts;
        List<SocketChannel> open = new ArrayList<>(attempts);
        try (Selector selector = channels.openSelector()) {
            long t0 = clock.getAsLong();
            long deadline = t0 + timeoutNanos;
            int made = 0;
            while (true) {
                if (Thread.currentThread().isInterrupted()) {
                    return ProbeResult.since(started, false, "probe interrupted");
                }
                long now = clock.getAsLong();
                // The first attempt is always made; none is started at or after the deadline.
                boolean over = made > 0 && now - deadline >= 0;
                if (!over && (made == 0 || made < attempts && now - (t0 + made * spacing) >= 0)) {
                    made++;
                    SocketChannel channel = channels.openChannel();
                    open.add(channel);
                    try {
                        channel.configureBlocking(false);
                        if (channel.connect(target)) {
                            return connected(started, address, port, made);
                        }
                    } catch (IOException e) {
                        return failed(started, e, address, port);
                    }
                    channel.register(selector, SelectionKey.OP_CONNECT, made);
                    continue;
                }
                if (over) {
                    // One last look without waiting: a thread that was starved past the deadline (not the network) must not
                    // fail a handshake that completed meanwhile.
                    selector.selectNow();
                } else {
                    long until = made < attempts ? Math.min(deadline, t0 + made * spacing) : deadline;
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now + 999_999)));
                }
                for (Iterator<SelectionKey> keys = selector.selectedKeys().iterator(); keys.hasNext(); ) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    try {
                        if (((SocketChannel) key.channel()).finishConnect()) {
                            return connected(started, address, port, (Integer) key.attachment());
                        }
                    } catch (IOException e) {
                        return failed(started, e, address, port);
                    }
                }
                if (over) {
                    return ProbeResult.since(started, false, "timed out after " + timeoutMs + " ms connecting to " + hostPort(address, port)
                            + " (" + made + (made == 1 ? " attempt)" : " attempts)"));
                }
            }
        } catch (IOException | RuntimeException e) {
            return ProbeResult.since(started, false, "connect to " + hostPort(address, port) + " failed: " + e);
        } finally {
            for (SocketChannel c : open) {
                try {
                    c.close();
                } catch (IOException ignored) {
                    // Nothing to do about a socket that fails to close; the verdict stands.
                }
            }
        }
    }

    private ProbeResult connected(long started, String address, int port, int attempt) {
        return ProbeResult.since(started, true, "connected to " + hostPort(address, port)
                + (attempt > 1 ? " (attempt " + attempt + " of " + attempts + ")" : ""));
    }

    /** An answer, not a loss: the verdict of the whole probe, whatever other attempts are still waiting. */
    private static ProbeResult failed(long started, IOException e, String address, int port) {
        if (e instanceof NoRouteToHostException) {
            return ProbeResult.since(started, false, "no route to host " + address);
        }
        if (e instanceof ConnectException) {
            String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            return ProbeResult.since(started, false, (message.contains("refused") ? "connection refused" : "connect failed (" + e.getMessage() + ")")
                    + " by " + hostPort(address, port));
        }
        return ProbeResult.since(started, false, "connect to " + hostPort(address, port) + " failed: " + e);
    }

    static int checkAttempts(int attempts) {
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
        }
        return attempts;
    }

    static Duration timeoutOf(Duration configured) {
        return Prober.timeoutOf(configured);
    }

    static int timeoutMillis(Duration timeout) {
        // Socket treats 0 as "no timeout": never let rounding produce it.
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    static String hostPort(String address, int port) {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
