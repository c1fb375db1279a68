package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.regions.Region;

/** Endpoint resolution in the SDK's order, and the Query form body, without any network. */
class LightEndpointsTest {
    private static URI resolve(Map<String, String> env, Map<String, String> props, Region region) {
        return LightEndpoints.resolve("EC2", "Ec2", "ec2", region, env, props::get);
    }

    @Test
    void serviceSpecificBeatsGlobalAndPropertiesBeatEnvironment() {
        assertThat(resolve(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:2"), Map.of(),
                Region.US_EAST_1)).isEqualTo(URI.create("http://127.0.0.1:2"));
        assertThat(resolve(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1"), Map.of(), Region.US_EAST_1))
                .isEqualTo(URI.create("http://127.0.0.1:1"));
        assertThat(resolve(Map.of("AWS_ENDPOINT_URL_EC2", "http://127.0.0.1:2"), Map.of("aws.endpointUrlEc2", "http://127.0.0.1:3"),
                Region.US_EAST_1)).isEqualTo(URI.create("http://127.0.0.1:3"));
    }

    @Test
    void withoutOverridesTheRegionalEndpointOfTheRegionsPartition() {
        assertThat(resolve(Map.of(), Map.of(), Region.EU_WEST_1)).isEqualTo(URI.create("https://ec2.eu-west-1.amazonaws.com"));
        assertThat(resolve(Map.of(), Map.of(), Region.CN_NORTH_1)).isEqualTo(URI.create("https://ec2.cn-north-1.amazonaws.com.cn"));
        assertThat(resolve(Map.of("AWS_ENDPOINT_URL", "http://127.0.0.1:1", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"), Map.of(),
                Region.US_EAST_1)).isEqualTo(URI.create("https://ec2.us-east-1.amazonaws.com"));
    }

    @Test
    void aBadEndpointUrlIsRefusedNamingTheVariableAndTheFix() {
        for (String bad : new String[] {"127.0.0.1:5000", "ftp://host", "http://", "http://exa mple.com"}) {
            assertThatThrownBy(() -> resolve(Map.of("AWS_ENDPOINT_URL_EC2", bad), Map.of(), Region.US_EAST_1))
                    .as(bad).isInstanceOf(IllegalStateException.class).hasMessageContaining("AWS_ENDPOINT_URL")
                    .hasMessageContaining("http://127.0.0.1:5000");
        }
    }

    @Test
    void queryParametersMoveToAFormBodyAsTheSdkDoes() throws Exception {
        SdkHttpFullRequest marshalled = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://ec2.example"))
                .putRawQueryParameter("Action", "DescribeRouteTables").putRawQueryParameter("Filter.1.Value.1", "a b&c").build();
        SdkHttpFullRequest moved = LightTransport.formBody(marshalled);
        assertThat(moved.rawQueryParameters()).isEmpty();
        assertThat(moved.firstMatchingHeader("Content-Type")).hasValue("application/x-www-form-urlencoded; charset=utf-8");
        assertThat(new String(moved.contentStreamProvider().orElseThrow().newStream().readAllBytes()))
                .isEqualTo("Action=DescribeRouteTables&Filter.1.Value.1=a+b%26c");
    }
}
