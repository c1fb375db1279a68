package io.github.vpcroutefailover.cdk;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.services.logs.CfnQueryDefinition;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.constructs.Construct;

/**
 * CloudWatch Logs Insights saved queries over the functions' JSON logs (fields: docs/handlers.md; every route
 * action logs {@code event=route-<outcome>}, {@code route}, {@code key}, {@code from}, {@code to}, {@code reason},
 * {@code version}, {@code caller}). Saved queries carry no time range: the console's range picker sets it.
 */
public final class LogQueries extends Construct {

    /** Every logged route action of one route, newest first: why did route X move. */
    public static String whyDidRouteMove(String route) {
        return "fields @timestamp, event, key, from, to, reason, caller, version, dryRun\n"
                + "| filter route = \"" + route + "\" and event like /^route-/\n"
                + "| sort @timestamp desc\n"
                + "| limit 200";
    }

    /** Every applied route change (failovers and fail-backs); run it over the last day. */
    public static final String ALL_FAILOVERS = "fields @timestamp, route, key, from, to, reason, caller, version\n"
            + "| filter event = \"route-applied\"\n"
            + "| sort @timestamp desc\n"
            + "| limit 1000";

    /**
     * ERROR lines grouped by run. The run is the Lambda request id where the log line carries one (requestId or
     * AWSRequestId, depending on the logging setup), else the log stream: one stream per execution environment.
     */
    public static final String ERRORS_BY_RECONCILE = "fields coalesce(requestId, AWSRequestId, @requestId, @logStream) as run\n"
            + "| filter level = \"ERROR\"\n"
            + "| stats count(*) as errors, earliest(@timestamp) as firstError, latest(message) as lastMessage by run\n"
            + "| sort firstError desc\n"
            + "| limit 200";

    /** The dashboard's log widget: the latest route actions of every route. */
    public static final String RECENT_ROUTE_ACTIONS = "fields @timestamp, route, event, key, from, to, reason\n"
            + "| filter event like /^route-/\n"
            + "| sort @timestamp desc\n"
            + "| limit 50";

    private final List<CfnQueryDefinition> queries = new ArrayList<>();

    LogQueries(Construct scope, String id, String name, List<String> routeNames, List<ILogGroup> logGroups) {
        super(scope, id);
        List<String> groups = logGroups.stream().map(ILogGroup::getLogGroupName).toList();
        // A folder per deployment in the console ("<name>/..."); one "why" query per configured route, because a
        // saved query has no parameters. Registered routes: copy one and change the route name.
        for (String route : routeNames) {
            add("WhyDidRouteMove-" + route, name + "/why-did-" + route + "-move", whyDidRouteMove(route), groups);
        }
        add("AllFailovers", name + "/all-failovers (set the range to 1 day)", ALL_FAILOVERS, groups);
        add("ErrorsByReconcile", name + "/errors-by-reconcile", ERRORS_BY_RECONCILE, groups);
    }

    private void add(String id, String queryName, String query, List<String> groups) {
        queries.add(CfnQueryDefinition.Builder.create(this, id).name(queryName).queryString(query).logGroupNames(groups).build());
    }

    public List<CfnQueryDefinition> queries() {
        return List.copyOf(queries);
    }
}
