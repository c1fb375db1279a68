package io.github.vpcroutefailover.agent.check;

/**
 * HAProxy-style hysteresis: the state goes up after {@code rise} passes in a row and down after {@code fall}
 * failures in a row. It starts down: a freshly started instance has to prove itself before it attracts a route.
 */
public final class RiseFall {
    private final int rise;
    private final int fall;
    private boolean up;
    private int streak;

    public RiseFall(int rise, int fall) {
        this.rise = rise;
        this.fall = fall;
    }

    /** Records one raw result; returns true when the state changed. */
    public boolean record(boolean passed) {
        if (passed == up) {
            streak = 0;
            return false;
        }
        streak++;
        if (streak >= (passed ? rise : fall)) {
            up = passed;
            streak = 0;
            return true;
        }
        return false;
    }

    public boolean up() {
        return up;
    }
}
