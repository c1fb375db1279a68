package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.lab.Fault;
import io.github.vpcroutefailover.testsupport.lab.LabUnavailableException;
import io.github.vpcroutefailover.testsupport.lab.Traffic;
import io.github.vpcroutefailover.testsupport.lab.VpcLab;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code scripts/sandbox} on the real-packet lab: the failover story with real traffic. Client requests leave both
 * private subnets every 50 ms through the NAT namespaces while the real probe loop and controller (moto + DynamoDB
 * Local) move routes; each step prints the requests that succeeded and failed, the measured outage and a timeline
 * ({@code .} all requests in that 100 ms succeeded, {@code x} all failed, {@code :} some of each).
 *
 * <p>Exit codes: 0 every expectation held, 1 one did not, 2 refused (an endpoint is not loopback), 3 the lab is
 * unavailable here (the script then runs the emulator-only story).
 */
public final class LabSandbox {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration BUCKET = Duration.ofMillis(100);

    private final PrintStream out;
    private final LabVpc vpc;
    private final List<String> failures = new ArrayList<>();
    private int step;

    private LabSandbox(PrintStream out, LabVpc vpc) {
        this.out = out;
        this.vpc = vpc;
    }

    public static void main(String[] args) {
        System.exit(run(System.out));
    }

    static int run(PrintStream out) {
        String problem = loopbackOnly();
        if (problem != null) {
            out.println("sandbox: refusing to run: " + problem);
            return 2;
        }
        try {
            VpcLab.preflight();
        } catch (LabUnavailableException e) {
            out.println("sandbox: " + e.getMessage());
            return 3;
        }
        long started = System.nanoTime();
        try (LocalAws aws = LocalAws.fromEnvironment(); LabVpc vpc = new LabVpc(aws)) {
            out.printf(Locale.ROOT, "sandbox: VPC in moto and the lab's %d namespaces ready in %.1f s%n", vpc.lab.namespaces().size(),
                    (System.nanoTime() - started) / 1e9);
            int rc = new LabSandbox(out, vpc).story();
            out.printf(Locale.ROOT, "sandbox: story done in %.1f s; removing the namespaces%n", (System.nanoTime() - started) / 1e9);
            return rc;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int story() throws InterruptedException {
        out.println("""
                sandbox (real packets): private subnets a and b each send a request every 50 ms to an "internet" \
                server through NAT instances nat-a / nat-b, every one in its own network namespace. The real probe loop \
                and controller (moto + DynamoDB Local) check the NATs' health port (tcp, interval 1 s, rise 2, fall 2) \
                and move routes in moto; a route mirror copies the route tables into the subnets' kernel routes.
                Timeline: one character per 100 ms from 0.5 s before the step: '.' requests ok, 'x' failed, ':' both, \
                '|' the fault.""");
        var config = vpc.tcpConfig(Duration.ofSeconds(1), 2, 2, Duration.ofMillis(500), "never");
        try (ProjectFailover controller = new ProjectFailover(vpc, config, Duration.ofSeconds(1), 2)) {
            controller.start();
            long t0 = System.nanoTime();
            traffic("a").awaitSteady(t0, "nat-a", 10, WAIT);
            traffic("b").awaitSteady(t0, "nat-b", 10, WAIT);
            Thread.sleep(2500); // rise: both NATs HEALTHY
            report("steady: each subnet leaves through its own AZ's NAT", t0, "nat-a", "nat-b");

            long at = fault("nat-a", Fault.LINK_DOWN);
            traffic("a").awaitSteady(at, "nat-b", 10, WAIT);
            report("nat-a's link goes down: the probe fails it (fall 2), the controller moves subnet a to nat-b", at, "nat-b", "nat-b");

            long healed = heal("nat-a");
            Thread.sleep(3000); // rise 2
            report("nat-a is back and HEALTHY; routes stay (failBack: never), traffic is untouched", healed, "nat-b", "nat-b");

            at = fault("nat-b", Fault.STOPPED);
            traffic("a").awaitSteady(at, "nat-a", 10, WAIT);
            traffic("b").awaitSteady(at, "nat-a", 10, WAIT);
            report("nat-b is stopped (StopInstances + link down): both subnets move to nat-a", at, "nat-a", "nat-a");
            heal("nat-b");
        }
        out.println();
        if (failures.isEmpty()) {
            out.println("sandbox: every step behaved as expected.");
            return 0;
        }
        out.println("sandbox: " + failures.size() + " expectation(s) failed:");
        failures.forEach(f -> out.println("  - " + f));
        return 1;
    }

    private long fault(String nat, Fault fault) {
        long at = System.nanoTime();
        vpc.fault(nat, fault);
        return at;
    }

    private long heal(String nat) {
        long at = System.nanoTime();
        vpc.heal(nat);
        return at;
    }

    private Traffic traffic(String subnet) {
        return vpc.traffic.get(subnet);
    }

    /** Prints one step: per subnet the requests since {@code from}, the outage and the timeline; checks the routes. */
    private void report(String title, long from, String expectA, String expectB) throws InterruptedException {
        Thread.sleep(300); // in-flight requests report
        long to = System.nanoTime();
        out.printf(Locale.ROOT, "%n%d. %s%n", ++step, title);
        for (String subnet : List.of("a", "b")) {
            Traffic t = traffic(subnet);
            List<Traffic.Sample> s = t.since(from);
            long ok = s.stream().filter(Traffic.Sample::ok).count();
            String via = String.join("+", s.stream().filter(Traffic.Sample::ok).map(Traffic.Sample::via).distinct().toList());
            Traffic.Outage o = t.outage(from);
            String outage = o.failed() == 0 ? ", no outage" : String.format(Locale.ROOT, ", outage %.2f s%s", o.outage().toNanos() / 1e9,
                    o.recovered() ? "" : " (not recovered)");
            String expected = subnet.equals("a") ? expectA : expectB;
            String routed = vpc.holder(vpc.tableOf.get(subnet));
            out.printf(Locale.ROOT, "   subnet %s: %4d ok, %3d failed (via %s)%s; route -> %s%n", subnet, ok, s.size() - ok,
                    via.isEmpty() ? "-" : via, outage, routed);
            out.printf(Locale.ROOT, "   %s |%s%n", subnet, timeline(t, from, to));
            if (!expected.equals(routed)) {
                failures.add("step " + step + ": subnet " + subnet + "'s route points at " + routed + ", expected " + expected);
            }
            if (!s.isEmpty() && !s.getLast().ok()) {
                failures.add("step " + step + ": subnet " + subnet + "'s traffic has not recovered");
            }
        }
    }

    /** From half a second before {@code from} (marked '|') to {@code to}, capped to 120 characters. */
    private static String timeline(Traffic t, long from, long to) {
        long start = from - Duration.ofMillis(500).toNanos();
        long end = Math.min(to, start + BUCKET.toNanos() * 120);
        String line = t.timeline(start, end, BUCKET);
        return line.substring(0, Math.min(5, line.length())) + "|" + (line.length() > 5 ? line.substring(5) : "");
    }

    /** Null when EC2 and DynamoDB resolve to a loopback endpoint, else what is wrong: the story creates and stops things. */
    static String loopbackOnly() {
        for (String service : List.of("EC2", "DYNAMODB")) {
            String v = System.getenv("AWS_ENDPOINT_URL_" + service);
            if (v == null || v.isBlank()) {
                v = System.getenv("AWS_ENDPOINT_URL");
            }
            if (v == null || v.isBlank()) {
                return "no AWS_ENDPOINT_URL for " + service + " is set, so the SDK would talk to real AWS";
            }
            try {
                String host = URI.create(v.strip()).getHost();
                if (host == null || !InetAddress.getByName(host).isLoopbackAddress()) {
                    return "the " + service + " endpoint " + v + " is not on the loopback interface";
                }
            } catch (Exception e) {
                return "the " + service + " endpoint " + v + " cannot be checked: " + e.getMessage();
            }
        }
        return null;
    }
}
