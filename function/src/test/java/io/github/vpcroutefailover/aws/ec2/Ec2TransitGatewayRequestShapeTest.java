package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.domain.model.Destination;
import io.github.vpcroutefailover.domain.model.RouteTarget;
import io.github.vpcroutefailover.domain.model.TargetKind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * The transit gateway route requests exactly as the real SDK marshals them, captured before they are sent (no
 * endpoint is contacted). This covers what the emulator cannot: moto has no ReplaceTransitGatewayRoute (the failover
 * IT bridges it with {@link MotoTransitGatewayShim}), so the real Replace request is pinned down here.
 */
class Ec2TransitGatewayRequestShapeTest {
    private static final String TABLE = "tgw-rtb-0123456789abcdef0";
    private static final String ATTACH = "tgw-attach-0123456789abcdef0";
    private static final Destination CIDR = Destination.parse("10.20.0.0/16");

    /** Stops every call after marshalling; the request never leaves the process. */
    private static final class Captured extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Map<String, String> params;

        Captured(Map<String, String> params) {
            super("captured " + params.get("Action"), null, false, false);
            this.params = params;
        }
    }

    private static final class Capture implements ExecutionInterceptor {
        final List<Map<String, String>> requests = new ArrayList<>();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            Map<String, String> params = new LinkedHashMap<>();
            // Sync clients carry the marshalled body either as the request body or on the full HTTP request.
            software.amazon.awssdk.http.ContentStreamProvider body = context.requestBody()
                    .map(software.amazon.awssdk.core.sync.RequestBody::contentStreamProvider)
                    .orElseGet(() -> ((software.amazon.awssdk.http.SdkHttpFullRequest) context.httpRequest()).contentStreamProvider().orElseThrow());
            try (InputStream in = body.newStream()) {
                for (String pair : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                    int eq = pair.indexOf('=');
                    params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            requests.add(params);
            throw new Captured(params);
        }
    }

    private final Capture capture = new Capture();
    private final Ec2RouteTables adapter = new Ec2RouteTables(Ec2Client.builder()
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .overrideConfiguration(c -> c.addExecutionInterceptor(capture).retryStrategy(r -> r.maxAttempts(1)))
            .build());

    /** The call was stopped by the capture (the SDK may or may not wrap what an interceptor throws). */
    private static void captured(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).satisfies(t -> {
            Throwable c = t;
            while (c != null && !(c instanceof Captured)) {
                c = c.getCause();
            }
            assertThat(c).as("stopped after marshalling").isInstanceOf(Captured.class);
        });
    }

    private Map<String, String> only() {
        assertThat(capture.requests).hasSize(1);
        return capture.requests.get(0);
    }

    @Test
    void aRouteThatExistsIsReplacedInPlaceAndMadeToForward() {
        captured(() -> adapter.upsert(TABLE, CIDR, RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, ATTACH), true, false));
        assertThat(only()).containsEntry("Action", "ReplaceTransitGatewayRoute").containsEntry("Version", "2016-11-15")
                .containsEntry("TransitGatewayRouteTableId", TABLE).containsEntry("DestinationCidrBlock", "10.20.0.0/16")
                .containsEntry("TransitGatewayAttachmentId", ATTACH).containsEntry("Blackhole", "false")
                .doesNotContainKey("DryRun");
    }

    @Test
    void aMissingRouteIsCreatedAndADryRunSaysSo() {
        captured(() -> adapter.upsert(TABLE, CIDR, RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, ATTACH), false, true));
        assertThat(only()).containsEntry("Action", "CreateTransitGatewayRoute").containsEntry("TransitGatewayRouteTableId", TABLE)
                .containsEntry("DestinationCidrBlock", "10.20.0.0/16").containsEntry("TransitGatewayAttachmentId", ATTACH)
                .containsEntry("DryRun", "true").doesNotContainKey("Blackhole");
    }

    @Test
    void aWithdrawDeletesTheStaticRouteOnly() {
        captured(() -> adapter.delete(TABLE, CIDR, false));
        assertThat(only()).containsOnlyKeys("Action", "Version", "TransitGatewayRouteTableId", "DestinationCidrBlock")
                .containsEntry("Action", "DeleteTransitGatewayRoute");
    }

    @Test
    void theReadFiltersByTableIdSoATableThatVanishedCannotFailIt() {
        captured(() -> adapter.describeTables(List.of(TABLE)));
        assertThat(only()).containsEntry("Action", "DescribeTransitGatewayRouteTables")
                .containsEntry("Filter.1.Name", "transit-gateway-route-table-id").containsEntry("Filter.1.Value.1", TABLE)
                .doesNotContainKey("TransitGatewayRouteTableIds.1");
    }

    @Test
    void aGatewayLoadBalancerEndpointRouteIsReplacedWithVpcEndpointId() {
        // moto's ReplaceRoute ignores VpcEndpointId, so GatewayTableFailoverIT cannot read this back: pinned here.
        captured(() -> adapter.upsert("rtb-0123456789abcdef0", Destination.parse("10.0.0.0/24"),
                RouteTarget.gateway(TargetKind.VPC_ENDPOINT, "vpce-0123456789abcdef0"), true, false));
        assertThat(only()).containsEntry("Action", "ReplaceRoute").containsEntry("RouteTableId", "rtb-0123456789abcdef0")
                .containsEntry("DestinationCidrBlock", "10.0.0.0/24").containsEntry("VpcEndpointId", "vpce-0123456789abcdef0")
                .doesNotContainKey("GatewayId");
    }

    @Test
    void nothingButAnAttachmentOrACidrIsEverSent() {
        assertThatThrownBy(() -> adapter.upsert(TABLE, Destination.parse("pl-0123456789abcdef0"),
                RouteTarget.gateway(TargetKind.TRANSIT_GATEWAY_ATTACHMENT, ATTACH), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix list");
        assertThatThrownBy(() -> adapter.upsert(TABLE, CIDR, RouteTarget.gateway(TargetKind.NAT_GATEWAY, "nat-0123456789abcdef0"), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("attachment");
        assertThat(capture.requests).isEmpty();
    }
}
