package io.github.vpcroutefailover.probe;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;

/** Fakes and real 127.0.0.1 listeners shared by the probe tests. */
public final class ProbeFixtures {
    public static final String LOOPBACK = "127.0.0.1";
    public static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private ProbeFixtures() {
    }

    public static CheckSpec.Tcp tcp(String name, int port, long timeoutMs, long intervalMs, int rise, int fall) {
        return new CheckSpec.Tcp(name, port, Duration.ofMillis(timeoutMs), Duration.ofMillis(intervalMs), rise, fall);
    }

    public static CheckSpec.Http http(String name, String scheme, int port, String path, int status, String body, long timeoutMs) {
        return new CheckSpec.Http(name, scheme, port, path, status, body, Duration.ofMillis(timeoutMs), Duration.ofSeconds(2), 2, 3);
    }

    /**
     * A clock that moves only when told to (by {@link FakeSleeper}), plus, optionally, real elapsed time: tests of
     * concurrency need the real duration of probes to count against the schedule, while waiting stays fake.
     */
    public static final class FakeClock extends Clock {
        private final AtomicLong offsetNanos = new AtomicLong();
        private final boolean withRealTime;
        private final long realStart = System.nanoTime();

        private FakeClock(boolean withRealTime) {
            this.withRealTime = withRealTime;
        }

        public static FakeClock fixed() {
            return new FakeClock(false);
        }

        public static FakeClock plusRealTime() {
            return new FakeClock(true);
        }

        public void advance(Duration d) {
            offsetNanos.addAndGet(d.toNanos());
        }

        @Override
        public Instant instant() {
            long real = withRealTime ? System.nanoTime() - realStart : 0;
            return T0.plusNanos(offsetNanos.get() + real);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** Advances the fake clock instead of sleeping; {@code beforeRound} sees how many sleeps (= rounds done) so far. */
    public static final class FakeSleeper implements Sleeper {
        private final FakeClock clock;
        private final AtomicInteger sleeps = new AtomicInteger();
        private final IntConsumer beforeRound;

        public FakeSleeper(FakeClock clock) {
            this(clock, n -> { });
        }

        public FakeSleeper(FakeClock clock, IntConsumer beforeRound) {
            this.clock = clock;
            this.beforeRound = beforeRound;
        }

        @Override
        public void sleep(Duration duration) {
            clock.advance(duration);
            beforeRound.accept(sleeps.incrementAndGet());
        }

        public int sleeps() {
            return sleeps.get();
        }
    }

    /** A TCP listener on 127.0.0.1 that accepts and closes connections; can be killed and brought back on its port. */
    public static final class TcpListener implements AutoCloseable {
        private int port;
        private ServerSocket server;
        private Thread acceptor;
        private final AtomicInteger accepted = new AtomicInteger();

        private TcpListener(int port) throws IOException {
            this.port = port;
            start();
        }

        public static TcpListener start(int port) throws IOException {
            return new TcpListener(port);
        }

        public static TcpListener open() throws IOException {
            return new TcpListener(0);
        }

        public synchronized int port() {
            return port;
        }

        /** (Re)starts listening on the same port. */
        public synchronized void start() throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
            port = s.getLocalPort();
            server = s;
            acceptor = new Thread(() -> {
                while (!s.isClosed()) {
                    try (Socket c = s.accept()) {
                        accepted.incrementAndGet();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "test-listener-" + port);
            acceptor.setDaemon(true);
            acceptor.start();
        }

        /** Kills the listener: connects are refused until {@link #start()}. */
        public synchronized void kill() {
            try {
                server.close();
                // The JDK defers closing a socket that another thread is blocked in accept() on until that thread
                // has left accept(); until then the kernel still completes handshakes. On a loaded machine that took
                // rounds, and probes passed after the "kill". Waiting for the acceptor makes the kill take effect now.
                acceptor.join(10_000);
                if (acceptor.isAlive()) {
                    throw new IllegalStateException("listener on port " + port + " did not stop accepting within 10 s");
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        public int accepted() {
            return accepted.get();
        }

        @Override
        public void close() {
            kill();
        }
    }

    /**
     * A listener whose accept queue is full and which never accepts: Linux then drops further SYNs, so a connect to
     * it hangs until the client's timeout. Everything stays on 127.0.0.1.
     */
    public static final class HangingListener implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> fillers = new ArrayList<>();

        public HangingListener() throws IOException {
            server = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK));
            for (int i = 0; i < 64; i++) {
                Socket s = new Socket();
                try {
                    s.connect(server.getLocalSocketAddress(), 200);
                    fillers.add(s);
                } catch (SocketTimeoutException full) {
                    s.close();
                    return;
                }
            }
            close();
            throw new IllegalStateException("accept queue never filled up; cannot build a hanging listener");
        }

        public int port() {
            return server.getLocalPort();
        }

        /** Accepts one queued connection: the next SYN finds room and is answered (the ones dropped before stay lost). */
        public void makeRoom() throws IOException {
            fillers.add(server.accept());
        }

        /** Stops listening: from now on a SYN is answered with a reset (connection refused). */
        public void refuse() throws IOException {
            server.close();
        }

        @Override
        public void close() throws IOException {
            for (Socket s : fillers) {
                s.close();
            }
            server.close();
        }
    }
}
