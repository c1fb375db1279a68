package io.github.vpcroutefailover.domain.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An EC2 instance as observed.
 *
 * @param state          EC2 state name: pending, running, stopping, stopped, shutting-down, terminated
 * @param statusImpaired DescribeInstanceStatus reports an impaired system or instance status check
 */
public record ObservedInstance(String instanceId, String state, String zone, Instant launchTime, Map<String, String> tags,
                               List<ObservedEni> enis, boolean statusImpaired) {
    public ObservedInstance {
        tags = Map.copyOf(tags);
        enis = List.copyOf(enis);
    }

    public boolean running() {
        return "running".equals(state);
    }
}
