package io.github.vpcroutefailover.agent.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class MetricBufferTest {
    private static List<Integer> range(int from, int to) {
        return IntStream.range(from, to).boxed().toList();
    }

    @Test
    void neverExceedsCapacityAndCountsEveryDrop() {
        MetricBuffer<Integer> b = new MetricBuffer<>(10);
        b.addAll(range(0, 7));
        assertThat(b.size()).isEqualTo(7);
        assertThat(b.dropped()).isZero();
        b.addAll(range(7, 25));
        assertThat(b.size()).isEqualTo(10);
        assertThat(b.dropped()).isEqualTo(15);
        // the oldest went first: what is left is the newest ten
        assertThat(b.takeNewest(100)).containsExactlyElementsOf(range(15, 25));
    }

    @Test
    void takeNewestAndPutBackKeepOrder() {
        MetricBuffer<Integer> b = new MetricBuffer<>(10);
        b.addAll(range(0, 10));
        List<Integer> newest = b.takeNewest(4);
        assertThat(newest).containsExactly(6, 7, 8, 9);
        b.putBack(newest);
        assertThat(b.size()).isEqualTo(10);
        assertThat(b.dropped()).isZero();
        assertThat(b.takeNewest(10)).containsExactlyElementsOf(range(0, 10));
    }
}
