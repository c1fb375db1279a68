package io.github.vpcroutefailover.lab;

import java.time.Duration;

/** A failover implementation running against the lab: this project's probe + controller, or the alterNAT reference. */
interface FailoverUnderTest extends AutoCloseable {
    String name();

    /** Starts checking (on its own threads) until {@link #close()}. */
    void start();

    /** The span over which a fault's phase is drawn at random: one check period. */
    Duration period();

    /**
     * After a fault was healed: bring the system back to a steady state for the next run (this project: wait until
     * the healed NAT is HEALTHY again; alterNAT: put the route back on the instance, as its launch hook would, and
     * start a new invocation).
     */
    void afterHeal(String healedNat) throws InterruptedException;

    /** Stage timestamps for the outage breakdown (the reference has no probe: only mirror and traffic stages). */
    default OutageTrace trace() {
        return new OutageTrace();
    }

    @Override
    void close();
}
