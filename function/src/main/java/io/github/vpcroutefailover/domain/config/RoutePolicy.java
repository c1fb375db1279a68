package io.github.vpcroutefailover.domain.config;

import java.time.Duration;

/**
 * How a route chooses among candidates.
 *
 * @param zoneAffinity     a table in AZ a prefers a healthy candidate in AZ a, else the least-loaded healthy
 *                         candidate elsewhere (as aws-nat-router)
 * @param failBack         whether and when to return to a more preferred candidate once it is healthy again
 * @param preempt          false: only take the route from an unhealthy (or missing) holder, never from a healthy
 *                         one, even a less preferred one (AWSnycast's {@code if_unhealthy})
 * @param whenNoneHealthy  what to do when no candidate is healthy
 */
public record RoutePolicy(boolean zoneAffinity, FailBack failBack, boolean preempt, WhenNoneHealthy whenNoneHealthy) {

    public static RoutePolicy defaults() {
        return new RoutePolicy(true, FailBack.after(Duration.ofMinutes(5)), true, WhenNoneHealthy.KEEP);
    }

    /** Fail-back: {@code never}, or {@code after} the preferred candidate has been healthy for {@code holdTime}. */
    public record FailBack(boolean enabled, Duration holdTime) {
        public static FailBack never() {
            return new FailBack(false, Duration.ZERO);
        }

        public static FailBack after(Duration holdTime) {
            return new FailBack(true, holdTime);
        }
    }

    public enum WhenNoneHealthy {
        /** Leave the route as it is (AWSnycast's {@code never_delete}). */
        KEEP,
        /** Point it at the first available fallback target; with none configured this is an error in the config. */
        FALLBACK,
        /** Delete the route, so a less specific one (a VPN /24, say) takes over, as anycastd withdraws a prefix. */
        WITHDRAW
    }
}
