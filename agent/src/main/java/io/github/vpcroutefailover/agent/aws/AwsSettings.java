package io.github.vpcroutefailover.agent.aws;

import io.github.vpcroutefailover.agent.config.AgentConfig;
import java.net.URI;
import java.time.Clock;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Region, endpoint and credentials for the agent's CloudWatch client, resolved the way the AWS SDKs do for
 * the cases the agent meets: the config file first, then the standard environment variables
 * ({@code AWS_REGION}, {@code AWS_ENDPOINT_URL_CLOUDWATCH}, {@code AWS_ENDPOINT_URL}, {@code AWS_USE_FIPS_ENDPOINT}),
 * then the instance's own metadata. The endpoint must be HTTPS (the requests carry the session token) unless
 * {@value #ALLOW_HTTP_ENDPOINT}{@code =true}, which only a local test bed sets.
 */
public final class AwsSettings {
    private static final Pattern REGION = Pattern.compile("[a-z]{2,5}(-[a-z]+)+-\\d{1,2}");
    /** Environment variable allowing an {@code http://} CloudWatch endpoint: for a local test bed (emulators) only. */
    public static final String ALLOW_HTTP_ENDPOINT = "VRF_AGENT_ALLOW_HTTP_ENDPOINT";

    private AwsSettings() {
    }

    /** The CloudWatch client for this config, or an {@link IllegalStateException} that says what to set. */
    public static CloudWatchQueryClient cloudWatch(AgentConfig config, Function<String, String> env, Imds imds, Clock clock) {
        String region = region(config.region(), env, imds);
        URI endpoint = cloudWatchEndpoint(config.endpoint(), region, env);
        CredentialsProvider credentials = DefaultCredentials.create(env, () -> imds, clock);
        var p = config.publish();
        return new CloudWatchQueryClient(endpoint, region, credentials, p.connectTimeout(), p.socketTimeout(), p.apiCallTimeout(), clock);
    }

    static String region(String configured, Function<String, String> env, Imds imds) {
        String r = configured != null ? configured : firstSet(env, "AWS_REGION", "AWS_DEFAULT_REGION");
        if (r == null && !Imds.disabled(env)) {
            r = imds.read("/latest/meta-data/placement/region", "region (none in the config or AWS_REGION)",
                    "set 'region: <region>' in the agent config or AWS_REGION in its environment.");
        }
        if (r == null) {
            throw new IllegalStateException("No AWS region: none in the config or AWS_REGION, and IMDS is disabled. Fix: set 'region: <region>' in the "
                    + "agent config or AWS_REGION in its environment.");
        }
        if (!REGION.matcher(r).matches()) {
            throw new IllegalStateException("'" + r + "' is not an AWS region name. Fix: use a name such as eu-west-1 in 'region:' or AWS_REGION.");
        }
        return r;
    }

    static URI cloudWatchEndpoint(URI configured, String region, Function<String, String> env) {
        if (configured != null) {
            return requireHttps(configured, "the config's 'endpoint'", env);
        }
        if (!"true".equalsIgnoreCase(trimmed(env.apply("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))) {
            for (String name : new String[] {"AWS_ENDPOINT_URL_CLOUDWATCH", "AWS_ENDPOINT_URL"}) {
                String fromEnv = firstSet(env, name);
                if (fromEnv != null) {
                    return requireHttps(URI.create(fromEnv), name, env);
                }
            }
        }
        boolean fips = "true".equalsIgnoreCase(trimmed(env.apply("AWS_USE_FIPS_ENDPOINT")));
        String suffix = dnsSuffix(region);
        // GovCloud's standard CloudWatch endpoint is its FIPS endpoint; elsewhere FIPS has its own host name.
        String host = (fips && !region.startsWith("us-gov-") ? "monitoring-fips." : "monitoring.") + region + "." + suffix;
        return URI.create("https://" + host);
    }

    /**
     * The agent signs its requests and sends the instance role's session token with each: over plain HTTP both travel
     * in clear. Only an explicit opt-in for a local test bed lets an {@code http://} endpoint through.
     */
    static URI requireHttps(URI endpoint, String source, Function<String, String> env) {
        if ("https".equalsIgnoreCase(endpoint.getScheme())) {
            return endpoint;
        }
        if ("http".equalsIgnoreCase(endpoint.getScheme()) && "true".equalsIgnoreCase(trimmed(env.apply(ALLOW_HTTP_ENDPOINT)))) {
            return endpoint;
        }
        throw new IllegalStateException("The CloudWatch endpoint " + endpoint + " from " + source + " is not HTTPS; the agent's requests carry "
                + "the instance role's session token, which must not travel in clear. Fix: use an https:// endpoint (an interface VPC "
                + "endpoint is https://vpce-...monitoring.<region>.vpce.amazonaws.com), or, for a local test bed only, set "
                + ALLOW_HTTP_ENDPOINT + "=true in the agent's environment.");
    }

    /** The partitions' DNS suffixes (the SDK's endpoints.json); everything else is the commercial partition. */
    static String dnsSuffix(String region) {
        if (region.startsWith("cn-")) {
            return "amazonaws.com.cn";
        }
        if (region.startsWith("us-isob-")) {
            return "sc2s.sgov.gov";
        }
        if (region.startsWith("us-isof-")) {
            return "csp.hci.ic.gov";
        }
        if (region.startsWith("us-iso-")) {
            return "c2s.ic.gov";
        }
        if (region.startsWith("eu-isoe-")) {
            return "cloud.adc-e.uk";
        }
        if (region.startsWith("eusc-")) {
            return "amazonaws.eu";
        }
        return "amazonaws.com";
    }

    private static String firstSet(Function<String, String> env, String... names) {
        for (String n : names) {
            String v = trimmed(env.apply(n));
            if (v != null && !v.isEmpty()) {
                return v;
            }
        }
        return null;
    }

    private static String trimmed(String s) {
        return s == null ? null : s.trim();
    }
}
