package io.github.vpcroutefailover.app;

import java.time.Duration;
import java.util.Objects;

/**
 * @param dryRun               plan and report; write nothing to EC2 or DynamoDB
 * @param validateWithEc2DryRun in a dry run, also send each EC2 change with {@code DryRun=true}, which checks
 *                             permissions and parameters (EC2 answers DryRunOperation when the call would succeed)
 * @param caller               who runs this reconcile, recorded in ownership and history ("lambda:<request id>", "cli:alice")
 * @param claimLease           how long a PENDING claim blocks other writers before it counts as abandoned
 * @param maxClaimAttempts     claims per route per reconcile; a lost claim re-reads and re-plans that route, a
 *                             released one (the change did not reach EC2) is retried on fresh state
 * @param claimBudget          how long one claim may take from claim to settle: the claim's recorded deadline is at
 *                             most this far ahead, and its calls are bounded by it; a PENDING record past its
 *                             deadline is abandoned and repaired by the next reconcile
 */
public record ReconcileOptions(boolean dryRun, boolean validateWithEc2DryRun, String caller, Duration claimLease,
                               int maxClaimAttempts, Duration claimBudget) {
    /** Only for PENDING records written before claims carried a deadline. */
    public static final Duration DEFAULT_CLAIM_LEASE = Duration.ofSeconds(60);
    /**
     * Claim, source/dest fix, ReplaceRoute (and a CreateRoute fallback), the settle transaction and, after a failure,
     * one table read: each a few hundred ms, with room for the SDK's retries of a throttled call.
     */
    public static final Duration DEFAULT_CLAIM_BUDGET = Duration.ofSeconds(20);

    public ReconcileOptions(boolean dryRun, boolean validateWithEc2DryRun, String caller, Duration claimLease, int maxClaimAttempts) {
        this(dryRun, validateWithEc2DryRun, caller, claimLease, maxClaimAttempts, DEFAULT_CLAIM_BUDGET);
    }

    public ReconcileOptions {
        Objects.requireNonNull(caller, "caller");
        if (claimLease == null || claimLease.isNegative() || claimLease.isZero()) {
            throw new IllegalArgumentException("claimLease must be positive, was " + claimLease);
        }
        if (maxClaimAttempts < 1) {
            throw new IllegalArgumentException("maxClaimAttempts must be at least 1, was " + maxClaimAttempts);
        }
        if (claimBudget == null || claimBudget.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("claimBudget must be at least 1s, was " + claimBudget);
        }
        if (validateWithEc2DryRun && !dryRun) {
            throw new IllegalArgumentException("validateWithEc2DryRun only makes sense with dryRun");
        }
    }

    public static ReconcileOptions apply(String caller) {
        return new ReconcileOptions(false, false, caller, DEFAULT_CLAIM_LEASE, 3);
    }

    public static ReconcileOptions dryRun(String caller) {
        return new ReconcileOptions(true, false, caller, DEFAULT_CLAIM_LEASE, 3);
    }

    public ReconcileOptions withEc2DryRun() {
        return new ReconcileOptions(true, true, caller, claimLease, maxClaimAttempts, claimBudget);
    }

    public ReconcileOptions withClaimBudget(Duration budget) {
        return new ReconcileOptions(dryRun, validateWithEc2DryRun, caller, claimLease, maxClaimAttempts, budget);
    }

    public ReconcileOptions withClaimLease(Duration lease) {
        return new ReconcileOptions(dryRun, validateWithEc2DryRun, caller, lease, maxClaimAttempts, claimBudget);
    }
}
