package io.github.vpcroutefailover.probe;

import java.time.Instant;
import java.util.Map;

/**
 * Asked by the {@link ProbeLoop} after every regular round which targets' results must be handed to the trigger at
 * once rather than at the next rise/fall crossing (or at the end of the invocation): in production, the data paths
 * whose hop just changed, so a drill or a post-flip check made by another function sees the first result through
 * the new hop within seconds (docs/probe.md "Reporting a new hop"). The watch bounds its own cost (it is called once
 * per round and decides itself when to read anything).
 */
@FunctionalInterface
public interface ReportWatch {
    /**
     * @return target key to the instant after which its first result is reported; the loop also restarts that
     *         target's rise/fall counters (they were about the old hop). Empty: nothing changed.
     */
    Map<String, Instant> due(Instant now);

    ReportWatch NONE = now -> Map.of();
}
