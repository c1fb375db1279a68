package io.github.vpcroutefailover.handler;

import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.handler.event.EventParser;
import io.github.vpcroutefailover.handler.event.StrictJson;
import io.github.vpcroutefailover.json.JsonTrees;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * SnapStart priming of the readers on realistic answers. The canned reconcile of {@link Priming} sees an empty world,
 * so its EC2, CloudWatch and DynamoDB answers hold no instance, route table, alarm or item, and the SDK response
 * models those carry (a {@code DescribeInstances} answer alone initialises ~60 model classes and ~600 field
 * accessors) would still be loaded by a restored snapshot's first invocation. This reads answers shaped like AWS's,
 * one of each, through the same light clients, SDK unmarshallers and adapters the reconciler uses.
 *
 * <p>Nothing leaves the process: the HTTP client answers every request itself from the fixtures next to this class
 * ({@code priming/*.xml}, {@code priming/Query.json}), the credentials are dummies, and nothing is logged or counted
 * unless priming itself fails, which only costs time. Not run on an on-demand init: there it loads classes the
 * invocation may not need, and run on a second thread it slows init down instead (BENCHMARKS.md "Cold controller").
 */
final class ReaderPriming {
    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("priming", "priming"));
    private static final URI NOWHERE = URI.create("https://priming.invalid");
    private static final byte[] SCHEDULED = """
            {"version":"0","id":"priming","detail-type":"Scheduled Event","source":"aws.events","account":"000000000000",
             "time":"2026-01-01T00:00:00Z","region":"us-east-1","resources":[],"detail":{}}""".getBytes(StandardCharsets.UTF_8);

    /** What priming read: proof in tests that each canned answer went through its unmarshaller and adapter. */
    record Report(int instances, int routeTables, int routes, int impaired, int enis, int alarms, int metricResults, int items) {
    }

    private ReaderPriming() {
    }

    /** {@link #run()}, with a failure logged rather than thrown: priming only saves time. */
    static void runLogged() {
        try {
            run();
        } catch (RuntimeException | LinkageError e) {
            LoggerFactory.getLogger(ReaderPriming.class).atWarn().addKeyValue("event", "reader-priming-failed").setCause(e)
                    .log("priming the readers on canned answers failed (a restored snapshot's first invocation will be slower): " + e);
        }
    }

    /** Reads every canned answer. Makes no network call; throws if a canned answer did not read as expected. */
    static Report run() {
        Ec2Api ec2 = LightClients.ec2(Region.US_EAST_1, CREDENTIALS, NOWHERE, List.of(),
                Priming.CannedHttpClient.query(action -> fixture(action + ".xml")));

        // EC2 instances, their status checks and ENIs, the VPC's route tables and subnets: the reconciler's adapters.
        Ec2Instances instances = new Ec2Instances(ec2);
        int observed = instances.describeInstances(List.of("i-0123456789abcdef0")).size();
        int impaired = instances.impairedInstances(List.of("i-0123456789abcdef0")).size();
        int enis = instances.describeEnis(List.of("eni-0123456789abcdef0")).size();
        List<ObservedRouteTable> tables = new Ec2RouteTables(ec2).describeVpcTables("vpc-0123456789abcdef0");

        // CloudWatch: the requests the alarm and agent-metric health sources send.
        CloudWatchClient cloudWatch = LightClients.cloudWatch(Region.US_EAST_1, CREDENTIALS, NOWHERE, List.of(),
                Priming.CannedHttpClient.query(action -> fixture(action + ".xml")));
        List<MetricAlarm> alarms = cloudWatch.describeAlarms(r -> r.alarmNames("nat-packet-loss")).metricAlarms();
        alarms.forEach(a -> Objects.requireNonNull(a.stateValue(), "alarm state"));
        Instant now = Instant.parse("2026-01-01T00:01:00Z");
        List<MetricDataResult> results = cloudWatch.getMetricData(GetMetricDataRequest.builder()
                .metricDataQueries(MetricDataQuery.builder().id("m0").returnData(true).metricStat(s -> s.period(1).stat("Minimum")
                        .metric(m -> m.namespace("VpcRouteFailover").metricName("CheckResult").dimensions(
                                Dimension.builder().name("InstanceId").value("i-0123456789abcdef0").build(),
                                Dimension.builder().name("Check").value("tcp").build()))).build())
                .startTime(now.minusSeconds(60)).endTime(now).scanBy(ScanBy.TIMESTAMP_DESCENDING).build()).metricDataResults();
        results.forEach(r -> r.values().forEach(Objects::requireNonNull));

        // DynamoDB: one Query answer holding every attribute type the table's items use.
        DynamoDbClient dynamoDb = LightClients.dynamoDb(Region.US_EAST_1, CREDENTIALS, NOWHERE, List.of(),
                Priming.CannedHttpClient.json(fixture("Query.json")));
        List<Map<String, AttributeValue>> items = dynamoDb.query(QueryRequest.builder().tableName("priming").indexName("priming")
                .keyConditionExpression("#t = :t").expressionAttributeNames(Map.of("#t", "type"))
                .expressionAttributeValues(Map.of(":t", AttributeValue.fromS("priming"))).consistentRead(false).build()).items();
        items.forEach(item -> item.values().forEach(v -> Objects.requireNonNull(v.type(), "attribute type")));

        // The event parser and the answer's writer, on a non-empty answer.
        EventParser.parse(StrictJson.readObject(SCHEDULED));
        JsonTrees.toBytes(ControllerHandler.ok(Map.of("primed", List.of(Map.of("tables", tables.size())))));
        return new Report(observed, tables.size(), tables.stream().mapToInt(t -> t.routes().size()).sum(), impaired, enis,
                alarms.size(), results.size(), items.size());
    }

    private static String fixture(String name) {
        try (InputStream in = ReaderPriming.class.getResourceAsStream("priming/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no canned answer priming/" + name + " next to " + ReaderPriming.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
