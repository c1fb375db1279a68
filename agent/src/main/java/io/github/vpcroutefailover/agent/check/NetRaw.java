package io.github.vpcroutefailover.agent.check;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Whether this process may open raw sockets (CAP_NET_RAW in its effective set), which real ICMP needs. */
public final class NetRaw {
    static final int CAP_NET_RAW = 13;

    private NetRaw() {
    }

    public static boolean available() {
        try {
            return fromStatus(Files.readAllLines(Path.of("/proc/self/status")));
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the {@code CapEff:} hex mask of a /proc/PID/status file. */
    static boolean fromStatus(List<String> lines) {
        for (String line : lines) {
            if (line.startsWith("CapEff:")) {
                long mask = Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16);
                return (mask & (1L << CAP_NET_RAW)) != 0;
            }
        }
        return false;
    }
}
