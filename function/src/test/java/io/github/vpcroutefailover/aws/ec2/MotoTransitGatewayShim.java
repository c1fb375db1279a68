package io.github.vpcroutefailover.aws.ec2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteResponse;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesRequest;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesResponse;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRouteAttachment;

/**
 * Test-only shim over two gaps of moto (5.2.x) in the transit gateway route API, so the reconciler's transit gateway
 * failover can run on the emulator. Every other call goes to moto unchanged, and every use is counted so the ITs
 * assert it happened (the shim cannot hide a missing call).
 *
 * <ol>
 *   <li>moto has no ReplaceTransitGatewayRoute; its CreateTransitGatewayRoute overwrites an existing static route,
 *       which is what Replace does to a route that exists (the adapter sends Replace only for a route it saw), so a
 *       Replace goes to moto as that Create. The real Replace request is pinned by
 *       {@link Ec2TransitGatewayRequestShapeTest}.</li>
 *   <li>moto's SearchTransitGatewayRoutes answers every route with an empty attachment list (it keeps the attachment
 *       as a map, which its XML writer drops). The shim puts back the attachment moto holds for the route, read from
 *       moto's own state ({@code /moto-api/data.json}), as EC2 reports it. Read, not remembered from what went
 *       through the shim: a write that failed (throttled, 500) must not show, and one whose response was lost must,
 *       or the fault ITs would test the shim instead of the reconciler.</li>
 * </ol>
 * Never use against AWS.
 */
public final class MotoTransitGatewayShim {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI moto;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger replaces = new AtomicInteger();
    private final AtomicInteger filled = new AtomicInteger();

    /** @param moto moto's endpoint (not a proxy in front of it): where its state is read */
    public MotoTransitGatewayShim(URI moto) {
        this.moto = moto;
    }

    /** {@code moto} with the two gaps bridged. */
    public Ec2Client wrap(Ec2Client moto) {
        return (Ec2Client) Proxy.newProxyInstance(Ec2Client.class.getClassLoader(), new Class<?>[] {Ec2Client.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "replaceTransitGatewayRoute" -> replace(moto, request(method, args, ReplaceTransitGatewayRouteRequest::builder));
                    case "searchTransitGatewayRoutes" -> search(moto, request(method, args, SearchTransitGatewayRoutesRequest::builder));
                    default -> invoke(method, moto, args);
                });
    }

    private ReplaceTransitGatewayRouteResponse replace(Ec2Client moto, ReplaceTransitGatewayRouteRequest r) {
        replaces.incrementAndGet();
        CreateTransitGatewayRouteRequest create = CreateTransitGatewayRouteRequest.builder().transitGatewayRouteTableId(r.transitGatewayRouteTableId())
                .destinationCidrBlock(r.destinationCidrBlock()).transitGatewayAttachmentId(r.transitGatewayAttachmentId())
                .blackhole(r.blackhole()).dryRun(r.dryRun()).build();
        return ReplaceTransitGatewayRouteResponse.builder().route(moto.createTransitGatewayRoute(create).route()).build();
    }

    private SearchTransitGatewayRoutesResponse search(Ec2Client moto, SearchTransitGatewayRoutesRequest r) {
        SearchTransitGatewayRoutesResponse answer = moto.searchTransitGatewayRoutes(r);
        if (answer.routes().stream().allMatch(route -> !route.transitGatewayAttachments().isEmpty())) {
            return answer;
        }
        Map<String, String> held = attachments(r.transitGatewayRouteTableId());
        return answer.toBuilder().routes(answer.routes().stream().map(route -> {
            String attachment = held.get(route.destinationCidrBlock());
            if (attachment == null || !route.transitGatewayAttachments().isEmpty()) {
                return route;
            }
            filled.incrementAndGet();
            return route.toBuilder().transitGatewayAttachments(TransitGatewayRouteAttachment.builder()
                    .transitGatewayAttachmentId(attachment).resourceType("vpc").build()).build();
        }).toList()).build();
    }

    /** CIDR to attachment id of each route of {@code table} that has one, as moto holds them now. */
    private Map<String, String> attachments(String table) {
        JsonNode state;
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(moto.resolve("/moto-api/data.json"))
                    .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException("moto at " + moto + " answered /moto-api/data.json with HTTP " + r.statusCode());
            }
            state = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("could not read moto's state at " + moto + "/moto-api/data.json", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading moto's state", e);
        }
        Map<String, String> out = new HashMap<>();
        for (JsonNode t : state.path("ec2").path("TransitGatewayRouteTable")) {
            if (!table.equals(t.path("id").asText())) {
                continue;
            }
            t.path("routes").fields().forEachRemaining(route -> {
                JsonNode id = route.getValue().path("transitGatewayAttachments").path("transitGatewayAttachmentId");
                if (id.isTextual()) {
                    out.put(route.getKey(), id.asText());
                }
            });
        }
        return out;
    }

    /** The request of either overload: the request itself, or the consumer applied to a fresh builder. */
    @SuppressWarnings("unchecked")
    private static <R, B> R request(Method method, Object[] args, java.util.function.Supplier<B> builder) {
        Object arg = args[0];
        if (arg instanceof Consumer<?> c) {
            B b = builder.get();
            ((Consumer<B>) c).accept(b);
            return (R) ((software.amazon.awssdk.utils.builder.SdkBuilder<?, ?>) b).build();
        }
        return (R) arg;
    }

    private static Object invoke(Method method, Object target, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    /** Replace calls that went to moto as Create. */
    public int replaces() {
        return replaces.get();
    }

    /** Routes whose attachment the shim filled back into a search answer (from moto's state). */
    public int filled() {
        return filled.get();
    }
}
