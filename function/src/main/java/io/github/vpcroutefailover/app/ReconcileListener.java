package io.github.vpcroutefailover.app;

import java.time.Duration;

/** Observes every reconcile the controller runs (metrics). */
public interface ReconcileListener {

    void reconciled(ReconcileResult result, Duration took);

    void failed(RuntimeException error, Duration took);

    /** A failover drill of {@code route} ended (the {@code drill} manual action); metrics count passes and failures. */
    default void drilled(String route, boolean passed) {
    }

    static ReconcileListener none() {
        return new ReconcileListener() {
            @Override
            public void reconciled(ReconcileResult result, Duration took) {
            }

            @Override
            public void failed(RuntimeException error, Duration took) {
            }
        };
    }
}
