package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.FleetController;
import io.github.vpcroutefailover.app.ReconcileListener;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.sts.AssumedRoles;
import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The object graph of a controller that manages several VPCs ({@code vpcs} in the config): per VPC, EC2, CloudWatch
 * and Auto Scaling clients in that VPC's region with that VPC's credentials (its role, assumed through STS and cached),
 * and the shared DynamoDB table and EventBridge bus of the controller's own account with the VPC's {@link KeyScope}.
 * Each VPC's graph is built on first use and kept for the life of the execution environment.
 */
public final class FleetComponents {
    /** Per-VPC service clients: the VPC's region, and its role's credentials (null: the controller's own). */
    public interface SiteClientFactory {
        Ec2Api ec2(VpcSite site, Region region, AwsCredentialsProvider credentials);

        CloudWatchClient cloudWatch(VpcSite site, Region region, AwsCredentialsProvider credentials);

        AutoScalingClient autoScaling(VpcSite site, Region region, AwsCredentialsProvider credentials);

        /** Real clients: our timeouts and retries ({@link AwsClients}), default chains for whatever is not given. */
        static SiteClientFactory production() {
            return new SiteClientFactory() {
                @Override
                public Ec2Api ec2(VpcSite site, Region region, AwsCredentialsProvider credentials) {
                    // The light client (aws/light, docs/adapters.md): the adapters' operations without the SDK
                    // client's cold-start cost; same retries and timeouts.
                    return LightClients.ec2(region, credentials != null ? credentials : LightClients.defaultCredentials(),
                            java.util.List.of());
                }

                @Override
                public CloudWatchClient cloudWatch(VpcSite site, Region region, AwsCredentialsProvider credentials) {
                    return LightClients.cloudWatch(region, credentials != null ? credentials : LightClients.defaultCredentials(),
                            java.util.List.of());
                }

                @Override
                public AutoScalingClient autoScaling(VpcSite site, Region region, AwsCredentialsProvider credentials) {
                    var b = AutoScalingClient.builder().httpClientBuilder(http()).region(region);
                    if (credentials != null) {
                        b.credentialsProvider(credentials);
                    }
                    return AwsClients.tune(b, RetryMode.STANDARD).build();
                }
            };
        }

        private static UrlConnectionHttpClient.Builder http() {
            return UrlConnectionHttpClient.builder().connectionTimeout(Duration.ofSeconds(2)).socketTimeout(Duration.ofSeconds(10));
        }
    }

    private final FleetConfig fleet;
    private final Components.Clients home;
    private final Components.Settings settings;
    private final Supplier<String> homeAccount;
    private final Region homeRegion;
    private final Supplier<StsClient> sts;
    private final SiteClientFactory factory;
    private final Clock clock;
    private final ReconcileListener listener;
    private final Map<String, Components> sites = new ConcurrentHashMap<>();
    /** One credentials provider per role and external id: VPCs of one account share one AssumeRole per hour. */
    private final Map<String, AwsCredentialsProvider> roles = new ConcurrentHashMap<>();
    private final FleetController controller;

    /**
     * @param homeAccount the controller's own account (VRF_ACCOUNT_ID, else one STS GetCallerIdentity); asked only
     *                    when a VPC has a role, to tell whether that role's account is this one
     * @param sts         the STS client that assumes the VPCs' roles (built on first use)
     */
    public FleetComponents(FleetConfig fleet, Components.Clients home, Components.Settings settings, Supplier<String> homeAccount,
                           Region homeRegion, Supplier<StsClient> sts, SiteClientFactory factory, Clock clock,
                           ReconcileListener listener, int parallelism) {
        this.fleet = Objects.requireNonNull(fleet, "fleet");
        this.home = Objects.requireNonNull(home, "home");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.homeAccount = new Components.Memo<>(Objects.requireNonNull(homeAccount, "homeAccount"));
        this.homeRegion = Objects.requireNonNull(homeRegion, "homeRegion");
        this.sts = new Components.Memo<>(Objects.requireNonNull(sts, "sts"));
        this.factory = Objects.requireNonNull(factory, "factory");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.controller = new FleetController(fleet, site -> site(site).controller(), parallelism);
    }

    public FleetConfig fleet() {
        return fleet;
    }

    public FleetController controller() {
        return controller;
    }

    /** The VPC's graph, built on first use (its role is assumed later, at its first AWS call). */
    public Components site(VpcSite site) {
        return sites.computeIfAbsent(site.vpcId(), id -> build(site));
    }

    /**
     * Where a VPC's records live in the shared table. The controller's own account is asked for only when it can
     * matter: a VPC with a role (whose account may be this one) or in another region.
     */
    public KeyScope scope(VpcSite site) {
        if (site.roleArn() == null && (site.region() == null || site.region().equals(homeRegion.id()))) {
            return KeyScope.HOME;
        }
        return site.scope(homeAccount.get(), homeRegion.id());
    }

    private Components build(VpcSite site) {
        Region region = site.region() == null ? homeRegion : Region.of(site.region());
        AwsCredentialsProvider credentials = site.roleArn() == null ? null
                : roles.computeIfAbsent(site.roleArn() + "\n" + site.externalId(),
                        k -> AssumedRoles.provider(sts.get(), site.roleArn(), site.externalId(), "controller"));
        Components.Clients clients = new Components.Clients(() -> factory.ec2(site, region, credentials), home::dynamoDb,
                () -> factory.cloudWatch(site, region, credentials), home::eventBridge,
                () -> factory.autoScaling(site, region, credentials));
        return new Components(clients, settings, site::config, clock, listener, scope(site), false);
    }
}
