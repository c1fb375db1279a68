package io.github.vpcroutefailover.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Region, endpoint and credential resolution: what the SDKs do, for the variables the agent honours. */
class AwsSettingsTest {
    /** An IMDS that must not be asked: nothing listens on port 9 of 127.0.0.1. */
    private static final Imds UNREACHABLE = new Imds(URI.create("http://127.0.0.1:9"), Duration.ofMillis(200));

    private static Function<String, String> env(String... kv) {
        Map<String, String> m = new java.util.HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m::get;
    }

    @Test
    void regionComesFromConfigThenEnvironment() {
        assertThat(AwsSettings.region("eu-west-1", env("AWS_REGION", "us-east-1"), UNREACHABLE)).isEqualTo("eu-west-1");
        assertThat(AwsSettings.region(null, env("AWS_REGION", "us-east-2", "AWS_DEFAULT_REGION", "us-west-1"), UNREACHABLE)).isEqualTo("us-east-2");
        assertThat(AwsSettings.region(null, env("AWS_DEFAULT_REGION", "us-west-1"), UNREACHABLE)).isEqualTo("us-west-1");
    }

    @Test
    void noRegionAnywhereSaysWhatToSet() {
        assertThatThrownBy(() -> AwsSettings.region(null, env(), UNREACHABLE)).isInstanceOf(MetadataUnavailableException.class)
                .hasMessageContaining("after " + Imds.START_ATTEMPTS + " attempts").hasMessageContaining("Fix: set 'region: <region>'");
        assertThatThrownBy(() -> AwsSettings.region(null, env("AWS_EC2_METADATA_DISABLED", "true"), UNREACHABLE))
                .isNotInstanceOf(MetadataUnavailableException.class).hasMessageContaining("IMDS is disabled");
        assertThatThrownBy(() -> AwsSettings.region("Ireland", env(), UNREACHABLE)).hasMessageContaining("not an AWS region name");
    }

    @ParameterizedTest
    @CsvSource({
            "us-east-1, false, https://monitoring.us-east-1.amazonaws.com",
            "us-east-1, true, https://monitoring-fips.us-east-1.amazonaws.com",
            "us-gov-west-1, true, https://monitoring.us-gov-west-1.amazonaws.com",
            "cn-northwest-1, false, https://monitoring.cn-northwest-1.amazonaws.com.cn",
            "us-iso-east-1, false, https://monitoring.us-iso-east-1.c2s.ic.gov",
            "us-isob-east-1, false, https://monitoring.us-isob-east-1.sc2s.sgov.gov",
            "eu-isoe-west-1, false, https://monitoring.eu-isoe-west-1.cloud.adc-e.uk",
            "eusc-de-east-1, false, https://monitoring.eusc-de-east-1.amazonaws.eu",
            "il-central-1, false, https://monitoring.il-central-1.amazonaws.com"})
    void regionalEndpointsFollowThePartitions(String region, boolean fips, String endpoint) {
        assertThat(AwsSettings.cloudWatchEndpoint(null, region, env("AWS_USE_FIPS_ENDPOINT", String.valueOf(fips)))).isEqualTo(URI.create(endpoint));
    }

    @Test
    void endpointOverridesFollowTheSdkPrecedence() {
        URI configured = URI.create("https://vpce-1.monitoring.eu-west-1.vpce.amazonaws.com");
        Function<String, String> both = env("AWS_ENDPOINT_URL_CLOUDWATCH", "http://127.0.0.1:5055", "AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                AwsSettings.ALLOW_HTTP_ENDPOINT, "true");
        assertThat(AwsSettings.cloudWatchEndpoint(configured, "eu-west-1", both)).isEqualTo(configured);
        assertThat(AwsSettings.cloudWatchEndpoint(null, "eu-west-1", both)).isEqualTo(URI.create("http://127.0.0.1:5055"));
        assertThat(AwsSettings.cloudWatchEndpoint(null, "eu-west-1", env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", AwsSettings.ALLOW_HTTP_ENDPOINT, "true")))
                .isEqualTo(URI.create("http://127.0.0.1:4566"));
        assertThat(AwsSettings.cloudWatchEndpoint(null, "eu-west-1", env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")))
                .isEqualTo(URI.create("https://monitoring.eu-west-1.amazonaws.com"));
    }

    @Test
    void aPlainHttpEndpointIsRefusedUnlessTheTestBedOptsIn() {
        // Wherever it comes from: the config file, the service variable, the global variable.
        assertThatThrownBy(() -> AwsSettings.cloudWatchEndpoint(URI.create("http://monitoring.eu-west-1.amazonaws.com"), "eu-west-1", env()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not HTTPS").hasMessageContaining("the config's 'endpoint'")
                .hasMessageContaining(AwsSettings.ALLOW_HTTP_ENDPOINT + "=true");
        assertThatThrownBy(() -> AwsSettings.cloudWatchEndpoint(null, "eu-west-1", env("AWS_ENDPOINT_URL_CLOUDWATCH", "http://10.0.0.5")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AWS_ENDPOINT_URL_CLOUDWATCH");
        assertThatThrownBy(() -> AwsSettings.cloudWatchEndpoint(null, "eu-west-1", env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566")))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("AWS_ENDPOINT_URL");
        // Only "true" opts in, and it never makes another scheme acceptable.
        assertThatThrownBy(() -> AwsSettings.cloudWatchEndpoint(null, "eu-west-1", env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566",
                AwsSettings.ALLOW_HTTP_ENDPOINT, "yes"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> AwsSettings.cloudWatchEndpoint(URI.create("ftp://127.0.0.1"), "eu-west-1", env(AwsSettings.ALLOW_HTTP_ENDPOINT, "true")))
                .isInstanceOf(IllegalStateException.class);
        assertThat(AwsSettings.cloudWatchEndpoint(URI.create("HTTPS://vpce-1.monitoring.eu-west-1.vpce.amazonaws.com"), "eu-west-1", env()))
                .hasScheme("HTTPS");
    }

    @Test
    void theWholeResolutionRefusesHttpBeforeAnyRequest() {
        var config = io.github.vpcroutefailover.agent.config.ConfigLoader.parse("""
                region: us-east-1
                endpoint: http://127.0.0.1:9
                checks: [{name: web, type: tcp, host: 127.0.0.1, port: 9}]
                """, "test.yaml");
        assertThatThrownBy(() -> AwsSettings.cloudWatch(config, env(), UNREACHABLE, Clock.systemUTC()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("is not HTTPS");
    }

    @Test
    void credentialsFromTheEnvironmentComeFirst() {
        CredentialsProvider p = DefaultCredentials.create(env("AWS_ACCESS_KEY_ID", "AKID", "AWS_SECRET_ACCESS_KEY", "s", "AWS_SESSION_TOKEN", "t"),
                () -> UNREACHABLE, Clock.systemUTC());
        assertThat(p.credentials()).isEqualTo(new AwsCredentials("AKID", "s", "t", null));
        assertThat(p.source()).isEqualTo("environment variables");
        assertThat(DefaultCredentials.create(env(), () -> UNREACHABLE, Clock.systemUTC())).isInstanceOf(ImdsCredentials.class);
    }

    @Test
    void halfSetOrDisabledCredentialsFailAtStartWithTheFix() {
        assertThatThrownBy(() -> DefaultCredentials.create(env("AWS_ACCESS_KEY_ID", "AKID"), () -> UNREACHABLE, Clock.systemUTC()))
                .isInstanceOf(CredentialsException.class).hasMessageContaining("Fix: set both");
        assertThatThrownBy(() -> DefaultCredentials.create(env("AWS_EC2_METADATA_DISABLED", "true"), () -> UNREACHABLE, Clock.systemUTC()))
                .isInstanceOf(CredentialsException.class).hasMessageContaining("AWS_EC2_METADATA_DISABLED");
    }
}
