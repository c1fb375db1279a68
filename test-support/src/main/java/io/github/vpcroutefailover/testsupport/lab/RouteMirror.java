package io.github.vpcroutefailover.testsupport.lab;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Route;
import software.amazon.awssdk.services.ec2.model.RouteState;
import software.amazon.awssdk.services.ec2.model.RouteTable;

/**
 * The VPC router of the lab: keeps each subnet namespace's default route equal to the {@code 0.0.0.0/0} route of its
 * route table in the EC2 emulator, so a {@code ReplaceRoute} made by the controller really moves packets. It polls
 * {@code DescribeRouteTables} every {@code every} (one call for all tables) and maps the route's ENI, instance or NAT
 * gateway id to a lab NAT; a missing or blackhole route, or a target outside the lab, makes the subnet unreachable.
 */
public final class RouteMirror implements AutoCloseable {
    /** A kernel route change the mirror made: when (System.nanoTime), which subnet, to which NAT (null: unreachable). */
    public record Change(long nanos, String subnet, String nat, String hopId) {
    }

    private final Ec2Client ec2;
    private final VpcLab lab;
    private final Map<String, String> subnetByTable;
    private final Map<String, String> natByHop;
    private final Duration every;
    private final Map<String, String> applied = new ConcurrentHashMap<>();
    private final List<Change> changes = new CopyOnWriteArrayList<>();
    private final AtomicLong polls = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private volatile String lastError;
    private volatile boolean running = true;
    private final Thread thread;

    /**
     * @param subnetByTable route table id -> lab subnet
     * @param natByHop      ENI id, instance id or NAT gateway id -> lab NAT
     * @param every         poll interval (50-100 ms keeps the mirror well below the probe's 1 s resolution)
     */
    public RouteMirror(Ec2Client ec2, VpcLab lab, Map<String, String> subnetByTable, Map<String, String> natByHop, Duration every) {
        this.ec2 = ec2;
        this.lab = lab;
        this.subnetByTable = Map.copyOf(subnetByTable);
        this.natByHop = Map.copyOf(natByHop);
        this.every = every;
        syncOnce();
        this.thread = Thread.ofPlatform().daemon().name("lab-route-mirror").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(every.toMillis());
                syncOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The emulator may hiccup; the subnet keeps its last route (as a real VPC would) until the next poll.
                errors.incrementAndGet();
                lastError = e.toString();
            }
        }
    }

    /** One poll: reads every mirrored table and applies changed default routes. */
    public synchronized void syncOnce() {
        List<RouteTable> tables = ec2.describeRouteTables(r -> r.routeTableIds(subnetByTable.keySet())).routeTables();
        polls.incrementAndGet();
        for (RouteTable t : tables) {
            String subnet = subnetByTable.get(t.routeTableId());
            if (subnet == null) {
                continue;
            }
            String hop = t.routes().stream().filter(r -> "0.0.0.0/0".equals(r.destinationCidrBlock()))
                    .filter(r -> r.state() != RouteState.BLACKHOLE).findFirst().map(RouteMirror::hopId).orElse(null);
            String nat = hop == null ? null : natByHop.get(hop);
            String key = nat == null ? "" : nat;
            if (!key.equals(applied.get(subnet))) {
                lab.route(subnet, nat);
                applied.put(subnet, key);
                changes.add(new Change(System.nanoTime(), subnet, nat, hop));
            }
        }
    }

    private static String hopId(Route r) {
        if (r.networkInterfaceId() != null) {
            return r.networkInterfaceId();
        }
        if (r.natGatewayId() != null) {
            return r.natGatewayId();
        }
        if (r.instanceId() != null) {
            return r.instanceId();
        }
        return r.gatewayId();
    }

    public List<Change> changes() {
        return List.copyOf(changes);
    }

    public long polls() {
        return polls.get();
    }

    public long errors() {
        return errors.get();
    }

    public String lastError() {
        return lastError;
    }

    /** Waits until the mirror has routed {@code subnet} to {@code nat}; false after {@code timeout}. */
    public boolean awaitRoute(String subnet, String nat, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            if ((nat == null ? "" : nat).equals(applied.get(subnet))) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
