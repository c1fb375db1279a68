package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.app.ClaimStep.Done;
import io.github.vpcroutefailover.app.ClaimStep.Lost;
import io.github.vpcroutefailover.app.ClaimStep.Released;
import io.github.vpcroutefailover.app.ReconcileResult.ActionOutcome;
import io.github.vpcroutefailover.ports.ClaimLostException;

/** What one claim attempt came to. */
sealed interface ClaimStep {
    /** Another writer holds the version we planned on: re-read and re-plan. */
    record Lost(ClaimLostException e) implements ClaimStep {
    }

    /** Our claim did not change EC2 and was released: the route may be retried on fresh state. */
    record Released(ActionOutcome outcome, boolean transientFault) implements ClaimStep {
    }

    record Done(ActionOutcome outcome) implements ClaimStep {
    }
}
