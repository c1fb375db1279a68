package io.github.vpcroutefailover.handler;

import java.util.Map;
import java.util.Set;
import org.crac.Core;
import org.crac.Resource;

/**
 * Registers a handler's CRaC priming hook only where a snapshot can be taken. {@code org.crac} reaches Lambda's CRaC
 * context through a generated {@link java.lang.reflect.Proxy}, which costs an on-demand cold start ~15 ms of init for a
 * hook Lambda will never call there (issue #17). Lambda names the kind of initialization in
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE}; the runtime runs CRaC hooks only for {@code snap-start}.
 */
final class SnapshotHooks {
    /** The documented initialization types that are never snapshotted. Any other value, or none, registers. */
    private static final Set<String> NO_SNAPSHOT = Set.of("on-demand", "provisioned-concurrency", "lambda-managed-instances");

    private SnapshotHooks() {
    }

    /**
     * Whether an environment initialized as {@code env} says may be snapshotted. Unknown types and a missing variable
     * (a CRaC-capable JVM outside Lambda, a type Lambda adds later) count as "may": a hook registered in vain costs
     * milliseconds, a missing one a slow restored start.
     */
    static boolean maySnapshot(Map<String, String> env) {
        String type = env.get("AWS_LAMBDA_INITIALIZATION_TYPE");
        return type == null || !NO_SNAPSHOT.contains(type.trim());
    }

    /** Registers {@code resource} with the global CRaC context when {@link #maySnapshot}; says whether it did. */
    static boolean register(Resource resource, Map<String, String> env) {
        if (!maySnapshot(env)) {
            return false;
        }
        Core.getGlobalContext().register(resource);
        return true;
    }
}
