package io.github.vpcroutefailover.domain.fleet;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import java.util.Objects;

/**
 * One VPC of a deployment and how to reach it: the controller's own account and region (no role, no region), or
 * another account or region through an assumable role. What is managed inside it is an ordinary
 * {@link FailoverConfig}; this record only adds "where", so every table kind a VPC config can hold works in any VPC.
 *
 * @param region     the VPC's region; null for the controller's own region
 * @param roleArn    the role to assume for this VPC's EC2 and CloudWatch calls; null to use the controller's own
 *                   credentials (the VPC is then in the controller's account)
 * @param externalId the external id the role's trust policy requires; null when it requires none
 */
public record VpcSite(String region, String roleArn, String externalId, FailoverConfig config) {
    public VpcSite {
        Objects.requireNonNull(config, "config");
        if (externalId != null && roleArn == null) {
            throw new IllegalArgumentException("an external id needs a role to assume");
        }
    }

    /** A VPC in the controller's own account and region: the single-VPC config of earlier releases. */
    public static VpcSite home(FailoverConfig config) {
        return new VpcSite(null, null, null, config);
    }

    public String vpcId() {
        return config.vpcId();
    }

    /** The account of the role (the fifth field of its ARN), or null when the VPC is in the controller's account. */
    public String account() {
        return roleArn == null ? null : accountOf(roleArn);
    }

    /** The key scope of this VPC's records, for a controller in {@code homeAccount}/{@code homeRegion}. */
    public KeyScope scope(String homeAccount, String homeRegion) {
        String account = account() == null ? homeAccount : account();
        String r = region == null ? homeRegion : region;
        return KeyScope.of(account, r, homeAccount, homeRegion);
    }

    /** Whether telling the scope may need the controller's own account: a role (maybe into this account) or a region. */
    public boolean needsHomeAccount() {
        return roleArn != null || region != null;
    }

    /** "vpc-0abc" or "vpc-0abc (111122223333/eu-west-1)": how logs and results name it. */
    public String label() {
        if (roleArn == null && region == null) {
            return vpcId();
        }
        return vpcId() + " (" + (roleArn == null ? "home" : account()) + "/" + (region == null ? "home" : region) + ")";
    }

    static String accountOf(String roleArn) {
        String[] parts = roleArn.split(":", 6);
        if (parts.length < 6 || !parts[4].matches("\\d{12}")) {
            throw new IllegalArgumentException("role ARN '" + roleArn + "' has no 12-digit account");
        }
        return parts[4];
    }
}
