package io.github.vpcroutefailover.aws.sts;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/**
 * Credentials for a VPC in another account (or reached through its own role): the controller assumes the VPC's
 * role with STS, once, and keeps the credentials until shortly before they expire. The SDK's provider does the
 * caching: it refreshes {@link #PREFETCH} before expiry on the calling thread, and refuses stale credentials
 * {@link #STALE} before it, so a long reconcile never signs with credentials about to expire. One provider per
 * VPC (and so one AssumeRole per role per hour and execution environment, not per reconcile).
 *
 * <p>The STS calls are made on the thread that needs the credentials, under that VPC's deadline: a role that
 * cannot be assumed (AccessDenied, a wrong external id, STS throttling) fails only that VPC's calls.
 */
public final class AssumedRoles {
    /** Long enough to serve many reconciles, short enough that a revoked trust takes effect within the hour. */
    public static final Duration SESSION = Duration.ofHours(1);
    public static final Duration PREFETCH = Duration.ofMinutes(5);
    public static final Duration STALE = Duration.ofMinutes(2);
    private static final Pattern SESSION_NAME_CHARS = Pattern.compile("[^A-Za-z0-9+=,.@_-]");

    private AssumedRoles() {
    }

    /**
     * @param sessionLabel names the session in the member account's CloudTrail (we pass the VPC id)
     */
    public static StsAssumeRoleCredentialsProvider provider(StsClient sts, String roleArn, String externalId, String sessionLabel) {
        Objects.requireNonNull(sts, "sts");
        Objects.requireNonNull(roleArn, "roleArn");
        String session = sessionName(sessionLabel);
        return StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .asyncCredentialUpdateEnabled(false)
                .prefetchTime(PREFETCH)
                .staleTime(STALE)
                .refreshRequest(r -> r.roleArn(roleArn).externalId(externalId).roleSessionName(session)
                        .durationSeconds((int) SESSION.toSeconds()))
                .build();
    }

    /** "vrf-" + the label, reduced to what STS accepts (2-64 characters of letters, digits and +=,.@_-). */
    static String sessionName(String label) {
        String s = "vrf-" + SESSION_NAME_CHARS.matcher(label == null ? "" : label).replaceAll("_");
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    /** The account the controller's own credentials belong to (one GetCallerIdentity). */
    public static String callerAccount(StsClient sts) {
        return sts.getCallerIdentity().account();
    }
}
