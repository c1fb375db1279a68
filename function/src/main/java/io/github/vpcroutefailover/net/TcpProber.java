package io.github.vpcroutefailover.net;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.ports.Prober;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * TCP connect check: passes when the three-way handshake completes within the timeout. Nothing is sent; the
 * connection is closed at once.
 */
public final class TcpProber {
    /** Used when a spec carries no timeout; the config loader's default. */
    static final Duration DEFAULT_TIMEOUT = Prober.DEFAULT_TIMEOUT;

    public ProbeResult probe(String address, CheckSpec.Tcp check) {
        return connect(address, check.port(), timeoutOf(check.timeout()));
    }

    /**
     * Connects to {@code address:port}; also used by other probers that need a bare reachability verdict.
     *
     * <p>Two handshakes, each with half the timeout: when the first times out (a SYN or SYN-ACK lost; the kernel would
     * only resend after a second), a second one starts at once. In a VPC a handshake takes well under a millisecond, so
     * half of the default 300 ms is still hundreds of round trips; what it buys is that one lost packet no longer fails a
     * probe (at 2 % random loss a single handshake fails about 4 % of the time, two in a row about 0.16 %). A refusal
     * or an unreachable host is an answer, not a loss: it fails at once, without a second try. A dead target still
     * fails after one timeout in all.
     */
    public ProbeResult connect(String address, int port, Duration timeout) {
        int timeoutMs = timeoutMillis(timeout);
        int firstMs = Math.max(1, timeoutMs / 2);
        long start = System.nanoTime();
        for (int attempt = 1; ; attempt++) {
            int attemptMs = attempt == 1 ? firstMs : Math.max(1, timeoutMs - firstMs);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), attemptMs);
                return ProbeResult.since(start, true, "connected to " + hostPort(address, port) + (attempt > 1 ? " (second handshake)" : ""));
            } catch (SocketTimeoutException e) {
                if (attempt >= 2 || timeoutMs < 2) {
                    return ProbeResult.since(start, false, "timed out after " + timeoutMs + " ms connecting to " + hostPort(address, port)
                            + " (" + attempt + " handshakes)");
                }
            } catch (ConnectException e) {
                return ProbeResult.since(start, false, describeConnectFailure(e) + " by " + hostPort(address, port));
            } catch (NoRouteToHostException e) {
                return ProbeResult.since(start, false, "no route to host " + address);
            } catch (UnknownHostException e) {
                return ProbeResult.since(start, false, "unknown host " + address);
            } catch (IOException | RuntimeException e) {
                return ProbeResult.since(start, false, "connect to " + hostPort(address, port) + " failed: " + e);
            }
        }
    }

    private static String describeConnectFailure(ConnectException e) {
        String message = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
        return message.contains("refused") ? "connection refused" : "connect failed (" + e.getMessage() + ")";
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
