package io.github.vpcroutefailover.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The samples, changed only where the emulator or the test machine requires it (see {@link DeployedStackIT}). Each
 * replacement must match: if a sample changes shape, the test fails here and says which one, instead of silently
 * testing something else.
 */
final class SampleAdapter {
    private SampleAdapter() {
    }

    static String routeConfig(Path repo, String vpc, String natA, String natB, String natGw, String subnet, int probePort) throws IOException {
        String yaml = Files.readString(repo.resolve("samples/config/nat-two-az.yaml"));
        yaml = replace(yaml, "vpc-0123456789abcdef0", vpc);
        yaml = replace(yaml, "i-0aaaaaaaaaaaaaaaa", natA);
        yaml = replace(yaml, "i-0bbbbbbbbbbbbbbbb", natB);
        yaml = replace(yaml, "nat-0cccccccccccccccc", natGw);
        yaml = replace(yaml, "subnet-0dddddddddddddddd", subnet);
        yaml = replace(yaml, "port: 22\n", "port: " + probePort + "\n");
        return yaml;
    }

    /**
     * samples/agent/agent.yaml for one instance: its id and region set (no IMDS here), the internet a loopback HTTP
     * server, the forwarding switch a file, haproxy a loopback listener, the peers the NAT instances' loopback
     * addresses probed over TCP.
     *
     * @param peers sample peer id -> {real instance id, its private IP}
     */
    static String agentConfig(Path repo, String instanceId, String region, int internetPort, Path ipForward, int haproxyPort,
            Map<String, String[]> peers, int peerPort, Path maintenanceFile) throws IOException {
        String yaml = Files.readString(repo.resolve("samples/agent/agent.yaml"));
        yaml = "instanceId: " + instanceId + "\nregion: " + region + "\n" + yaml;
        yaml = replace(yaml, "maintenanceFile: /etc/vpc-route-failover/maintenance", "maintenanceFile: " + maintenanceFile);
        yaml = replace(yaml, "url: https://checkip.amazonaws.com/", "url: http://127.0.0.1:" + internetPort + "/");
        yaml = replace(yaml, "/proc/sys/net/ipv4/ip_forward", ipForward.toString());
        yaml = replace(yaml, "port: 443\n", "port: " + haproxyPort + "\n");
        yaml = replaceLine(yaml, "tls: {verify: false}", "");
        yaml = replaceLine(yaml, "probe: icmp", "    probe: tcp\n    port: " + peerPort);
        for (Map.Entry<String, String[]> p : peers.entrySet()) {
            yaml = Pattern.compile("\\{id: " + Pattern.quote(p.getKey()) + ", address: [0-9.]+\\}").matcher(yaml).replaceAll(
                    "{id: " + p.getValue()[0] + ", address: " + p.getValue()[1] + "}");
        }
        return yaml;
    }

    private static String replace(String text, String from, String to) {
        if (!text.contains(from)) {
            throw new AssertionError("the sample no longer contains '" + from.strip() + "'; update SampleAdapter with the sample");
        }
        return text.replace(from, to);
    }

    private static String replaceLine(String text, String containing, String line) {
        StringBuilder out = new StringBuilder();
        boolean found = false;
        for (String l : text.split("\n", -1)) {
            if (l.contains(containing)) {
                found = true;
                if (!line.isEmpty()) {
                    out.append(line).append('\n');
                }
            } else {
                out.append(l).append('\n');
            }
        }
        if (!found) {
            throw new AssertionError("the sample no longer has a line with '" + containing + "'; update SampleAdapter with the sample");
        }
        return out.substring(0, out.length() - 1);
    }
}
