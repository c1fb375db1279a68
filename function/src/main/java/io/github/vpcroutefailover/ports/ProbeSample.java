package io.github.vpcroutefailover.ports;

import java.time.Instant;

/** One probe as published to metrics. {@code address} is null when the target's IP could not be resolved. */
public record ProbeSample(String targetKey, String check, String address, Instant at, ProbeResult result) {
}
