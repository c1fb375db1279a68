package io.github.vpcroutefailover.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** A TCP listener (accept and close) or an HTTP server on a loopback address, opened and closed by the test. */
final class Listener implements AutoCloseable {
    private final ServerSocket socket;
    private final HttpServer http;

    private Listener(ServerSocket socket, HttpServer http) {
        this.socket = socket;
        this.http = http;
    }

    static Listener tcp(String address, int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getByName(address), port), 50);
        Thread.ofPlatform().daemon().name("listener-" + address + ":" + s.getLocalPort()).start(() -> {
            while (!s.isClosed()) {
                try (Socket ignored = s.accept()) {
                    // accepted: a TCP check passes
                } catch (IOException e) {
                    return;
                }
            }
        });
        return new Listener(s, null);
    }

    /** An HTTP server answering 200 "ok" to every request: the internet behind the NAT, as the egress check sees it. */
    static Listener http(String address) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(address), 0), 50);
        server.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new Listener(null, server);
    }

    int port() {
        return socket != null ? socket.getLocalPort() : http.getAddress().getPort();
    }

    /** A port free on every given loopback address (the same number is used on each NAT's address). */
    static int freePortOn(String... addresses) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            int port;
            try (ServerSocket first = new ServerSocket(0, 1, InetAddress.getByName(addresses[0]))) {
                port = first.getLocalPort();
            }
            boolean free = true;
            for (String a : addresses) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(a))) {
                    // free here
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no port free on all of " + String.join(", ", addresses) + " after 20 attempts");
    }

    private boolean closed;

    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        if (socket != null) {
            socket.close();
        }
        if (http != null) {
            http.stop(0);
        }
    }
}
