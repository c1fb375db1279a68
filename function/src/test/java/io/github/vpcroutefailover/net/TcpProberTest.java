package io.github.vpcroutefailover.net;

import static io.github.vpcroutefailover.probe.ProbeFixtures.LOOPBACK;
import static io.github.vpcroutefailover.probe.ProbeFixtures.tcp;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.ports.ProbeResult;
import io.github.vpcroutefailover.probe.ProbeFixtures.HangingListener;
import io.github.vpcroutefailover.probe.ProbeFixtures.TcpListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/**
 * The hedged TCP probe against real sockets on 127.0.0.1. Lost packets come from {@link HangingListener} (its accept
 * queue is full, so Linux drops SYNs); when attempts start is decided by a scripted clock, so the tests count attempts
 * and never time anything.
 */
class TcpProberTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    /** Records every socket and selector the prober opens, to count attempts and check they were all closed. */
    static final class RecordingChannels implements TcpProber.Channels {
        final List<SocketChannel> sockets = new ArrayList<>();
        final List<Selector> selectors = new ArrayList<>();

        @Override
        public Selector openSelector() throws IOException {
            Selector s = Selector.open();
            selectors.add(s);
            return s;
        }

        @Override
        public SocketChannel openChannel() throws IOException {
            SocketChannel c = SocketChannel.open();
            sockets.add(c);
            return c;
        }

        void assertAllClosed() {
            assertThat(sockets).as("every attempt's socket is closed").noneMatch(SocketChannel::isOpen);
            assertThat(selectors).as("the selector is closed").hasSize(1).noneMatch(Selector::isOpen);
        }
    }

    /**
     * Simulated nanoseconds: each read is {@code stepMs} later than the one before, starting at 0; before returning read
     * {@code n}, {@code beforeRead} may change the world (the prober reads once per turn of its loop).
     */
    static LongSupplier scripted(long stepMs, IntConsumer beforeRead) {
        int[] reads = {0};
        return () -> {
            int n = reads[0]++;
            beforeRead.accept(n);
            return n * stepMs * 1_000_000L;
        };
    }

    static IntConsumer at(int read, IoAction action) {
        return n -> {
            if (n == read) {
                try {
                    action.run();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    interface IoAction {
        void run() throws IOException;
    }

    static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void passesWhenTheHandshakeCompletes() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (TcpListener listener = TcpListener.open()) {
            ProbeResult result = new TcpProber(3, System::nanoTime, channels).probe(LOOPBACK, tcp("ssh", listener.port(), 1000, 2000, 2, 3));

            assertThat(result.passed()).isTrue();
            assertThat(result.detail()).isEqualTo("connected to 127.0.0.1:" + listener.port());
            assertThat(channels.sockets).as("one attempt: the first answered").hasSize(1);
        }
        channels.assertAllClosed();
    }

    @Test
    void theDefaultProberIsHedgedThreeWays() {
        assertThat(TcpProber.DEFAULT_ATTEMPTS).isEqualTo(3);
    }

    @Test
    void aRefusalFailsAtOnceWithoutAnotherAttempt() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            port = s.getLocalPort();
        }
        RecordingChannels channels = new RecordingChannels();
        // 1 ms per turn of the loop: the next attempt would only be due 100 turns later; the reset comes on the first.
        ProbeResult result = new TcpProber(3, scripted(1, n -> { }), channels).connect(LOOPBACK, port, TIMEOUT);

        assertThat(result.passed()).isFalse();
        assertThat(result.detail()).isEqualTo("connection refused by 127.0.0.1:" + port);
        assertThat(channels.sockets).hasSize(1);
        channels.assertAllClosed();
    }

    @Test
    void whenEveryAttemptIsLostTheProbeFailsAtTheDeadlineAfterAllAttempts() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (HangingListener hanging = new HangingListener()) {
            // Reads: 0 start, 50 attempt 1, 100 attempt 2, 150 wait, 200 attempt 3, 250 wait, 300 deadline.
            ProbeResult result = new TcpProber(3, scripted(50, n -> { }), channels).connect(LOOPBACK, hanging.port(), TIMEOUT);

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).isEqualTo("timed out after 300 ms connecting to 127.0.0.1:" + hanging.port() + " (3 attempts)");
            assertThat(channels.sockets).hasSize(3);
        }
        channels.assertAllClosed();
    }

    @Test
    void aLostFirstHandshakeIsSavedByTheSecondAttempt() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (HangingListener hanging = new HangingListener()) {
            // Attempt 1 (read 1) finds the queue full: its SYN is dropped. Room is made just before attempt 2 (read 2).
            ProbeResult result = new TcpProber(3, scripted(50, at(2, hanging::makeRoom)), channels)
                    .connect(LOOPBACK, hanging.port(), TIMEOUT);

            assertThat(result.passed()).as(result.detail()).isTrue();
            assertThat(result.detail()).isEqualTo("connected to 127.0.0.1:" + hanging.port() + " (attempt 2 of 3)");
            assertThat(channels.sockets).as("no third attempt once one passed").hasSize(2);
        }
        channels.assertAllClosed();
    }

    @Test
    void aRefusalAfterALostHandshakeStillFailsAtOnce() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (HangingListener hanging = new HangingListener()) {
            // The target dies between attempt 1 (lost) and attempt 2: attempt 2 is refused, and that is the verdict.
            ProbeResult result = new TcpProber(3, scripted(50, at(2, hanging::refuse)), channels)
                    .connect(LOOPBACK, hanging.port(), TIMEOUT);

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).isEqualTo("connection refused by 127.0.0.1:" + hanging.port());
            assertThat(channels.sockets).as("no attempt after the refusal").hasSize(2);
        }
        channels.assertAllClosed();
    }

    @Test
    void noAttemptStartsAtOrAfterTheDeadline() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (HangingListener hanging = new HangingListener()) {
            // 120 ms per turn: attempt 1 at 120, attempt 2 at 240 (due at 100), then 360 is past the 300 ms deadline,
            // although attempt 3 was due at 200.
            ProbeResult result = new TcpProber(3, scripted(120, n -> { }), channels).connect(LOOPBACK, hanging.port(), TIMEOUT);

            assertThat(result.passed()).isFalse();
            assertThat(result.detail()).endsWith("(2 attempts)");
            assertThat(channels.sockets).hasSize(2);
        }
        channels.assertAllClosed();
    }

    @Test
    void aProbeStalledPastItsDeadlineStillMakesOneAttemptAndLooksOnceMore() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (TcpListener listener = TcpListener.open()) {
            // 400 ms per turn: the deadline has passed by the first look, yet the first attempt is made, and the handshake
            // that completed while the thread stood still (the real pause before read 2) counts: a starved thread is not a
            // lost packet.
            ProbeResult result = new TcpProber(3, scripted(400, at(2, () -> pause(50))), channels).connect(LOOPBACK, listener.port(), TIMEOUT);

            assertThat(result.passed()).as(result.detail()).isTrue();
            assertThat(channels.sockets).hasSize(1);
        }
        channels.assertAllClosed();
        try (HangingListener hanging = new HangingListener()) {
            ProbeResult result = new TcpProber(3, scripted(400, n -> { }), new RecordingChannels()).connect(LOOPBACK, hanging.port(), TIMEOUT);

            assertThat(result.detail()).endsWith("(1 attempt)");
        }
    }

    @Test
    void oneAttemptMeansOnePlainConnect() throws Exception {
        RecordingChannels channels = new RecordingChannels();
        try (HangingListener hanging = new HangingListener()) {
            ProbeResult result = new TcpProber(1, scripted(50, n -> { }), channels).connect(LOOPBACK, hanging.port(), TIMEOUT);

            assertThat(result.detail()).endsWith("(1 attempt)");
            assertThat(channels.sockets).hasSize(1);
        }
        channels.assertAllClosed();
    }

    @Test
    void manyProbesLeaveNoThreadBehind() throws Exception {
        TcpProber prober = new TcpProber();
        try (TcpListener listener = TcpListener.open(); HangingListener hanging = new HangingListener()) {
            prober.connect(LOOPBACK, listener.port(), TIMEOUT);
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            for (int i = 0; i < 20; i++) {
                assertThat(prober.connect(LOOPBACK, listener.port(), TIMEOUT).passed()).isTrue();
            }
            assertThat(prober.connect(LOOPBACK, hanging.port(), Duration.ofMillis(30)).passed()).isFalse();
            List<String> started = Thread.getAllStackTraces().keySet().stream().filter(t -> !before.contains(t)).map(Thread::getName).toList();
            assertThat(started).as("threads started by probing (it runs on the caller's thread)").isEmpty();
        }
    }

    @Test
    void aBadAttemptCountIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TcpProber(0, System::nanoTime, TcpProber.Channels.SYSTEM))
                .hasMessage("attempts must be at least 1, got 0");
    }

    @Test
    void ipv6LiteralsAreBracketedInDetails() {
        assertThat(TcpProber.hostPort("fd00::1", 22)).isEqualTo("[fd00::1]:22");
        assertThat(TcpProber.hostPort("10.0.0.1", 22)).isEqualTo("10.0.0.1:22");
    }
}
