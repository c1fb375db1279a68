package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.app.FleetController;
import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.aws.sts.AssumedRoles;
import io.github.vpcroutefailover.config.FleetConfigLoader;
import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * What a function's environment deploys: one VPC (the config's {@code vpc}: {@link #components} alone, exactly as
 * before multi-VPC configs) or several ({@code vpcs}: a {@link FleetComponents}, and {@link #components} is its
 * first VPC's graph, which SnapStart priming exercises).
 *
 * <p>Environment, besides {@link Components.Settings}: {@code VRF_ACCOUNT_ID} (the controller's own account; the
 * stack sets it, else one STS GetCallerIdentity tells it), {@code VRF_VPC_PARALLELISM} (VPCs reconciled at once,
 * default {@value FleetController#DEFAULT_PARALLELISM}).
 */
public record Deployment(Components components, FleetComponents fleet) {

    public static Deployment fromEnvironment(Map<String, String> env, Components.Clients clients) {
        Components.Settings settings = Components.Settings.fromEnvironment(env);
        FleetConfig config = FleetConfigLoader.load(settings.configPath());
        var listener = EmfMetrics.stdout(settings.metricNamespace());
        if (config.single()) {
            var only = config.sites().get(0).config();
            return new Deployment(new Components(clients, settings, () -> only, Clock.systemUTC(), listener), null);
        }
        Region region = env.get("AWS_REGION") != null && !env.get("AWS_REGION").isBlank() ? Region.of(env.get("AWS_REGION"))
                : DefaultAwsRegionProviderChain.builder().build().getRegion();
        Components.Memo<StsClient> sts = new Components.Memo<>(() -> AwsClients.tune(StsClient.builder().region(region)
                .httpClientBuilder(UrlConnectionHttpClient.builder()), RetryMode.STANDARD).build());
        String account = env.get("VRF_ACCOUNT_ID");
        FleetComponents fleet = new FleetComponents(config, clients, settings,
                () -> account != null && !account.isBlank() ? account : AssumedRoles.callerAccount(sts.get()), region, sts,
                FleetComponents.SiteClientFactory.production(), Clock.systemUTC(), listener, parallelism(env));
        return new Deployment(fleet.site(config.sites().get(0)), fleet);
    }

    static int parallelism(Map<String, String> env) {
        String v = env.get("VRF_VPC_PARALLELISM");
        if (v == null || v.isBlank()) {
            return FleetController.DEFAULT_PARALLELISM;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 1 && n <= 64) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalStateException("VRF_VPC_PARALLELISM must be a whole number from 1 to 64, but is '" + v + "'");
    }
}
