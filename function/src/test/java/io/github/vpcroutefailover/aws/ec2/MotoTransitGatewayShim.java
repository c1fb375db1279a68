package io.github.vpcroutefailover.aws.ec2;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.CreateTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.DeleteTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteRequest;
import software.amazon.awssdk.services.ec2.model.ReplaceTransitGatewayRouteResponse;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesRequest;
import software.amazon.awssdk.services.ec2.model.SearchTransitGatewayRoutesResponse;
import software.amazon.awssdk.services.ec2.model.TransitGatewayRoute;
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
 *       as a map, which its XML writer drops). The shim remembers the attachment of each static route written through
 *       it and puts it back into the answer, as EC2 reports it. Routes written past the shim stay without one.</li>
 * </ol>
 * Never use against AWS.
 */
public final class MotoTransitGatewayShim {
    private final Map<String, String> attachments = new ConcurrentHashMap<>();
    private final AtomicInteger replaces = new AtomicInteger();
    private final AtomicInteger filled = new AtomicInteger();

    /** {@code moto} with the two gaps bridged. */
    public Ec2Client wrap(Ec2Client moto) {
        return (Ec2Client) Proxy.newProxyInstance(Ec2Client.class.getClassLoader(), new Class<?>[] {Ec2Client.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "replaceTransitGatewayRoute" -> replace(moto, request(method, args, ReplaceTransitGatewayRouteRequest::builder));
                    case "createTransitGatewayRoute" -> {
                        CreateTransitGatewayRouteRequest r = request(method, args, CreateTransitGatewayRouteRequest::builder);
                        remember(r.transitGatewayRouteTableId(), r.destinationCidrBlock(), r.transitGatewayAttachmentId(), r.dryRun());
                        yield moto.createTransitGatewayRoute(r);
                    }
                    case "deleteTransitGatewayRoute" -> {
                        DeleteTransitGatewayRouteRequest r = request(method, args, DeleteTransitGatewayRouteRequest::builder);
                        Object out = moto.deleteTransitGatewayRoute(r);
                        if (!Boolean.TRUE.equals(r.dryRun())) {
                            attachments.remove(r.transitGatewayRouteTableId() + "|" + r.destinationCidrBlock());
                        }
                        yield out;
                    }
                    case "searchTransitGatewayRoutes" -> search(moto, request(method, args, SearchTransitGatewayRoutesRequest::builder));
                    default -> invoke(method, moto, args);
                });
    }

    private ReplaceTransitGatewayRouteResponse replace(Ec2Client moto, ReplaceTransitGatewayRouteRequest r) {
        replaces.incrementAndGet();
        CreateTransitGatewayRouteRequest create = CreateTransitGatewayRouteRequest.builder().transitGatewayRouteTableId(r.transitGatewayRouteTableId())
                .destinationCidrBlock(r.destinationCidrBlock()).transitGatewayAttachmentId(r.transitGatewayAttachmentId())
                .blackhole(r.blackhole()).dryRun(r.dryRun()).build();
        remember(r.transitGatewayRouteTableId(), r.destinationCidrBlock(), r.transitGatewayAttachmentId(), r.dryRun());
        return ReplaceTransitGatewayRouteResponse.builder().route(moto.createTransitGatewayRoute(create).route()).build();
    }

    private SearchTransitGatewayRoutesResponse search(Ec2Client moto, SearchTransitGatewayRoutesRequest r) {
        SearchTransitGatewayRoutesResponse answer = moto.searchTransitGatewayRoutes(r);
        return answer.toBuilder().routes(answer.routes().stream().map(route -> {
            String attachment = attachments.get(r.transitGatewayRouteTableId() + "|" + route.destinationCidrBlock());
            if (attachment == null || !route.transitGatewayAttachments().isEmpty()) {
                return route;
            }
            filled.incrementAndGet();
            return route.toBuilder().transitGatewayAttachments(TransitGatewayRouteAttachment.builder()
                    .transitGatewayAttachmentId(attachment).resourceType("vpc").build()).build();
        }).toList()).build();
    }

    private void remember(String table, String cidr, String attachment, Boolean dryRun) {
        if (Boolean.TRUE.equals(dryRun)) {
            return;
        }
        if (attachment == null) {
            attachments.remove(table + "|" + cidr);
        } else {
            attachments.put(table + "|" + cidr, attachment);
        }
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

    /** Routes whose attachment the shim filled back into a search answer. */
    public int filled() {
        return filled.get();
    }
}
