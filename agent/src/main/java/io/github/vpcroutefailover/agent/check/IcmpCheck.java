package io.github.vpcroutefailover.agent.check;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * ICMP echo through {@link InetAddress#isReachable}. With CAP_NET_RAW the JDK sends real ICMP echo requests;
 * without it the JDK silently falls back to a TCP connect to port 7, which security groups usually drop. So the
 * agent refuses to start ICMP checks without that capability ({@link NetRaw}) instead of reporting false failures.
 */
public final class IcmpCheck implements Check {
    private final String name;
    private final String host;

    public IcmpCheck(String name, String host) {
        this.name = name;
        this.host = host;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CheckOutcome run(Duration timeout) throws Exception {
        InetAddress address;
        try {
            address = InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            return CheckOutcome.fail("cannot resolve " + host);
        }
        return address.isReachable((int) Math.max(1, timeout.toMillis()))
                ? CheckOutcome.pass("echo reply from " + address.getHostAddress())
                : CheckOutcome.fail("no echo reply from " + address.getHostAddress() + " within " + timeout.toMillis() + " ms");
    }
}
