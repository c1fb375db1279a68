package io.github.vpcroutefailover.aws.light;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;

/**
 * Where a light client sends its calls, the way the SDK resolves it for a client without an explicit override:
 * {@code aws.endpointUrl<Service>} / {@code AWS_ENDPOINT_URL_<SERVICE>}, then {@code aws.endpointUrl} /
 * {@code AWS_ENDPOINT_URL} (unless {@code AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true}), else the regional endpoint
 * {@code https://<prefix>.<region>.<partition's DNS suffix>}. Profile files, FIPS and dual-stack are not read here:
 * where any can be in effect, {@link LightSettings} has the factory build the SDK's generated client instead.
 */
final class LightEndpoints {
    private LightEndpoints() {
    }

    /**
     * @param serviceEnv the service's suffix in the environment variable ("EC2", "DYNAMODB")
     * @param serviceProperty the service's suffix in the system property ("Ec2", "DynamoDb")
     */
    static URI resolve(String serviceEnv, String serviceProperty, String hostPrefix, Region region,
                       Map<String, String> env, UnaryOperator<String> properties) {
        if (!"true".equalsIgnoreCase(first(properties.apply("aws.ignoreConfiguredEndpointUrls"),
                env.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")))) {
            String configured = first(properties.apply("aws.endpointUrl" + serviceProperty), env.get("AWS_ENDPOINT_URL_" + serviceEnv),
                    properties.apply("aws.endpointUrl"), env.get("AWS_ENDPOINT_URL"));
            if (configured != null) {
                return parse(configured, serviceEnv);
            }
        }
        String suffix = Optional.ofNullable(PartitionMetadata.of(region)).map(PartitionMetadata::dnsSuffix).orElse("amazonaws.com");
        return URI.create("https://" + hostPrefix + "." + region.id().toLowerCase(Locale.ROOT) + "." + suffix);
    }

    static URI resolve(String serviceEnv, String serviceProperty, String hostPrefix, Region region) {
        return resolve(serviceEnv, serviceProperty, hostPrefix, region, System.getenv(), System::getProperty);
    }

    private static URI parse(String value, String serviceEnv) {
        try {
            URI u = URI.create(value.trim());
            if (u.getScheme() == null || u.getHost() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https"))) {
                throw new IllegalArgumentException("not an http(s) URL with a host");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("AWS_ENDPOINT_URL(_" + serviceEnv + ") is '" + value + "': " + e.getMessage()
                    + "; set it to the endpoint's URL, e.g. http://127.0.0.1:5000, or unset it for the regional endpoint", e);
        }
    }

    private static String first(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
