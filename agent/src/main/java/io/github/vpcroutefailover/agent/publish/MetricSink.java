package io.github.vpcroutefailover.agent.publish;

import java.time.Duration;
import java.util.List;

/** Where datums go: CloudWatch's PutMetricData in production. One call per batch of at most 1000 datums. */
public interface MetricSink {
    /**
     * Sends one batch, retrying transient failures within {@code timeout}.
     *
     * @throws PublishException if the batch was not accepted; {@link PublishException#rejected()} says whether
     *                          resending it could ever succeed
     */
    void put(String namespace, List<MetricDatum> batch, Duration timeout) throws PublishException;

    /** The bound on one call when the caller has no tighter one. */
    Duration defaultTimeout();
}
