package io.github.vpcroutefailover.domain.health;

import java.time.Instant;

/**
 * One raw check result for one target.
 *
 * @param targetKey instance id (or ENI / gateway id) the result is about
 * @param check     the configured check name it answers
 * @param passed    the raw result
 * @param hard      a failure that must not wait for {@code fall} (instance stopped, alarm in ALARM, agent draining)
 * @param at        when it was observed; older-than-last observations are ignored, which makes duplicate and
 *                  out-of-order deliveries harmless
 * @param source    "agent-metric", "probe", "ec2", "alarm", "manual", ...
 * @param detail    human-readable, e.g. "connect timed out after 1000 ms"
 */
public record Observation(String targetKey, String check, boolean passed, boolean hard, Instant at, String source, String detail) {
}
