package io.github.vpcroutefailover.agent.publish;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each cycle's datums in one PutMetricData call, splitting only past the API's 1000-datum limit. What
 * cannot be sent stays in a bounded {@link MetricBuffer} and goes out, newest first, with later cycles.
 * Retries within a single call are the sink's business (see {@code CloudWatchQueryClient}).
 */
public final class CloudWatchPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchPublisher.class);
    /** PutMetricData accepts at most 1000 datums per request. */
    public static final int MAX_DATUMS_PER_CALL = 1000;
    /** After an outage the backlog drains a few calls per cycle, so catching up never delays the heartbeat much. */
    static final int MAX_CALLS_PER_CYCLE = 3;

    private final MetricSink sink;
    private final String namespace;
    private final MetricBuffer<MetricDatum> buffer;
    private long rejected;
    private long consecutiveFailures;
    private long droppedReported;

    public CloudWatchPublisher(MetricSink sink, String namespace, int bufferCapacity) {
        this.sink = sink;
        this.namespace = namespace;
        this.buffer = new MetricBuffer<>(bufferCapacity);
    }

    /** What one publish did. */
    public record Result(int calls, int sent, boolean failed, int buffered, long dropped) {
    }

    /** Publishes one cycle: at most {@link #MAX_CALLS_PER_CYCLE} calls, normally exactly one. */
    public Result publish(List<MetricDatum> cycle) {
        return send(cycle, MAX_CALLS_PER_CYCLE, null);
    }

    /**
     * The shutdown publish: the given datums (with Draining=1) go first in one call bounded by {@code budget};
     * the backlog follows only while the budget lasts.
     */
    public Result publishFinal(List<MetricDatum> cycle, Duration budget) {
        return send(cycle, Integer.MAX_VALUE, System.nanoTime() + budget.toNanos());
    }

    private Result send(List<MetricDatum> cycle, int maxCalls, Long deadlineNanos) {
        buffer.addAll(cycle);
        int calls = 0;
        int sent = 0;
        boolean failed = false;
        while (calls < maxCalls && buffer.size() > 0) {
            Duration callTimeout = null;
            if (deadlineNanos != null) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                callTimeout = Duration.ofNanos(left);
            }
            List<MetricDatum> batch = buffer.takeNewest(MAX_DATUMS_PER_CALL);
            calls++;
            try {
                sink.put(namespace, batch, callTimeout == null ? sink.defaultTimeout() : callTimeout);
                sent += batch.size();
                if (consecutiveFailures > 0) {
                    LOG.atInfo().addKeyValue("failedCycles", consecutiveFailures).addKeyValue("buffered", buffer.size()).log("publishing recovered");
                }
                consecutiveFailures = 0;
            } catch (PublishException e) {
                failed = true;
                if (e.rejected()) {
                    // Resending a request CloudWatch calls malformed would fail forever and block newer data.
                    rejected += batch.size();
                    LOG.atError().addKeyValue("datums", batch.size()).addKeyValue("errorCode", e.errorCode()).addKeyValue("error", e.getMessage())
                            .log("CloudWatch rejected datums; dropping them");
                } else {
                    buffer.putBack(batch);
                    noteFailure(e);
                }
                break;
            }
        }
        long dropped = buffer.dropped();
        if (dropped > droppedReported) {
            LOG.atWarn().addKeyValue("droppedSinceLastReport", dropped - droppedReported).addKeyValue("droppedTotal", dropped)
                    .addKeyValue("capacity", buffer.capacity()).log("metric buffer full; dropped oldest datums");
            droppedReported = dropped;
        }
        return new Result(calls, sent, failed, buffer.size(), dropped);
    }

    private void noteFailure(PublishException e) {
        consecutiveFailures++;
        // First failure and then once a minute at 1 s cycles: an outage must be visible without flooding the journal.
        if (consecutiveFailures == 1 || consecutiveFailures % 60 == 0) {
            var event = LOG.atWarn().addKeyValue("consecutiveFailures", consecutiveFailures).addKeyValue("buffered", buffer.size());
            if (e.errorCode() != null) { // a network failure has no CloudWatch error code
                event = event.addKeyValue("errorCode", e.errorCode());
            }
            event.addKeyValue("error", e.getMessage()).log("PutMetricData failed; keeping datums for the next cycle");
        }
    }

    public int buffered() {
        return buffer.size();
    }

    public int bufferCapacity() {
        return buffer.capacity();
    }

    public long dropped() {
        return buffer.dropped();
    }

    /** Datums CloudWatch refused as malformed and that were therefore not retried. */
    public long rejected() {
        return rejected;
    }
}
