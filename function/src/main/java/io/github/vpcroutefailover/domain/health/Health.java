package io.github.vpcroutefailover.domain.health;

/** Health after rise/fall hysteresis. UNKNOWN: not enough observations yet to say either. */
public enum Health {
    HEALTHY,
    UNHEALTHY,
    UNKNOWN
}
