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
        // One random draw per packet (kept in the packet's mark, which does not leave the namespace), then counted by kind,
        // so a run can tell a lost SYN from a lost SYN-ACK from anything else.
        String draw = "meta mark set numgen random mod 10000";
        String lost = String.format(Locale.ROOT, "meta mark < %d", perTenThousand);
        Sh.runWithInput("table inet " + TABLE + " {\n"
                + " chain in {\n  type filter hook input priority -10; policy accept;\n"
                + "  iifname \"eth0\" " + draw + "\n"
                + "  iifname \"eth0\" " + lost + " tcp flags & (syn | ack) == syn counter drop comment \"syn-in\"\n"
                + "  iifname \"eth0\" " + lost + " counter drop comment \"other-in\"\n }\n"
                + " chain out {\n  type filter hook output priority -10; policy accept;\n"
                + "  oifname \"eth0\" " + draw + "\n"
                + "  oifname \"eth0\" " + lost + " tcp flags & (syn | ack) == syn | ack counter drop comment \"synack-out\"\n"
                + "  oifname \"eth0\" " + lost + " counter drop comment \"other-out\"\n }\n"
                + "}\n", "ip", "netns", "exec", lab.natNamespace(nat), "nft", "-f", "-");
    }

    /** Packets dropped so far on one NAT, by kind: the probe's SYNs in, its SYN-ACKs out, everything else each way. */
    public record Drops(long synIn, long synAckOut, long otherIn, long otherOut) {
        public long total() {
            return synIn + synAckOut + otherIn + otherOut;
        }

        public Drops minus(Drops earlier) {
            return new Drops(synIn - earlier.synIn, synAckOut - earlier.synAckOut, otherIn - earlier.otherIn, otherOut - earlier.otherOut);
        }

        @Override
        public String toString() {
            return "syn-in " + synIn + ", synack-out " + synAckOut + ", other-in " + otherIn + ", other-out " + otherOut;
        }
    }

    /** Packets the rule dropped so far on {@code nat}, by kind; all zero without a rule. */
    public static Drops drops(VpcLab lab, String nat) {
        Sh.Result r = Sh.attempt("ip", "netns", "exec", lab.natNamespace(nat), "nft", "list", "table", "inet", TABLE);
        java.util.Map<String, Long> byKind = new java.util.HashMap<>();
        for (String line : r.out().split("\n")) {
            int i = line.indexOf("counter packets ");
            int c = line.indexOf("comment \"");
            if (i >= 0 && c >= 0) {
                String kind = line.substring(c + 9, line.indexOf('"', c + 9));
                byKind.merge(kind, Long.parseLong(line.substring(i + 16).split(" ")[0]), Long::sum);
            }
        }
        return new Drops(byKind.getOrDefault("syn-in", 0L), byKind.getOrDefault("synack-out", 0L),
                byKind.getOrDefault("other-in", 0L), byKind.getOrDefault("other-out", 0L));
    }

    /** Removes the loss rule (a NAT without one is left as it is). */
    public static void clear(VpcLab lab, String nat) {
        Sh.attempt("ip", "netns", "exec", lab.natNamespace(nat), "nft", "delete", "table", "inet", TABLE);
    }

    /** Packets the rule dropped so far on {@code nat} (both directions), from its counters; 0 without a rule. */
    public static long dropped(VpcLab lab, String nat) {
        return drops(lab, nat).total();
    }
}
