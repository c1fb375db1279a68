package io.github.vpcroutefailover.app;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * {@code n} applying reconciles released at once from one start gate, each with its own reconciler (as {@code n}
 * overlapping Lambda invocations would have), caller ids {@code it:0} to {@code it:n-1}.
 */
final class ConcurrentReconciles {
    private ConcurrentReconciles() {
    }

    static List<ReconcileResult> run(int n, Supplier<Reconciler> reconcilers, FailoverConfig config) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<ReconcileResult> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(n)) {
            List<Future<ReconcileResult>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Reconciler r = reconcilers.get();
                String caller = "it:" + i;
                Callable<ReconcileResult> c = () -> {
                    start.await();
                    return r.reconcile(config, ReconcileOptions.apply(caller));
                };
                futures.add(pool.submit(c));
            }
            start.countDown();
            for (Future<ReconcileResult> f : futures) {
                results.add(f.get());
            }
        }
        return results;
    }
}
