package io.github.vpcroutefailover.ports;

import io.github.vpcroutefailover.domain.health.TargetState;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;

/** Health and drain state per target, saved with optimistic versioning. */
public interface TargetStateStore {

    /** Every stored target state, by target key. */
    Map<String, TargetState> loadAll();

    /** Strongly consistent read; targets never stored come back as {@link TargetState#initial}. */
    Map<String, TargetState> load(Collection<String> targetKeys);

    /**
     * Stores {@code state} if the stored version is still {@code state.version()} (0: never stored).
     *
     * @return the state as stored, with its new version
     * @throws StaleStateException when another writer saved first
     */
    TargetState save(TargetState state);

    /** Drains a target (no route will be pointed at it) or, with {@code drain == null}, undrains it. Bumps the version. */
    TargetState setDrain(String targetKey, TargetState.Drain drain, Instant at);
}
