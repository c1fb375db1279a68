package io.github.vpcroutefailover.testsupport.lab;

import java.util.Locale;

/**
 * Random packet loss on a NAT's VPC side, in the kernel: an nftables rule in the NAT's namespace drops each packet
 * arriving on or leaving through its VPC link with the given probability ({@code numgen random}), so a probe's SYN and
 * its SYN-ACK are each lost independently, as on a lossy path.
 *
 * <p>Why not {@code tc qdisc ... netem loss}: netem needs the {@code sch_netem} kernel module, which kernels without
 * loadable modules (this project's build machines: no {@code /lib/modules}, no {@code modprobe}) do not have; nftables is
 * already a lab requirement. What netem would add, delay and jitter, this does not model.
 */
public final class PathLoss {
    private static final String TABLE = "vrfloss";

    private PathLoss() {
    }

    /**
     * Drops each packet on {@code nat}'s VPC link (both directions) with probability {@code percent}/100, replacing any
     * loss set before.
     *
     * @param percent 0 to 100, in steps of 0.01
     */
    public static void set(VpcLab lab, String nat, double percent) {
        if (!(percent >= 0 && percent <= 100)) {
            throw new IllegalArgumentException("loss percent must be 0-100, got " + percent);
        }
        clear(lab, nat);
        if (percent == 0) {
            return;
        }
        long perTenThousand = Math.round(percent * 100);
        String rule = String.format(Locale.ROOT, "numgen random mod 10000 < %d counter drop", perTenThousand);
        Sh.runWithInput("table inet " + TABLE + " {\n"
                + " chain in {\n  type filter hook input priority -10; policy accept;\n  iifname \"eth0\" " + rule + "\n }\n"
                + " chain out {\n  type filter hook output priority -10; policy accept;\n  oifname \"eth0\" " + rule + "\n }\n"
                + "}\n", "ip", "netns", "exec", lab.natNamespace(nat), "nft", "-f", "-");
    }

    /** Removes the loss rule (a NAT without one is left as it is). */
    public static void clear(VpcLab lab, String nat) {
        Sh.attempt("ip", "netns", "exec", lab.natNamespace(nat), "nft", "delete", "table", "inet", TABLE);
    }

    /** Packets the rule dropped so far on {@code nat} (both directions), from its counters; 0 without a rule. */
    public static long dropped(VpcLab lab, String nat) {
        Sh.Result r = Sh.attempt("ip", "netns", "exec", lab.natNamespace(nat), "nft", "list", "table", "inet", TABLE);
        long sum = 0;
        for (String line : r.out().split("\n")) {
            int i = line.indexOf("counter packets ");
            if (i >= 0) {
                sum += Long.parseLong(line.substring(i + 16).split(" ")[0]);
            }
        }
        return sum;
    }
}
