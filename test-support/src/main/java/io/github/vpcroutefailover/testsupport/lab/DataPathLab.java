package io.github.vpcroutefailover.testsupport.lab;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The data path as the probe sees it from a private subnet, and a destination that can go down, on top of a
 * {@link VpcLab}. In AWS the probe function has an ENI in each private subnet whose table is managed, so its requests
 * leave through that table's route; here the host (the JVM running the probe) gets the same picture: a per-subnet
 * server address is routed from the host via the subnet's namespace, which forwards it along its default route, the
 * one the {@link RouteMirror} keeps equal to the route table. Everything it adds lives inside the lab's namespaces
 * or on the lab's host link, so {@link VpcLab#close()} removes it.
 */
public final class DataPathLab {
    private final VpcLab lab;
    private final Set<String> paths = ConcurrentHashMap.newKeySet();
    private boolean destinationDown;

    public DataPathLab(VpcLab lab) {
        this.lab = lab;
    }

    /**
     * Routes {@link VpcLab#serverAddress serverAddress(10 + i)} (198.19.K.210+i for the i-th subnet) from the host
     * through {@code subnet} and returns it; idempotent. Answers come straight back from the NAT over the VPC bridge
     * (the host's address is on it), as they would to an ENI.
     */
    public synchronized String via(String subnet) {
        String ns = lab.subnetNamespace(subnet);
        int i = lab.subnets().indexOf(subnet);
        String address = lab.serverAddress(10 + i);
        if (paths.add(subnet)) {
            Sh.run("ip", "-n", lab.internetNamespace(), "addr", "add", address + "/32", "dev", "lo");
            // Forward the host's packets out of the interface they came in on, without telling the host to go direct
            // (an ICMP redirect would make it skip the subnet, and with it the route under test).
            Sh.run("ip", "netns", "exec", ns, "sh", "-c", "echo 1 > /proc/sys/net/ipv4/ip_forward"
                    + " && echo 0 > /proc/sys/net/ipv4/conf/all/send_redirects && echo 0 > /proc/sys/net/ipv4/conf/eth0/send_redirects");
            Sh.run("ip", "route", "replace", address + "/32", "via", lab.subnetAddress(subnet), "dev", lab.hostLink());
        }
        return address;
    }

    /**
     * Takes the destination itself down (true) or brings it back: the internet namespace drops everything arriving
     * from the NATs, so every data path fails at once, whichever hop a route uses (the correlated-failure case).
     * Client traffic stops too, as it would.
     */
    public synchronized void destinationDown(boolean down) {
        if (down == destinationDown) {
            return;
        }
        if (down) {
            Sh.runWithInput("table inet vrfdest {\n chain vrf_in {\n  type filter hook input priority 0; policy accept;\n"
                    + "  iifname \"p*\" drop\n }\n}\n", "ip", "netns", "exec", lab.internetNamespace(), "nft", "-f", "-");
        } else {
            Sh.run("ip", "netns", "exec", lab.internetNamespace(), "nft", "delete", "table", "inet", "vrfdest");
        }
        destinationDown = down;
    }
}
