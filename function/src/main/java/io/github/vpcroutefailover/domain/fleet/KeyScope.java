package io.github.vpcroutefailover.domain.fleet;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which account and region a record of the shared ownership table belongs to. One table fences every VPC of a
 * deployment, and route table or instance ids are only unique within an account and region, so every key carries
 * its scope.
 *
 * <p>The {@link #HOME} scope (the controller's own account and region, where the table lives) is written with no
 * prefix: that is the key format of every release before multi-VPC configs, so a single-VPC deployment that upgrades
 * keeps reading and fencing its existing records, and nothing needs migrating (docs/ownership-table.md "Keys").
 * Every other scope is written as {@code <account>/<region>/} before the id. A home key never starts with twelve
 * digits and a slash (ids start with a letter), so the two formats cannot be confused.
 */
public record KeyScope(String account, String region) {
    public static final KeyScope HOME = new KeyScope("", "");
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d{1,2}");
    private static final Pattern SCOPED = Pattern.compile("\\d{12}/[^/]+/.*", Pattern.DOTALL);

    public KeyScope {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        if (!(account.isEmpty() && region.isEmpty())) {
            if (!ACCOUNT.matcher(account).matches()) {
                throw new IllegalArgumentException("account '" + account + "' must be 12 digits");
            }
            if (!REGION.matcher(region).matches()) {
                throw new IllegalArgumentException("region '" + region + "' is not a region name like eu-west-1");
            }
        }
    }

    /**
     * The scope of a VPC in {@code account}/{@code region} for a controller whose table is in {@code homeAccount}/
     * {@code homeRegion}: {@link #HOME} when they are the same, so a VPC keeps its keys whether it is reached with a
     * role or not.
     */
    public static KeyScope of(String account, String region, String homeAccount, String homeRegion) {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(region, "region");
        if (account.equals(homeAccount) && region.equals(homeRegion)) {
            return HOME;
        }
        return new KeyScope(account, region);
    }

    public boolean home() {
        return account.isEmpty();
    }

    /** What goes before an id in a key: empty for home, {@code 111122223333/eu-west-1/} otherwise. */
    public String prefix() {
        return home() ? "" : account + "/" + region + "/";
    }

    /** {@code id} as written in this scope's keys. */
    public String scoped(String id) {
        return prefix() + id;
    }

    /**
     * The id inside {@code scopedId} when that key belongs to this scope, else null (a key of another scope, read
     * by a listing that covers several).
     */
    public String unscoped(String scopedId) {
        if (home()) {
            return SCOPED.matcher(scopedId).matches() ? null : scopedId;
        }
        String p = prefix();
        return scopedId.startsWith(p) ? scopedId.substring(p.length()) : null;
    }

    /** The id in a key of any scope (a record read back carries its own key; its scope is known to the reader). */
    public static String unscopedAny(String scopedId) {
        if (!SCOPED.matcher(scopedId).matches()) {
            return scopedId;
        }
        int first = scopedId.indexOf('/');
        return scopedId.substring(scopedId.indexOf('/', first + 1) + 1);
    }

    @Override
    public String toString() {
        return home() ? "home" : account + "/" + region;
    }
}
