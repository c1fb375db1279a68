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

    /** Listens on the same port again. */
    void revive() throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        socket = s;
        serve(s);
    }

    private static void serve(ServerSocket s) {
        Thread t = new Thread(() -> {
            while (!s.isClosed()) {
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
