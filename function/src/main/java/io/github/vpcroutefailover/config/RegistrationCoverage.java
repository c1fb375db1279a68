package io.github.vpcroutefailover.config;

import io.github.vpcroutefailover.domain.config.FailoverConfig;
import io.github.vpcroutefailover.domain.config.RouteSpec;
import io.github.vpcroutefailover.domain.config.TableSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which route tables the deployed IAM policy lets the controller change for a route registered at run time
 * (docs/deploy.md, "IAM and registered routes"). IAM is computed from the config FILE at synth; a registered route
 * can only use tables IAM already covers, or its route changes would be refused with AccessDenied on AWS (the
 * emulators do not enforce IAM, so only this check catches it before production):
 * <ul>
 *   <li>{@code routeTableId}: only a table the file selects by id (those ids are in the policy's resource list);</li>
 *   <li>{@code tags}: only with {@code vrf-registrable: "true"} in the match (the policy's tag condition), and
 *       excluding whatever tags the policy's deny statements exclude for every selector of the file;</li>
 *   <li>{@code subnet}, {@code main}: never (IAM cannot see a table's subnet association or main flag).</li>
 * </ul>
 */
public final class RegistrationCoverage {
    /** The tag a table must carry for IAM to let the controller change registered routes in it. */
    public static final String REGISTRABLE_TAG = "vrf-registrable";
    public static final String REGISTRABLE_VALUE = "true";

    private RegistrationCoverage() {
    }

    /**
     * Problems of {@code registered} against what the file's IAM covers; paths relative to the route
     * ({@code routeTables[0].tags}). Empty when every selector is covered.
     */
    public static List<ConfigProblem> problems(RouteSpec registered, FailoverConfig file) {
        Set<String> fileTableIds = new LinkedHashSet<>();
        for (RouteSpec r : file.routes()) {
            for (TableSelector s : r.routeTables()) {
                if (s instanceof TableSelector.ById byId) {
                    fileTableIds.add(byId.routeTableId());
                }
            }
        }
        Map<String, String> excluded = commonExclusions(file);
        List<ConfigProblem> out = new ArrayList<>();
        List<TableSelector> selectors = registered.routeTables();
        for (int i = 0; i < selectors.size(); i++) {
            String path = "routeTables[" + i + "]";
            switch (selectors.get(i)) {
                case TableSelector.ById byId -> {
                    if (!fileTableIds.contains(byId.routeTableId())) {
                        out.add(new ConfigProblem(path + ".id", 0, byId.routeTableId() + " is not in the deployed IAM policy (the config file "
                                + "does not select it by id); tag it " + REGISTRABLE_TAG + "=" + REGISTRABLE_VALUE + " and select it by tags instead"));
                    }
                }
                case TableSelector.ByTags tags -> {
                    if (!REGISTRABLE_VALUE.equals(tags.match().get(REGISTRABLE_TAG))) {
                        out.add(new ConfigProblem(path + ".tags", 0, "must include " + REGISTRABLE_TAG + ": \"" + REGISTRABLE_VALUE
                                + "\" (IAM lets the controller change registered routes only in tables with that tag)"));
                    }
                    excluded.forEach((k, v) -> {
                        if (!v.equals(tags.exclude().get(k))) {
                            out.add(new ConfigProblem(path + ".notTags", 0, "must exclude " + k + ": \"" + v + "\" like every selector of the "
                                    + "config file (IAM denies route changes in tables tagged " + k + "=" + v + ")"));
                        }
                    });
                }
                case TableSelector.BySubnet ignored -> out.add(new ConfigProblem(path + ".subnet", 0,
                        "subnet selectors cannot be registered (IAM cannot see a table's subnet association); select by tags with "
                                + REGISTRABLE_TAG + ": \"" + REGISTRABLE_VALUE + "\""));
                case TableSelector.Main ignored -> out.add(new ConfigProblem(path + ".main", 0,
                        "main selectors cannot be registered (IAM cannot see which table is main); select by tags with "
                                + REGISTRABLE_TAG + ": \"" + REGISTRABLE_VALUE + "\""));
                case TableSelector.ByGateway ignored -> out.add(new ConfigProblem(path + ".gateway", 0,
                        "gateway selectors cannot be registered (IAM cannot see a table's gateway association); select by tags with "
                                + REGISTRABLE_TAG + ": \"" + REGISTRABLE_VALUE + "\""));
                case TableSelector.TransitGatewayTable t -> out.add(new ConfigProblem(path + ".transitGatewayRouteTable", 0,
                        "transit gateway route tables cannot be registered at run time: the stack grants the transit gateway route "
                                + "API only on the tables the config file names; add the route to the config file and deploy"));
            }
        }
        return out;
    }

    /**
     * The tag exclusions the stack turns into deny statements: those every non-id selector of the file excludes
     * (none as soon as one subnet or main selector exists, since IAM cannot express those).
     */
    static Map<String, String> commonExclusions(FailoverConfig file) {
        Map<String, String> common = null;
        for (RouteSpec r : file.routes()) {
            for (TableSelector s : r.routeTables()) {
                switch (s) {
                    case TableSelector.ById ignored -> {
                        // named by id: the allow statement is exact, no exclusion involved
                    }
                    case TableSelector.ByTags tags -> {
                        if (common == null) {
                            common = new LinkedHashMap<>(tags.exclude());
                        } else {
                            common.entrySet().removeIf(e -> !e.getValue().equals(tags.exclude().get(e.getKey())));
                        }
                    }
                    case TableSelector.BySubnet ignored -> {
                        return Map.of();
                    }
                    case TableSelector.Main ignored -> {
                        return Map.of();
                    }
                    case TableSelector.ByGateway ignored -> {
                        return Map.of();
                    }
                    case TableSelector.TransitGatewayTable ignored -> {
                        // named by id in a statement of its own (transit gateway route API)
                    }
                }
            }
        }
        return common == null ? Map.of() : common;
    }
}
