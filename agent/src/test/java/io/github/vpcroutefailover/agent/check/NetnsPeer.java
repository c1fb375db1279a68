package io.github.vpcroutefailover.agent.check;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A "peer instance" for ICMP tests: a network namespace this test creates, joined to the host by a veth pair on
 * a private /29. Traffic never leaves the machine: the only hosts on that link are the two veth ends.
 */
final class NetnsPeer implements AutoCloseable {
    final String namespace;
    final String hostIf;
    final String peerIf;
    final String hostAddress;
    final String peerAddress;
    /** In the link's subnet but assigned to nobody: pings to it go unanswered. */
    final String silentAddress;

    private NetnsPeer(long id) {
        this.namespace = "vrfagent-" + id;
        this.hostIf = "vrfa" + id + "h";
        this.peerIf = "vrfa" + id + "p";
        int octet = (int) (id % 250) + 1;
        this.hostAddress = "10.213." + octet + ".1";
        this.peerAddress = "10.213." + octet + ".2";
        this.silentAddress = "10.213." + octet + ".5";
    }

    static NetnsPeer create() throws IOException, InterruptedException {
        NetnsPeer n = new NetnsPeer(ProcessHandle.current().pid() % 100_000);
        n.close(); // leftovers of an earlier run with the same pid
        try {
            ip("netns", "add", n.namespace);
            ip("link", "add", n.hostIf, "type", "veth", "peer", "name", n.peerIf);
            ip("link", "set", n.peerIf, "netns", n.namespace);
            ip("addr", "add", n.hostAddress + "/29", "dev", n.hostIf);
            ip("link", "set", n.hostIf, "up");
            ip("netns", "exec", n.namespace, "ip", "addr", "add", n.peerAddress + "/29", "dev", n.peerIf);
            ip("netns", "exec", n.namespace, "ip", "link", "set", n.peerIf, "up");
            ip("netns", "exec", n.namespace, "ip", "link", "set", "lo", "up");
        } catch (IOException | RuntimeException e) {
            n.close();
            throw e;
        }
        return n;
    }

    /** Takes the peer's interface down: the peer stops answering, as a crashed instance would. */
    void peerDown() throws IOException, InterruptedException {
        ip("netns", "exec", namespace, "ip", "link", "set", peerIf, "down");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        run(false, "netns", "del", namespace);
        run(false, "link", "del", hostIf);
    }

    private static void ip(String... args) throws IOException, InterruptedException {
        run(true, args);
    }

    private static void run(boolean must, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add("ip");
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        boolean done = p.waitFor(20, TimeUnit.SECONDS);
        if (must && (!done || p.exitValue() != 0)) {
            throw new IOException(String.join(" ", cmd) + " failed: " + out.trim()
                    + " (ICMP tests need root, or CAP_NET_ADMIN and CAP_NET_RAW, to create a network namespace)");
        }
    }
}
