package io.github.vpcroutefailover.testsupport;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * Resolves the endpoint for a service the same way the AWS SDK v2 does from the environment
 * ({@code AWS_ENDPOINT_URL_<SERVICE_ID>} first, then {@code AWS_ENDPOINT_URL}), falling back to the local
 * test bed's default ports so that a plain {@code mvn verify} after {@code scripts/local-aws start} works.
 */
public final class Endpoints {
    public static final URI DEFAULT_MOTO = URI.create("http://127.0.0.1:" + envOr("MOTO_PORT", "5055"));
    public static final URI DEFAULT_DYNAMODB = URI.create("http://127.0.0.1:" + envOr("DYNAMODB_PORT", "8000"));

    private Endpoints() {
    }

    /** The endpoint configured in the environment for the given SDK service id (e.g. "EC2", "DynamoDB"). */
    public static Optional<URI> configured(String serviceId) {
        String key = "AWS_ENDPOINT_URL_" + serviceId.toUpperCase(Locale.ROOT).replace(' ', '_');
        String specific = System.getenv(key);
        if (specific != null && !specific.isBlank()) {
            return Optional.of(URI.create(specific.trim()));
        }
        String global = System.getenv("AWS_ENDPOINT_URL");
        return global == null || global.isBlank() ? Optional.empty() : Optional.of(URI.create(global.trim()));
    }

    /** The endpoint tests use for a service when not running against real AWS. */
    public static URI forService(String serviceId) {
        return configured(serviceId).orElse(serviceId.equalsIgnoreCase("DynamoDB") ? DEFAULT_DYNAMODB : DEFAULT_MOTO);
    }

    static boolean isDefaultLocalBed() {
        return forService("EC2").equals(DEFAULT_MOTO) && forService("DynamoDB").equals(DEFAULT_DYNAMODB);
    }

    private static String envOr(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}
