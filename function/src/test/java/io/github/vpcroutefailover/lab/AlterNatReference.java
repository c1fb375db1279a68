package io.github.vpcroutefailover.lab;

import io.github.vpcroutefailover.testsupport.lab.Checker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * alterNAT's published failover logic (chime/terraform-aws-alternat, functions/replace-route), reimplemented from its
 * documented behaviour and constants for the side-by-side reference; no code of it is used. Its connectivity Lambda
 * runs in each private subnet (here: inside the subnet's namespace, so its checks go through the route under test):
 * <ul>
 *   <li>every {@code CONNECTIVITY_CHECK_INTERVAL} = 5 s it GETs the {@code CHECK_URLS} (default two:
 *       example.com and google.com; here the lab's two internet addresses) one after the other, each with
 *       {@code REQUEST_TIMEOUT} = 5 s; any answer (even an HTTP error) is success;</li>
 *   <li>when every URL fails once (no fall count), it replaces the {@code 0.0.0.0/0} route of its route tables
 *       with the NAT gateway ({@code ReplaceRoute ... NatGatewayId}) and that invocation ends;</li>
 *   <li>it never fails back by itself: a new NAT instance's launch hook (route-table Lambda) puts the route back.
 *       {@link #afterHeal} does that here, and starts the next invocation.</li>
 * </ul>
 */
final class AlterNatReference implements FailoverUnderTest {
    static final Duration CONNECTIVITY_CHECK_INTERVAL = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final LabVpc vpc;
    private final String subnet;
    private final String rtb;
    private final List<String> checkUrls;
    private final Checker checker;
    private final AtomicInteger replacements = new AtomicInteger();
    private volatile Thread runner;

    /** The connectivity Lambda of the subnet's AZ (the other AZ's is identical and sees no fault in the benchmark). */
    AlterNatReference(LabVpc vpc, String subnet) {
        this.vpc = vpc;
        this.subnet = subnet;
        this.rtb = vpc.tableOf.get(subnet);
        this.checkUrls = List.of(vpc.lab.serverUrl(0), vpc.lab.serverUrl(1));
        this.checker = vpc.lab.checker(subnet);
    }

    @Override
    public String name() {
        return "alterNAT (reference)";
    }

    @Override
    public void start() {
        runner = Thread.ofPlatform().daemon().name("lab-alternat-" + subnet).start(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    if (checkConnection()) {
                        Thread.sleep(CONNECTIVITY_CHECK_INTERVAL.toMillis());
                    } else {
                        return; // the invocation ends after replacing the route
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** Any URL answering is success; all failing replaces the route with the NAT gateway. */
    private boolean checkConnection() {
        for (String url : checkUrls) {
            if (checker.check(url, REQUEST_TIMEOUT)) {
                return true;
            }
        }
        vpc.ec2.replaceRoute(r -> r.routeTableId(rtb).destinationCidrBlock(LabVpc.DEFAULT).natGatewayId(vpc.natGw));
        replacements.incrementAndGet();
        return false;
    }

    @Override
    public Duration period() {
        return CONNECTIVITY_CHECK_INTERVAL;
    }

    @Override
    public void afterHeal(String healedNat) throws InterruptedException {
        stop();
        String eni = healedNat.equals("nat-a") ? vpc.eniA : vpc.eniB;
        vpc.ec2.replaceRoute(r -> r.routeTableId(rtb).destinationCidrBlock(LabVpc.DEFAULT).networkInterfaceId(eni));
        vpc.mirror.awaitRoute(subnet, healedNat, Duration.ofSeconds(5));
        start();
    }

    int replacements() {
        return replacements.get();
    }

    private void stop() throws InterruptedException {
        Thread t = runner;
        if (t != null) {
            t.interrupt();
            t.join(15_000);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checker.close();
    }
}
