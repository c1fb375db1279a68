"""A TLS front for the footprint benchmark: an HTTPS/1.1 reverse proxy on 127.0.0.1 before the CloudWatch
emulator. The agent publishes over HTTPS with the JDK's TLS stack and keeps its connection alive between
cycles, as it does against CloudWatch (moto's own server closes the connection after every response).

    python3 tls_front.py CERT KEY LISTEN_PORT UPSTREAM_PORT
"""
import http.client
import ssl
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class Front(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream_port = 0
    connections = 0

    def setup(self):
        super().setup()
        Front.connections += 1

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        # Keep the Host the client signed: SigV4 covers it.
        headers["Host"] = self.headers.get("Host", "")
        up = http.client.HTTPConnection("127.0.0.1", Front.upstream_port, timeout=60)
        try:
            up.request("POST", self.path, body=body, headers=headers)
            r = up.getresponse()
            data = r.read()
            self.send_response(r.status)
            for k, v in r.getheaders():
                if k.lower() not in HOP_BY_HOP and k.lower() not in ("date", "server"):
                    self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            up.close()

    def log_message(self, fmt, *args):
        pass


if __name__ == "__main__":
    cert, key, listen_port, upstream_port = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    Front.upstream_port = upstream_port
    server = ThreadingHTTPServer(("127.0.0.1", listen_port), Front)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    try:
        server.serve_forever()
    finally:
        print(f"tls_front: {Front.connections} TLS connections", file=sys.stderr)
