package io.github.vpcroutefailover.agent.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One configured check.
 *
 * @param name     the {@code Check} dimension value (peer probes publish {@code name:peerId})
 * @param interval how often the check runs; results are republished every publish cycle
 * @param timeout  hard bound on one run; a run that exceeds it fails
 * @param rise     consecutive passes before CheckState goes to 1
 * @param fall     consecutive failures before CheckState goes to 0
 */
public record CheckSpec(String name, Duration interval, Duration timeout, int rise, int fall, Target target) {

    /** What a check probes and how. */
    public sealed interface Target permits Tcp, Http, Command, Icmp, Peer {
        String type();
    }

    /**
     * @param send   bytes (UTF-8) written after connecting; null to send nothing
     * @param expect text that must appear in what the server sends back; null to only require the connect
     * @param tls    null for plain TCP
     */
    public record Tcp(String host, int port, String send, String expect, TlsSettings tls) implements Target {
        public String type() {
            return "tcp";
        }
    }

    /**
     * @param statusRanges inclusive [low, high] pairs the status must fall in
     * @param bodyContains text the body must contain; null for no body check
     * @param bodyRegex    pattern the body must match (find); null for no regex check
     */
    public record Http(URI url, String method, List<int[]> statusRanges, String bodyContains, Pattern bodyRegex,
            Map<String, String> headers, TlsSettings tls) implements Target {
        public String type() {
            return "http";
        }
    }

    /** @param argv program and arguments, run without a shell; @param successExitCode exit status that means pass */
    public record Command(List<String> argv, int successExitCode) implements Target {
        public String type() {
            return "command";
        }
    }

    public record Icmp(String host) implements Target {
        public String type() {
            return "icmp";
        }
    }

    /**
     * Probes the other candidates of the same route from here, where ICMP and private addresses are reachable
     * (the controller Lambda has no ICMP). Expands into one check per peer, skipping this instance.
     *
     * @param probe "icmp" or "tcp"
     * @param port  TCP port when probe is "tcp"
     */
    public record Peer(String probe, int port, List<PeerAddress> peers) implements Target {
        public String type() {
            return "peer";
        }
    }

    /** @param id the peer's instance id (goes into the Check dimension); @param address its private IP or name */
    public record PeerAddress(String id, String address) {
    }
}
