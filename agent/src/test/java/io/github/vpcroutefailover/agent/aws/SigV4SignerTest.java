package io.github.vpcroutefailover.agent.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

/**
 * Our signer must produce byte for byte the signature of the AWS SDK's own SigV4 signer for the requests the
 * agent sends: any difference would be a 403 from CloudWatch that no emulator reports (moto does not verify
 * signatures).
 */
class SigV4SignerTest {

    @ParameterizedTest(name = "{0} {1} session={4}")
    @CsvSource(delimiter = '|', textBlock = """
            https://monitoring.us-east-1.amazonaws.com        | us-east-1      | Action=PutMetricData&Version=2010-08-01&Namespace=VpcRouteFailover | 2026-11-21T18:46:03Z | false
            https://monitoring.eu-west-1.amazonaws.com/       | eu-west-1      | Action=PutMetricData&Version=2010-08-01&Namespace=A%20B%2FC        | 2026-01-01T00:00:00Z | true
            http://127.0.0.1:5055                             | us-east-1      | Action=PutMetricData&MetricData.member.1.Value=1.0                  | 2025-02-28T23:59:59Z | true
            https://vpce-0abc.monitoring.ap-south-1.vpce.amazonaws.com:443/ | ap-south-1 | x=%E2%82%AC                                       | 2026-06-15T12:00:00Z | false
            https://monitoring.cn-north-1.amazonaws.com.cn/a%20b/c | cn-north-1 | Action=PutMetricData                                            | 2026-06-15T12:00:00Z | true
            https://localhost:4566/?b=2&a=1&a=0               | us-west-2      | Action=PutMetricData                                                | 2026-06-15T12:00:00Z | false
            """)
    void signatureEqualsTheSdkSigner(String url, String region, String body, String at, boolean session) {
        URI uri = URI.create(url);
        byte[] payload = body.getBytes(StandardCharsets.UTF_8);
        Instant now = Instant.parse(at);
        AwsCredentials ours = new AwsCredentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", session ? "FwoGZXIvYXdzEJr//////////session+token=" : null, null);
        Map<String, String> headers = Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");

        Map<String, String> added = new SigV4Signer(region, "monitoring").sign("POST", uri, headers, payload, ours, now);

        AwsCredentialsIdentity identity = session ? AwsSessionCredentialsIdentity.create(ours.accessKeyId(), ours.secretAccessKey(), ours.sessionToken())
                : AwsCredentialsIdentity.create(ours.accessKeyId(), ours.secretAccessKey());
        SdkHttpRequest request = SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(uri).putHeader("Content-Type", headers.get("Content-Type")).build();
        SdkHttpRequest sdk = AwsV4HttpSigner.create().sign(r -> r.identity(identity).request(request).payload(ContentStreamProvider.fromByteArray(payload))
                        .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "monitoring")
                        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                        .putProperty(AwsV4HttpSigner.SIGNING_CLOCK, Clock.fixed(now, ZoneOffset.UTC)))
                .request();

        assertThat(added.get("Authorization")).isEqualTo(sdk.firstMatchingHeader("Authorization").orElseThrow());
        assertThat(added.get("X-Amz-Date")).isEqualTo(sdk.firstMatchingHeader("X-Amz-Date").orElseThrow());
        assertThat(added.get("X-Amz-Security-Token")).isEqualTo(sdk.firstMatchingHeader("X-Amz-Security-Token").orElse(null));
    }

    @ParameterizedTest
    @CsvSource({"https://h.example, h.example", "https://h.example:443, h.example", "http://h.example:80, h.example", "http://127.0.0.1:5055, 127.0.0.1:5055",
            "https://h.example:8443/x, h.example:8443"})
    void hostHeaderIsWhatHttpUrlConnectionSends(String url, String host) {
        assertThat(SigV4Signer.hostHeader(URI.create(url))).isEqualTo(host);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            VpcRouteFailover   | VpcRouteFailover
            a b/c              | a%20b%2Fc
            ~-_.               | ~-_.
            *+=&               | %2A%2B%3D%26
            €                  | %E2%82%AC
            """)
    void encodesLikeRfc3986(String in, String out) {
        assertThat(SigV4Signer.encode(in)).isEqualTo(out);
    }
}
