package io.github.vpcroutefailover.app;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A real TCP listener on 127.0.0.1 that accepts and closes connections; it can be killed and brought back on its port. */
final class LoopbackListener implements AutoCloseable {
    private final int port;
    private volatile ServerSocket socket;
    private final java.util.List<Socket> fillers = new java.util.ArrayList<>();
    private volatile boolean paused;

    private LoopbackListener(ServerSocket socket) {
        this.socket = socket;
        this.port = socket.getLocalPort();
        serve(socket);
    }

    static LoopbackListener open() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new LoopbackListener(s);
    }

    int port() {
        return port;
    }

    /** Closes the listening socket: connects are refused from now on. */
    void kill() throws IOException {
        socket.close();
    }

    /**
     * Stops answering without refusing, as a dead NAT does: the listener stops accepting and its accept queue is
     * filled, so the kernel drops every further SYN and a connect times out. {@link #revive} lets it accept again.
     *
     * @return {@link System#nanoTime()} when SYNs started being dropped (the start of the first connect that timed out)
     */
    long drop() throws IOException {
        paused = true;
        for (int i = 0; i < 512; i++) {
            Socket f = new Socket();
            long at = System.nanoTime();
            try {
                f.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                fillers.add(f);
            } catch (java.net.SocketTimeoutException full) {
                f.close();
                return at;
            }
        }
        throw new IllegalStateException("accept queue of port " + port + " never filled up; cannot drop SYNs");
    }

    /** Listens on the same port again (after a kill), or accepts again (after a drop). */
    void revive() throws IOException {
        if (paused) {
            for (Socket f : fillers) {
                f.close();
            }
            fillers.clear();
            synchronized (this) {
                paused = false;
                notifyAll();
            }
            return;
        }
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket = s;
        serve(s);
    }

    private void serve(ServerSocket s) {
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
                synchronized (this) {
                    while (paused && !s.isClosed()) {
                        try {
                            wait(100);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
                try (Socket c = s.accept()) {
                    c.getInputStream().available();
                } catch (IOException e) {
                    return;
                }
            }
        }, "loopback-listener-" + s.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
