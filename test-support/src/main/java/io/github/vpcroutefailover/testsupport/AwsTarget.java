package io.github.vpcroutefailover.testsupport;

import java.util.Locale;

/**
 * Where the integration suite sends its AWS calls.
 *
 * <p>Chosen once per JVM from the system property {@code vrf.target} (set by the {@code real-aws} Maven
 * profile) or the environment: any {@code AWS_ENDPOINT_URL*} variable means "those endpoints", nothing means
 * "the local test bed on its default ports".
 */
public enum AwsTarget {
    /** moto server and DynamoDB Local started by {@code scripts/local-aws}; state is reset between tests. */
    LOCAL_EMULATORS,
    /** Endpoints named by {@code AWS_ENDPOINT_URL} / {@code AWS_ENDPOINT_URL_<SERVICE>} (LocalStack, moto elsewhere). */
    CUSTOM_ENDPOINTS,
    /** A real AWS sandbox account through the default credential and region chains; tests clean up after themselves. */
    REAL_AWS;

    public static AwsTarget current() {
        String forced = System.getProperty("vrf.target", "").toLowerCase(Locale.ROOT);
        if (forced.equals("aws")) {
            return REAL_AWS;
        }
        boolean anyEndpoint = System.getenv().keySet().stream().anyMatch(k -> k.startsWith("AWS_ENDPOINT_URL"));
        if (!anyEndpoint) {
            return LOCAL_EMULATORS;
        }
        return Endpoints.isDefaultLocalBed() ? LOCAL_EMULATORS : CUSTOM_ENDPOINTS;
    }

    public boolean isEmulated() {
        return this != REAL_AWS;
    }
}
