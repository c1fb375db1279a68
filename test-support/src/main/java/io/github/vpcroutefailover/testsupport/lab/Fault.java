package io.github.vpcroutefailover.testsupport.lab;

/**
 * Real faults of a NAT namespace. Which of them a health check can see is the point of the lab: the health port keeps
 * answering under {@link #FORWARDING_OFF} and {@link #MASQUERADE_LOST}, so only a check through the data path finds those.
 */
public enum Fault {
    /** The NAT's service process dies: the health port closes and nothing is forwarded (a TCP check sees it). */
    PROCESS_DOWN("tcp", true),
    /** The NAT's VPC-side link goes down: no health answer, no forwarding. */
    LINK_DOWN("link-down", true),
    /** {@code net.ipv4.ip_forward=0} (e.g. lost after a reboot): the health port answers, nothing is forwarded. */
    FORWARDING_OFF("forwarding-off", false),
    /** An nftables rule drops everything arriving from the VPC side (health and traffic), like a bad firewall push. */
    DROP_RULE("drop-rule", true),
    /** The masquerade rule is lost: packets leave with private sources and no answer comes back; health answers. */
    MASQUERADE_LOST("health-only", false),
    /** The instance is stopped: the caller stops it in the EC2 emulator, the lab takes its link down. */
    STOPPED("stopped", true);

    private final String label;
    private final boolean healthPortFails;

    Fault(String label, boolean healthPortFails) {
        this.label = label;
        this.healthPortFails = healthPortFails;
    }

    /** Short name for tables and command lines. */
    public String label() {
        return label;
    }

    /** Whether a TCP/HTTP check of the NAT's health port fails under this fault. */
    public boolean healthPortFails() {
        return healthPortFails;
    }

    public static Fault byLabel(String label) {
        for (Fault f : values()) {
            if (f.label.equals(label) || f.name().equalsIgnoreCase(label)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown fault '" + label + "'; one of: "
                + java.util.Arrays.stream(values()).map(Fault::label).toList());
    }
}
