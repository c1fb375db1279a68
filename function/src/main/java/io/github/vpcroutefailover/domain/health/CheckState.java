package io.github.vpcroutefailover.domain.health;

import java.time.Instant;

/**
 * Persisted rise/fall state of one check on one target.
 *
 * @param passes     consecutive passes since the last failure
 * @param failures   consecutive failures since the last pass
 * @param lastAt     time of the newest observation applied (older ones are ignored)
 * @param changedAt  when {@code health} last changed
 */
public record CheckState(Health health, int passes, int failures, Instant lastAt, Instant changedAt, String detail) {
    public static CheckState unknown() {
        return new CheckState(Health.UNKNOWN, 0, 0, Instant.EPOCH, Instant.EPOCH, "no observation yet");
    }
}
