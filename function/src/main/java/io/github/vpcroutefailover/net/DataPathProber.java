package io.github.vpcroutefailover.net;

import io.github.vpcroutefailover.domain.config.CheckSpec;
import io.github.vpcroutefailover.domain.config.DataPathCheck;
import io.github.vpcroutefailover.ports.ProbeResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link CheckSpec.DataPath} check: requests its endpoints at once and passes as soon as one answers, so one
 * endpoint's own outage does not fail a hop (independent endpoints make "the destination is down" unlikely; the
 * planner handles the case where it is). The request leaves through whatever route the probe's subnet has, which is
 * the point: the hop under test is the one that table points at. Never throws; returns within the check's timeout.
 */
final class DataPathProber implements AutoCloseable {
    private final TcpProber tcp;
    private final HttpProber http;
    // Platform threads: a virtual thread can wait for a carrier on a loaded machine long enough to miss the timeout.
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "data-path-probe");
        t.setDaemon(true);
        return t;
    });

    DataPathProber(TcpProber tcp, HttpProber http) {
        this.tcp = tcp;
        this.http = http;
    }

    ProbeResult probe(CheckSpec.DataPath check) {
        long start = System.nanoTime();
        List<DataPathCheck.Endpoint> endpoints = check.endpoints();
        if (endpoints.isEmpty()) {
            return ProbeResult.since(start, false, "no endpoints configured for this path");
        }
        Duration timeout = TcpProber.timeoutOf(check.timeout());
        CompletableFuture<ProbeResult> firstPass = new CompletableFuture<>();
        List<CompletableFuture<ProbeResult>> all = new ArrayList<>();
        for (DataPathCheck.Endpoint e : endpoints) {
            CompletableFuture<ProbeResult> f = CompletableFuture.supplyAsync(() -> one(e, check.name(), timeout), pool);
            f.thenAccept(r -> {
                if (r.passed()) {
                    firstPass.complete(r);
                }
            });
            all.add(f);
        }
        // Dependents of one future run in no promised order: once all are done, look at the results themselves.
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).whenComplete((v, t) -> firstPass.complete(
                all.stream().map(f -> f.getNow(null)).filter(r -> r != null && r.passed()).findFirst().orElse(null)));
        ProbeResult pass;
        try {
            // The endpoint probers honour the timeout themselves; the margin only covers scheduling.
            pass = firstPass.get(TcpProber.timeoutMillis(timeout) + 250, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ProbeResult.since(start, false, "probe interrupted");
        } catch (Exception e) {
            pass = null;
        }
        if (pass != null) {
            return ProbeResult.since(start, true, pass.detail());
        }
        List<String> why = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            ProbeResult r = all.get(i).getNow(null);
            why.add(endpoints.get(i).uri() + ": " + (r == null ? "no answer within " + TcpProber.timeoutMillis(timeout) + " ms" : r.detail()));
        }
        all.forEach(f -> f.cancel(true));
        return ProbeResult.since(start, false, "data path failed, no endpoint answered: " + String.join("; ", why));
    }

    private ProbeResult one(DataPathCheck.Endpoint e, String name, Duration timeout) {
        try {
            if (e.tcp()) {
                ProbeResult r = tcp.connect(e.host(), e.port(), timeout);
                return new ProbeResult(r.passed(), r.latency(), e.uri() + ": " + r.detail());
            }
            // Any 2xx answer proves the path; the endpoint's content is not the hop's business.
            CheckSpec.Http asHttp = new CheckSpec.Http(name, e.scheme(), e.port(), e.path(), 0, null, timeout, timeout.plusMillis(1), 1, 1);
            ProbeResult r = http.probe(e.host(), asHttp);
            return new ProbeResult(r.passed(), r.latency(), e.uri() + ": " + r.detail());
        } catch (RuntimeException ex) {
            return ProbeResult.fail(Duration.ZERO, e.uri() + ": " + ex);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
