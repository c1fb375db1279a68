package io.github.vpcroutefailover.agent.check;

/** Pass or fail of one run, with a short human reason for the log. */
public record CheckOutcome(boolean passed, String detail) {
    public static CheckOutcome pass(String detail) {
        return new CheckOutcome(true, detail);
    }

    public static CheckOutcome fail(String detail) {
        return new CheckOutcome(false, detail);
    }
}
