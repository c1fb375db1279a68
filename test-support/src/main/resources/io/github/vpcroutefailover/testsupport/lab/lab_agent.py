"""The real-packet lab's in-namespace agent (started by VpcLab with `ip netns exec <ns> python3 -u lab_agent.py ...`).

Java cannot enter a network namespace per thread, so everything that must originate or listen inside a lab namespace
runs here. Standard library only. Every mode exits when its stdin reaches EOF: if the JVM that started it dies, the
pipe closes and the agent goes away, so no process keeps a lab namespace alive.

Modes:
  serve ADDR PORT        HTTP server answering every GET with 200 and the caller's address ("ok <ip>").
  traffic URL EVERY_MS TIMEOUT_MS
                         one small HTTP request every EVERY_MS (each on its own thread, new TCP connection);
                         prints "<start_ns> <end_ns> ok <server-seen-ip>" or "<start_ns> <end_ns> fail <reason>".
                         Times are CLOCK_MONOTONIC nanoseconds (Java's System.nanoTime on Linux).
  check                  reads "URL TIMEOUT_S" lines, answers "ok" or "fail <reason>" per line (alterNAT-style check).
All modes print "ready" once listening/started.
"""
import http.server
import os
import socket
import socketserver
import sys
import threading
import time
import urllib.error
import urllib.request


def exit_on_stdin_eof():
    def watch():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        finally:
            os._exit(0)
    threading.Thread(target=watch, daemon=True).start()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self):
        body = ("ok " + self.client_address[0] + "\n").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN: a DNS query that times out (10 s) in a namespace with no DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def serve(addr, port):
    server = Server((addr, int(port)), Handler)
    server.daemon_threads = True
    exit_on_stdin_eof()
    print("ready", flush=True)
    server.serve_forever()


def one_request(host, port, timeout):
    with socket.create_connection((host, port), timeout=timeout) as s:
        s.settimeout(timeout)
        s.sendall(b"GET / HTTP/1.0\r\nHost: lab\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(512)
            if not chunk:
                break
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.0 200") and not head.startswith(b"HTTP/1.1 200"):
        raise OSError("status " + head.split(b"\r\n")[0].decode(errors="replace"))
    words = body.decode(errors="replace").split()
    return words[1] if len(words) > 1 else "?"


def traffic(url, every_ms, timeout_ms):
    hostport = url.split("//", 1)[1].split("/", 1)[0]
    host, _, port = hostport.partition(":")
    port = int(port or 80)
    timeout = int(timeout_ms) / 1000.0
    lock = threading.Lock()

    def run(start):
        try:
            seen = one_request(host, port, timeout)
            line = "%d %d ok %s" % (start, time.monotonic_ns(), seen)
        except Exception as e:  # any failure is a failed request; the reason is for humans
            line = "%d %d fail %s" % (start, time.monotonic_ns(), type(e).__name__)
        with lock:
            sys.stdout.write(line + "\n")
            sys.stdout.flush()

    exit_on_stdin_eof()
    print("ready", flush=True)
    step = int(every_ms) * 1_000_000
    next_at = time.monotonic_ns()
    while True:
        threading.Thread(target=run, args=(time.monotonic_ns(),), daemon=True).start()
        next_at += step
        delay = next_at - time.monotonic_ns()
        if delay > 0:
            time.sleep(delay / 1e9)
        else:
            next_at = time.monotonic_ns()


def check():
    print("ready", flush=True)
    for line in sys.stdin:
        parts = line.split()
        if len(parts) != 2:
            print("fail bad-request", flush=True)
            continue
        url, timeout = parts[0], float(parts[1])
        try:
            urllib.request.urlopen(urllib.request.Request(url, headers={"User-Agent": "vrf-lab"}), timeout=timeout).read()
            print("ok", flush=True)
        except urllib.error.HTTPError:
            print("ok", flush=True)  # an HTTP error status still proves the path works
        except Exception as e:
            print("fail " + type(e).__name__, flush=True)
    os._exit(0)


if __name__ == "__main__":
    mode, args = sys.argv[1], sys.argv[2:]
    {"serve": serve, "traffic": traffic, "check": check}[mode](*args)
