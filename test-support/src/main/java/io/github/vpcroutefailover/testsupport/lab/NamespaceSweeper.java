package io.github.vpcroutefailover.testsupport.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes what labs of dead processes left behind (a JVM killed with SIGKILL runs no shutdown hook): namespaces named
 * {@code vrf-<pid>-...} and host links named {@code vrfh<pid>r<n>} whose pid is no longer alive. Labs of live
 * processes, including other JVMs running the lab at the same time, are never touched.
 */
public final class NamespaceSweeper {
    static final Pattern NAMESPACE = Pattern.compile("^" + VpcLab.PREFIX + "(\\d+)-\\S*");
    static final Pattern HOST_LINK = Pattern.compile("^\\d+:\\s+(" + VpcLab.HOST_LINK_PREFIX + "(\\d+)r\\d+)[@:]");

    private NamespaceSweeper() {
    }

    /** @return the names of the namespaces and links it removed */
    public static List<String> sweep() {
        List<String> removed = new ArrayList<>();
        for (String line : Sh.run("ip", "netns", "list").split("\n")) {
            Matcher m = NAMESPACE.matcher(line.strip());
            if (m.find() && !alive(m.group(1))) {
                String ns = m.group().split("\\s")[0];
                for (String pid : Sh.attempt("ip", "netns", "pids", ns).out().split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid.strip())).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                if (Sh.attempt("ip", "netns", "del", ns).exit() == 0) {
                    removed.add(ns);
                }
            }
        }
        for (String line : Sh.run("ip", "-o", "link", "show").split("\n")) {
            Matcher m = HOST_LINK.matcher(line.strip());
            if (m.find() && !alive(m.group(2)) && Sh.attempt("ip", "link", "del", m.group(1)).exit() == 0) {
                removed.add(m.group(1));
            }
        }
        return removed;
    }

    static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return true; // not ours to judge
        }
    }
}
