package io.github.vpcroutefailover.agent.publish;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Datums waiting to be published, bounded so that a long CloudWatch outage costs a fixed amount of memory.
 * When full, the oldest datums are dropped (they matter least: the controller acts on recent data) and counted.
 */
public final class MetricBuffer<T> {
    private final int capacity;
    private final ArrayDeque<T> items;
    private long dropped;

    public MetricBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.items = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    public synchronized void addAll(List<T> batch) {
        for (T t : batch) {
            if (items.size() == capacity) {
                items.pollFirst();
                dropped++;
            }
            items.addLast(t);
        }
    }

    /** Removes up to {@code max} of the newest items, returned oldest first. */
    public synchronized List<T> takeNewest(int max) {
        int n = Math.min(max, items.size());
        List<T> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(items.pollLast());
        }
        java.util.Collections.reverse(out);
        return out;
    }

    /** Puts back a batch that could not be sent, as the newest items, dropping the oldest if that overflows. */
    public synchronized void putBack(List<T> batch) {
        addAll(batch);
    }

    public synchronized int size() {
        return items.size();
    }

    public int capacity() {
        return capacity;
    }

    /** Items dropped since the buffer was created. */
    public synchronized long dropped() {
        return dropped;
    }
}
