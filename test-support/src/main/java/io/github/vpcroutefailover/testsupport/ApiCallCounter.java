package io.github.vpcroutefailover.testsupport;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Counts SDK calls per {@code Service.Operation}, so tests assert on how many API calls a behaviour makes
 * rather than on how long it takes. Counts one per logical call ({@link #calls}) and one per HTTP attempt
 * including retries ({@link #attempts}).
 */
public final class ApiCallCounter implements ExecutionInterceptor {
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> attempts = new ConcurrentHashMap<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.computeIfAbsent(key(attributes), k -> new LongAdder()).increment();
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        attempts.computeIfAbsent(key(attributes), k -> new LongAdder()).increment();
    }

    private static String key(ExecutionAttributes attributes) {
        return attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME) + "."
                + attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    }

    /** Logical calls of one operation, e.g. {@code calls("Ec2.ReplaceRoute")}. */
    public long calls(String serviceDotOperation) {
        LongAdder a = calls.get(serviceDotOperation);
        return a == null ? 0 : a.sum();
    }

    /** HTTP attempts of one operation, retries included. */
    public long attempts(String serviceDotOperation) {
        LongAdder a = attempts.get(serviceDotOperation);
        return a == null ? 0 : a.sum();
    }

    /** Every logical call so far, sorted by name. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        calls.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    /** Calls whose operation name does not start with Describe/Get/List/Query/Scan. */
    public Map<String, Long> mutations() {
        Map<String, Long> out = new TreeMap<>();
        snapshot().forEach((k, v) -> {
            String op = k.substring(k.indexOf('.') + 1);
            if (!(op.startsWith("Describe") || op.startsWith("Get") || op.startsWith("List")
                    || op.startsWith("Query") || op.startsWith("Scan") || op.startsWith("BatchGet"))) {
                out.put(k, v);
            }
        });
        return out;
    }

    public long total() {
        return calls.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public void reset() {
        calls.clear();
        attempts.clear();
    }
}
