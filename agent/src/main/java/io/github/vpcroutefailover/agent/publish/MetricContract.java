package io.github.vpcroutefailover.agent.publish;

import io.github.vpcroutefailover.agent.check.CheckSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The metric contract shared with the controller (docs/agent.md). Every datum has the dimensions
 * {@code InstanceId} and {@code Check} and is high-resolution ({@code StorageResolution=1}).
 */
public final class MetricContract {
    public static final String CHECK_RESULT = "CheckResult";
    public static final String CHECK_LATENCY = "CheckLatency";
    public static final String CHECK_STATE = "CheckState";
    public static final String HEARTBEAT = "Heartbeat";
    public static final String DRAINING = "Draining";
    public static final String DROPPED_DATUMS = "DroppedDatums";
    public static final String DIM_INSTANCE = "InstanceId";
    public static final String DIM_CHECK = "Check";
    /** The Check value of the agent's own metrics; config validation keeps checks from using it. */
    public static final String AGENT_CHECK = "agent";
    static final int HIGH_RESOLUTION = 1;

    private final String instanceId;
    private final boolean publishCheckState;

    public MetricContract(String instanceId, boolean publishCheckState) {
        this.instanceId = instanceId;
        this.publishCheckState = publishCheckState;
    }

    /**
     * One cycle's datums: per check with a result so far CheckResult, CheckLatency (and CheckState), then the
     * agent's Heartbeat and Draining, and DroppedDatums when the buffer dropped any since the last cycle.
     */
    public List<MetricDatum> cycle(Instant at, List<CheckSnapshot> checks, boolean draining, long droppedSinceLast) {
        List<MetricDatum> out = new ArrayList<>(checks.size() * 3 + 3);
        for (CheckSnapshot c : checks) {
            out.add(datum(CHECK_RESULT, c.name(), c.passed() ? 1 : 0, MetricUnit.NONE, at));
            out.add(datum(CHECK_LATENCY, c.name(), c.latencyMillis(), MetricUnit.MILLISECONDS, at));
            if (publishCheckState) {
                out.add(datum(CHECK_STATE, c.name(), c.up() ? 1 : 0, MetricUnit.NONE, at));
            }
        }
        out.add(datum(HEARTBEAT, AGENT_CHECK, 1, MetricUnit.NONE, at));
        out.add(datum(DRAINING, AGENT_CHECK, draining ? 1 : 0, MetricUnit.NONE, at));
        if (droppedSinceLast > 0) {
            out.add(datum(DROPPED_DATUMS, AGENT_CHECK, droppedSinceLast, MetricUnit.COUNT, at));
        }
        return out;
    }

    private MetricDatum datum(String metric, String check, double value, MetricUnit unit, Instant at) {
        return new MetricDatum(metric, List.of(new MetricDatum.Dimension(DIM_INSTANCE, instanceId), new MetricDatum.Dimension(DIM_CHECK, check)),
                value, unit, at, HIGH_RESOLUTION);
    }
}
