package io.github.vpcroutefailover.testsupport.lab;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The outage and timeline arithmetic on hand-made samples (50 ms apart, 1 ms each). */
class TrafficTest {
    private static final long MS = 1_000_000;

    /** Requests every 50 ms from 0; {@code pattern} char i: '.' ok, 'x' failed. */
    private static List<Traffic.Sample> samples(String pattern) {
        List<Traffic.Sample> out = new ArrayList<>();
        for (int i = 0; i < pattern.length(); i++) {
            boolean ok = pattern.charAt(i) == '.';
            out.add(new Traffic.Sample(i * 50 * MS, i * 50 * MS + MS, ok, ok ? "nat-a" : null));
        }
        return out;
    }

    @Test
    void outageRunsFromTheLastSuccessBeforeTheFailuresToTheFirstSuccessAfter() {
        // ok at 0..200 ms, failures at 250..450, ok again at 500.
        Traffic.Outage o = Traffic.outage(samples(".....xxxxx....."), 230 * MS);
        assertThat(o.recovered()).isTrue();
        assertThat(o.failed()).isEqualTo(5);
        assertThat(o.outage()).isEqualTo(Duration.ofMillis(300)); // 201 ms -> 501 ms
    }

    @Test
    void noFailureAfterTheFaultIsNoOutage() {
        assertThat(Traffic.outage(samples("xx........"), 200 * MS).outage()).isZero();
    }

    @Test
    void anUnrecoveredOutageRunsToTheLastSampleAndSaysSo() {
        Traffic.Outage o = Traffic.outage(samples("...xxxx"), 120 * MS);
        assertThat(o.recovered()).isFalse();
        assertThat(o.outage()).isEqualTo(Duration.ofMillis(200)); // 101 ms -> 301 ms
    }

    @Test
    void aFailureThatEndedBeforeTheFaultIsNotPartOfIt() {
        // An earlier blip at 50 ms is not this fault's outage.
        Traffic.Outage o = Traffic.outage(samples(".x....xx.."), 280 * MS);
        assertThat(o.failed()).isEqualTo(2);
        assertThat(o.outage()).isEqualTo(Duration.ofMillis(150));
    }

    @Test
    void overlappingRequestsMeasureTheGapBetweenCompletedSuccesses() {
        // A request in flight before the fault fails late (its answer is lost); the gap is between successes.
        List<Traffic.Sample> s = new ArrayList<>(samples("....xxxxxx...."));
        s.add(new Traffic.Sample(180 * MS, 1180 * MS, false, null)); // started before the fault, timed out 1 s later
        s.sort(java.util.Comparator.comparingLong(Traffic.Sample::startNanos));
        Traffic.Outage o = Traffic.outage(s, 190 * MS);
        assertThat(o.recovered()).as("the straggler started before the recovery").isTrue();
        assertThat(o.outage()).isEqualTo(Duration.ofMillis(350)); // 151 ms -> 501 ms
    }

    @Test
    void aSuccessInTheMiddleOfTheFailuresSplitsTheOutageAndTheLongerPartCounts() {
        Traffic.Outage o = Traffic.outage(samples("...xx.xxxxx..."), 120 * MS);
        assertThat(o.outage()).isEqualTo(Duration.ofMillis(300)); // 251 ms -> 551 ms
        assertThat(o.failed()).isEqualTo(5);
    }

    @Test
    void timelineHasOneCharacterPerBucket() {
        List<Traffic.Sample> s = samples("..xx..x.");
        assertThat(Traffic.timeline(s, 0, 400 * MS, Duration.ofMillis(100))).isEqualTo(".x.:");
        assertThat(Traffic.timeline(s, 0, 500 * MS, Duration.ofMillis(100))).isEqualTo(".x.: ");
    }
}
