package io.github.vpcroutefailover.aws.light;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Whether a setting the light clients do not read can be in effect, in which case the SDK's generated client must
 * be built instead so the user gets exactly what it would do: FIPS or dual-stack endpoints (system property, then
 * environment variable, as the SDK reads them), or a shared config or credentials file that exists at all (its
 * profile may set {@code use_fips_endpoint}, {@code use_dualstack_endpoint}, {@code endpoint_url} or a
 * {@code services} section; reading it would load the SDK's profile machinery, the cost the light clients avoid).
 * Checked with plain environment and property reads, no SDK class loaded. Lambda has neither file nor setting.
 */
final class LightSettings {
    private LightSettings() {
    }

    /** The setting that rules the light clients out, named for the log line; empty when none can be in effect. */
    static Optional<String> sdkRequiredBy(Map<String, String> env, UnaryOperator<String> properties) {
        for (String[] flag : new String[][] {{"aws.useFipsEndpoint", "AWS_USE_FIPS_ENDPOINT"},
                {"aws.useDualstackEndpoint", "AWS_USE_DUALSTACK_ENDPOINT"}}) {
            Optional<String> on = on(flag[0], flag[1], env, properties);
            if (on.isPresent()) {
                return on;
            }
        }
        String home = firstNonBlank(env.get("HOME"), properties.apply("user.home"));
        for (String[] file : new String[][] {{"aws.configFile", "AWS_CONFIG_FILE", "config"},
                {"aws.sharedCredentialsFile", "AWS_SHARED_CREDENTIALS_FILE", "credentials"}}) {
            String configured = firstNonBlank(properties.apply(file[0]), env.get(file[1]));
            String where = configured != null ? configured : home == null ? null : home + "/.aws/" + file[2];
            if (where != null && exists(where, home)) {
                return Optional.of((configured != null ? file[1] + "/" + file[0] + "=" : "") + where + " exists");
            }
        }
        return Optional.empty();
    }

    static Optional<String> sdkRequiredBy() {
        return sdkRequiredBy(System.getenv(), System::getProperty);
    }

    /**
     * The SDK takes the property if it is set at all, else the variable; trimmed, "true" or "false" in any case, and
     * anything else, blank included, makes it refuse to build. So anything but unset or "false" is left to the SDK:
     * an invalid value then fails at init with the SDK's own message, as it would for every other client.
     */
    private static Optional<String> on(String property, String variable, Map<String, String> env, UnaryOperator<String> properties) {
        String p = properties.apply(property);
        boolean fromProperty = p != null;
        String value = fromProperty ? p : env.get(variable);
        if (value == null || value.trim().equalsIgnoreCase("false")) {
            return Optional.empty();
        }
        return Optional.of((fromProperty ? property : variable) + "=" + value.trim());
    }

    /** A leading {@code ~} is the home directory, as the SDK expands it. */
    private static boolean exists(String path, String home) {
        String expanded = home != null && (path.equals("~") || path.startsWith("~/")) ? home + path.substring(1) : path;
        try {
            return Files.exists(Path.of(expanded));
        } catch (InvalidPathException e) {
            return true; // not ours to judge: the SDK reports it
        }
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b != null && !b.isBlank() ? b : null;
    }
}
