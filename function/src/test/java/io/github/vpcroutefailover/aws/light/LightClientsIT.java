package io.github.vpcroutefailover.aws.light;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.dynamodb.OwnershipTable;
import io.github.vpcroutefailover.aws.ec2.Ec2Instances;
import io.github.vpcroutefailover.aws.ec2.Ec2RouteTables;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.domain.model.ObservedRouteTable;
import io.github.vpcroutefailover.ports.CallDeadline;
import io.github.vpcroutefailover.testsupport.ApiCallCounter;
import io.github.vpcroutefailover.testsupport.FaultProxy;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeRouteTablesRequest;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * The light clients against the emulators, side by side with the SDK clients on the same world: the same model
 * objects for reads (pagination included), the same exception types and error codes for failures, retries of
 * throttling, 5xx and lost connections, and the calling thread's deadline. The adapters' own ITs (handler ITs through
 * {@code HandlerWorld}) run on these clients too.
 */
@ExtendWith(LocalAwsExtension.class)
class LightClientsIT {
    private LocalAws aws;
    private ApiCallCounter calls;
    private Ec2Api ec2;
    private DynamoDbClient ddb;

    @BeforeEach
    void setUp(LocalAws aws) {
        this.aws = aws;
        this.calls = new ApiCallCounter();
        this.ec2 = LightClients.ec2(aws.region(), aws.credentials(), aws.endpoint("EC2").orElseThrow(), List.of(calls));
        this.ddb = LightClients.dynamoDb(aws.region(), aws.credentials(), aws.endpoint("DynamoDB").orElseThrow(), List.of(calls));
    }

    @Test
    void ec2ReadsEqualTheSdkClientsIncludingEveryPage() {
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.42.0.0/16")).vpc().vpcId();
        IntStream.range(0, 3).forEach(i -> aws.ec2().createRouteTable(r -> r.vpcId(vpc)));
        DescribeRouteTablesRequest req = DescribeRouteTablesRequest.builder()
                .filters(Filter.builder().name("vpc-id").values(vpc).build()).maxResults(5).build();

        List<software.amazon.awssdk.services.ec2.model.RouteTable> light = new java.util.ArrayList<>();
        Pages.each("Ec2.DescribeRouteTables", req, ec2::describeRouteTables, r -> r.nextToken(), (r, t) -> r.toBuilder().nextToken(t).build(),
                page -> light.addAll(page.routeTables()));
        var sdk = aws.ec2().describeRouteTablesPaginator(req).routeTables().stream().toList();

        assertThat(light).hasSize(4).isEqualTo(sdk);
        String subnet = aws.ec2().createSubnet(r -> r.vpcId(vpc).cidrBlock("10.42.1.0/24")).subnet().subnetId();
        assertThat(ec2.describeSubnets(r -> r.filters(f -> f.name("vpc-id").values(vpc))).subnets())
                .extracting(s -> s.subnetId()).containsExactly(subnet);
        assertThat(ec2.describeSubnets(r -> r.filters(f -> f.name("vpc-id").values(vpc))).subnets())
                .isEqualTo(aws.ec2().describeSubnets(r -> r.filters(f -> f.name("vpc-id").values(vpc))).subnets());
        assertThat(calls.calls("Ec2.DescribeRouteTables")).isEqualTo(calls.attempts("Ec2.DescribeRouteTables")).isPositive();
    }

    @Test
    void routeTablesAndSubnetsReadFromTheXmlAnswerEqualTheSdkClientsModels() {
        // As for instances below: Ec2RouteTables reads the light client's answers as XML and the SDK client's as
        // models; on one moto world (routes to an instance and a gateway, a subnet association, the main table,
        // tags, an IPv6 subnet block) the adapter must observe the same tables by VPC and by id.
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String nat = net.instance(0, "role=nat");
            String table = net.routeTable(0, "tier=private");
            aws.ec2().createRoute(r -> r.routeTableId(table).destinationCidrBlock("0.0.0.0/0").instanceId(nat));
            String igw = aws.ec2().createInternetGateway(r -> { }).internetGateway().internetGatewayId();
            aws.ec2().attachInternetGateway(r -> r.internetGatewayId(igw).vpcId(net.vpcId()));
            aws.ec2().createRoute(r -> r.routeTableId(table).destinationCidrBlock("198.51.100.0/24").gatewayId(igw));
            Ec2RouteTables viaXml = new Ec2RouteTables(ec2);
            Ec2RouteTables viaModels = new Ec2RouteTables(aws.ec2());

            List<ObservedRouteTable> xml = viaXml.describeVpcTables(net.vpcId());

            assertThat(xml).hasSizeGreaterThanOrEqualTo(2).isEqualTo(viaModels.describeVpcTables(net.vpcId()));
            assertThat(xml).anySatisfy(t -> assertThat(t.main()).isTrue());
            assertThat(xml).filteredOn(t -> t.id().equals(table)).singleElement().satisfies(t -> {
                assertThat(t.tags()).containsEntry("tier", "private");
                assertThat(t.subnetIds()).isNotEmpty();
                assertThat(t.routes()).extracting(r -> r.destination().value()).contains("0.0.0.0/0", "198.51.100.0/24");
            });
            List<String> ids = xml.stream().map(ObservedRouteTable::id).toList();
            assertThat(viaXml.describeTables(ids)).isEqualTo(viaModels.describeTables(ids));
            assertThat(calls.calls("Ec2.DescribeRouteTables")).as("counted as the SDK client's calls are").isEqualTo(2);
            assertThat(calls.calls("Ec2.DescribeSubnets")).isEqualTo(2);
        }
    }

    @Test
    void instancesAndStatusesReadFromTheXmlAnswerEqualTheSdkClientsModels() {
        // The light client's DescribeInstances is read as XML by Ec2Instances, the SDK client's as models (why:
        // LightEc2Client.describeInstancesXml): on the same world the adapter must observe the same instances.
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String a = net.instance(0, "role=nat", "Name=nat-a");
            String b = net.instance(1, "role=nat");
            net.stopInstance(b);
            Ec2Instances viaXml = new Ec2Instances(ec2);
            Ec2Instances viaModels = new Ec2Instances(aws.ec2());

            List<ObservedInstance> xml = viaXml.describeInstances(List.of(a, b, "i-0123456789abcdef0"));

            assertThat(xml).hasSize(2).isEqualTo(viaModels.describeInstances(List.of(a, b, "i-0123456789abcdef0")));
            assertThat(xml).allSatisfy(i -> assertThat(i.enis()).singleElement().satisfies(e -> assertThat(e.deviceIndex()).isZero()));
            assertThat(viaXml.findInstances(net.vpcId(), Map.of("role", "nat")))
                    .isEqualTo(viaModels.findInstances(net.vpcId(), Map.of("role", "nat"))).hasSize(2);
            assertThat(viaXml.impairedInstances(List.of(a, b))).isEqualTo(viaModels.impairedInstances(List.of(a, b)));
            assertThat(calls.calls("Ec2.DescribeInstances")).as("counted as the SDK client's calls are").isEqualTo(2);
            assertThat(calls.calls("Ec2.DescribeInstanceStatus")).isEqualTo(1);
        }
    }

    @Test
    void ec2RequestsAreTheSdkClientsFormBodies() {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Ec2Api light = LightClients.ec2(aws.region(), aws.credentials(), proxy.endpoint(), List.of());
            Ec2Client sdk = aws.configure(Ec2Client.builder(), "EC2").endpointOverride(proxy.endpoint()).build();
            for (Ec2Api c : List.of(light, Ec2Api.of(sdk))) {
                c.describeInstances(r -> r.filters(f -> f.name("instance-state-name").values("running", "stopped")).maxResults(5));
                c.describeRouteTables(r -> r.filters(f -> f.name("route-table-id").values("rtb-1", "rtb-2")));
            }
            for (String op : List.of("DescribeInstances", "DescribeRouteTables")) {
                List<String> bodies = proxy.forwardedBodies(op);
                assertThat(bodies).hasSize(2);
                assertThat(bodies.get(0)).as(op).startsWith("Action=" + op).isEqualTo(bodies.get(1));
            }
        }
    }

    @Test
    void ec2ErrorsAreTheSdksExceptionWithCodeAndStatus() {
        assertThatThrownBy(() -> ec2.replaceRoute(r -> r.routeTableId("rtb-0000000000000dead").destinationCidrBlock("0.0.0.0/0")
                .networkInterfaceId("eni-0000000000000dead")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidRouteTableID.NotFound");
                    assertThat(e.statusCode()).isEqualTo(400);
                    assertThat(e.getMessage()).doesNotContain(aws.credentials().resolveCredentials().secretAccessKey());
                });
        assertThat(calls.attempts("Ec2.ReplaceRoute")).as("a 4xx is not retried").isEqualTo(1);
    }

    @Test
    void anEc2AuthFailureIsTheAwsErrorAndNotRetried() {
        // EC2 answers expired or revoked credentials (and clock skew) with HTTP 401; in fixed-length streaming mode the
        // JDK turned that into an I/O error, retried three times, with the AWS error code lost.
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Ec2Api viaProxy = LightClients.ec2(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            proxy.inject("ReplaceRoute", new FaultProxy.Fault.Error(401, "AuthFailure", "AWS was not able to validate the provided access credentials"), 10);

            assertThatThrownBy(() -> viaProxy.replaceRoute(r -> r.routeTableId("rtb-0000000000000dead")
                    .destinationCidrBlock("0.0.0.0/0").networkInterfaceId("eni-0000000000000dead")))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AuthFailure");
                        assertThat(e.statusCode()).isEqualTo(401);
                    });
            assertThat(proxy.seen("ReplaceRoute")).as("a 401 is not retried").isEqualTo(1);
        }
    }

    @Test
    void ec2RetriesThrottlingAndResetsThenSucceeds() {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Ec2Api viaProxy = LightClients.ec2(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            proxy.inject("DescribeRouteTables", FaultProxy.Fault.throttle(), 1);
            proxy.inject("DescribeRouteTables", new FaultProxy.Fault.ResetBefore(), 1);

            assertThat(viaProxy.describeRouteTables(r -> r.maxResults(5)).routeTables()).isNotEmpty();

            assertThat(calls.calls("Ec2.DescribeRouteTables")).isEqualTo(1);
            assertThat(proxy.seen("DescribeRouteTables")).as("throttled, reset, answered").isEqualTo(3);
            // The reset one is replayed by the JDK itself (buffered requests, as under the SDK's URL-connection client).
            assertThat(calls.attempts("Ec2.DescribeRouteTables")).as("the retry strategy's attempts").isEqualTo(2);
        }
    }

    @Test
    void ec2GivesUpAfterTheStrategysAttemptsWithTheLastError() {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Ec2Api viaProxy = LightClients.ec2(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            proxy.inject("ReplaceRoute", new FaultProxy.Fault.Error(503, "Unavailable", "try again"), 1);
            proxy.inject("ReplaceRoute", new FaultProxy.Fault.Error(500, "InternalError", "boom"), 100);

            assertThatThrownBy(() -> viaProxy.replaceRoute(r -> r.routeTableId("rtb-0000000000000dead")
                    .destinationCidrBlock("0.0.0.0/0").networkInterfaceId("eni-0000000000000dead")))
                    .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalError");
                        assertThat(e.statusCode()).isEqualTo(500);
                    });
            assertThat(proxy.seen("ReplaceRoute")).as("the SDK's standard attempt count").isEqualTo(3);
        }
    }

    @Test
    void aLostResponseIsRetriedAndTheRetrySeesWhatTheFirstAttemptDid() {
        String table = aws.uniqueName("light");
        OwnershipTable.create(aws.dynamoDb(), table);
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON)) {
            DynamoDbClient viaProxy = LightClients.dynamoDb(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            proxy.inject("PutItem", new FaultProxy.Fault.LostResponse(), 1);

            // The first attempt wrote; its reply was lost; the retry's condition then fails, as with the SDK client.
            assertThatThrownBy(() -> viaProxy.putItem(r -> r.tableName(table).item(item("a", "1"))
                    .conditionExpression("attribute_not_exists(pk)")))
                    .isInstanceOf(ConditionalCheckFailedException.class);
            assertThat(proxy.forwarded("PutItem")).isEqualTo(2);
            assertThat(aws.dynamoDb().getItem(r -> r.tableName(table).key(key("a"))).item()).containsEntry("v", s("1"));
        }
    }

    @Test
    void dynamoDbItemsConditionsTransactionsAndPagesAreTheSdks() {
        String table = aws.uniqueName("light");
        OwnershipTable.create(aws.dynamoDb(), table);
        IntStream.range(0, 5).forEach(i -> ddb.putItem(r -> r.tableName(table).item(Map.of(OwnershipTable.PK, s("p"),
                OwnershipTable.SK, s("s" + i), "n", AttributeValue.fromN(Integer.toString(i)), "l",
                AttributeValue.fromL(List.of(s("x"), AttributeValue.fromBool(true))), "m", AttributeValue.fromM(Map.of("k", s("v")))))));
        QueryRequest q = QueryRequest.builder().tableName(table).keyConditionExpression("pk = :p")
                .expressionAttributeValues(Map.of(":p", s("p"))).limit(2).build();

        var light = ddb.queryPaginator(q).items().stream().toList();
        assertThat(light).hasSize(5).isEqualTo(aws.dynamoDb().queryPaginator(q).items().stream().toList());
        assertThat(ddb.getItem(r -> r.tableName(table).key(Map.of(OwnershipTable.PK, s("p"), OwnershipTable.SK, s("s3")))).item())
                .containsEntry("n", AttributeValue.fromN("3"));

        assertThatThrownBy(() -> ddb.updateItem(r -> r.tableName(table).key(Map.of(OwnershipTable.PK, s("p"), OwnershipTable.SK, s("s1")))
                .updateExpression("SET n = :n").conditionExpression("n = :old")
                .expressionAttributeValues(Map.of(":n", AttributeValue.fromN("9"), ":old", AttributeValue.fromN("7")))))
                .isInstanceOfSatisfying(ConditionalCheckFailedException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ConditionalCheckFailedException");
                    assertThat(e.statusCode()).isEqualTo(400);
                });

        assertThatThrownBy(() -> ddb.transactWriteItems(r -> r.transactItems(
                t -> t.put(p -> p.tableName(table).item(item("t1", "1"))),
                t -> t.conditionCheck(c -> c.tableName(table).key(Map.of(OwnershipTable.PK, s("p"), OwnershipTable.SK, s("s2")))
                        .conditionExpression("attribute_not_exists(pk)")))))
                .isInstanceOfSatisfying(TransactionCanceledException.class, e -> assertThat(e.cancellationReasons())
                        .extracting(r -> r.code()).containsExactly("None", "ConditionalCheckFailed"));
        assertThat(aws.dynamoDb().getItem(r -> r.tableName(table).key(key("t1"))).hasItem()).isFalse();
        assertThat(calls.attempts("DynamoDb.TransactWriteItems")).as("a cancelled transaction is not retried").isEqualTo(1);

        var batch = ddb.batchGetItem(r -> r.requestItems(Map.of(table, software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes
                .builder().keys(Map.of(OwnershipTable.PK, s("p"), OwnershipTable.SK, s("s0")), key("missing")).build())));
        assertThat(batch.responses().get(table)).hasSize(1);
        ddb.deleteItem(r -> r.tableName(table).key(Map.of(OwnershipTable.PK, s("p"), OwnershipTable.SK, s("s0"))));
        assertThat(aws.dynamoDb().getItem(r -> r.tableName(table).key(Map.of(OwnershipTable.PK, s("p"), OwnershipTable.SK, s("s0")))).hasItem())
                .isFalse();
    }

    @Test
    void tableAdministrationFallsBackToTheSdkClient() {
        String table = aws.uniqueName("light-admin");
        OwnershipTable.create(ddb, table);
        assertThat(aws.dynamoDb().describeTable(r -> r.tableName(table)).table().tableName()).isEqualTo(table);
    }

    @Test
    void dynamoDbRetriesThrottlingButNotAConditionFailure() {
        String table = aws.uniqueName("light");
        OwnershipTable.create(aws.dynamoDb(), table);
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("DynamoDB").orElseThrow(), FaultProxy.Dialect.DYNAMODB_JSON)) {
            DynamoDbClient viaProxy = LightClients.dynamoDb(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            proxy.inject("PutItem", FaultProxy.Fault.throttle(), 2);
            viaProxy.putItem(r -> r.tableName(table).item(item("b", "1")));
            assertThat(calls.attempts("DynamoDb.PutItem")).isEqualTo(3);
            assertThat(calls.calls("DynamoDb.PutItem")).isEqualTo(1);
        }
    }

    @Test
    void aCallWithTooLittleTimeLeftIsNotSent() {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Ec2Api viaProxy = LightClients.ec2(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            assertThatThrownBy(() -> CallDeadline.within(System.nanoTime() + Duration.ofMillis(100).toNanos(),
                    () -> viaProxy.describeRouteTables(r -> r.maxResults(5))))
                    .isInstanceOf(SdkClientException.class).hasMessageContaining("Ec2.DescribeRouteTables");
            assertThat(proxy.seen("DescribeRouteTables")).isZero();
        }
    }

    @Test
    void aHeldCallEndsAtTheDeadlineNotAtTheSocketTimeout() {
        try (FaultProxy proxy = FaultProxy.start(aws.endpoint("EC2").orElseThrow(), FaultProxy.Dialect.EC2_QUERY)) {
            Ec2Api viaProxy = LightClients.ec2(aws.region(), aws.credentials(), proxy.endpoint(), List.of(calls));
            proxy.inject("DescribeRouteTables", new FaultProxy.Fault.Hold(), 10);
            assertThatThrownBy(() -> CallDeadline.within(System.nanoTime() + Duration.ofMillis(1500).toNanos(),
                    () -> viaProxy.describeRouteTables(r -> r.maxResults(5)))).isInstanceOf(SdkClientException.class);
            proxy.release();
            // One attempt read until the deadline (its read timeout cut to what was left); no retry started after it.
            assertThat(calls.attempts("Ec2.DescribeRouteTables")).isEqualTo(1);
        }
    }

    @Test
    void cloudWatchReadsEqualTheSdkClients() {
        CloudWatchClient cw = LightClients.cloudWatch(aws.region(), aws.credentials(), aws.endpoint("CloudWatch").orElseThrow(), List.of(calls));
        aws.cloudWatch().putMetricAlarm(r -> r.alarmName(aws.uniqueName("light-alarm")).namespace("Light/Test").metricName("M")
                .statistic("Average").period(60).evaluationPeriods(1).threshold(1.0).comparisonOperator("GreaterThanThreshold"));
        assertThat(cw.describeAlarmsPaginator(r -> r.alarmNamePrefix("light-alarm")).metricAlarms().stream().toList())
                .isEqualTo(aws.cloudWatch().describeAlarmsPaginator(r -> r.alarmNamePrefix("light-alarm")).metricAlarms().stream().toList());
        assertThatThrownBy(() -> cw.listMetrics(r -> r.namespace("x"))).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void withASharedConfigFileTheFactoryBuildsTheSdksGeneratedClientsWhichWorkAgainstTheEmulator(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("config"), "[default]\nregion = " + aws.region().id() + "\n");
        List<String> afterExecution = new CopyOnWriteArrayList<>();
        // The light clients call beforeExecution and beforeTransmission only; afterExecution is the generated client's.
        ExecutionInterceptor completed = new ExecutionInterceptor() {
            @Override
            public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
                afterExecution.add(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME));
            }
        };
        String vpc = aws.ec2().createVpc(r -> r.cidrBlock("10.43.0.0/16")).vpc().vpcId();
        Map<String, String> properties = Map.of("aws.configFile", config.toString(),
                "aws.endpointUrlEc2", aws.endpoint("EC2").orElseThrow().toString(),
                "aws.endpointUrlCloudWatch", aws.endpoint("CloudWatch").orElseThrow().toString());
        Map<String, String> before = new java.util.HashMap<>();
        properties.forEach((k, v) -> before.put(k, System.setProperty(k, v)));
        try {
            Ec2Api sdkEc2 = LightClients.ec2(aws.region(), aws.credentials(), List.of(calls, completed));
            CloudWatchClient sdkCw = LightClients.cloudWatch(aws.region(), aws.credentials(), List.of(calls, completed));

            assertThat(sdkEc2).isInstanceOfSatisfying(Ec2Api.Sdk.class,
                    c -> assertThat(c.client().getClass().getSimpleName()).isEqualTo("DefaultEc2Client"));
            assertThat(sdkCw).isNotInstanceOf(LightCloudWatchClient.class);
            assertThat(sdkEc2.describeRouteTables(r -> r.filters(f -> f.name("vpc-id").values(vpc))).routeTables())
                    .hasSize(1).isEqualTo(aws.ec2().describeRouteTables(r -> r.filters(f -> f.name("vpc-id").values(vpc))).routeTables());
            sdkCw.describeAlarms(r -> r.alarmNamePrefix("none-"));
            assertThat(afterExecution).containsExactly("DescribeRouteTables", "DescribeAlarms");
            assertThat(calls.calls("Ec2.DescribeRouteTables")).as("the interceptors are passed on").isEqualTo(1);
        } finally {
            before.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
        // Without the file (and any FIPS/dual-stack setting in this environment) the same entry point is light again.
        assertThat(LightSettings.sdkRequiredBy()).as("this machine has a setting that turns the light clients off; run without"
                + " ~/.aws/config, ~/.aws/credentials, AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE and FIPS/dual-stack settings").isEmpty();
        assertThat(LightClients.ec2(aws.region(), aws.credentials(), List.of())).isInstanceOf(LightEc2Client.class);
    }

    @Test
    void aThrottledAssumeRoleCostsTheSameStsCallsAsUnderTheSdkClientNotOneRoundPerAttempt(LocalAws aws) {
        // The fleet's per-account credentials: the light client resolves them once per call, as the SDK client does;
        // resolved inside its retry loop, each EC2 attempt re-ran the STS client's own retries (9 calls, not 3).
        try (FaultProxy sts = FaultProxy.start(aws.endpoint("STS").orElseThrow(), FaultProxy.Dialect.AWS_QUERY)) {
            sts.inject("AssumeRole", new FaultProxy.Fault.Throttle("Throttling"), 1000);
            software.amazon.awssdk.services.sts.StsClient stsClient = io.github.vpcroutefailover.aws.AwsClients.tune(
                    aws.configure(software.amazon.awssdk.services.sts.StsClient.builder(), "STS").endpointOverride(sts.endpoint()),
                    software.amazon.awssdk.core.retry.RetryMode.STANDARD).build();
            var credentials = io.github.vpcroutefailover.aws.sts.AssumedRoles.provider(stsClient, "arn:aws:iam::111111111111:role/x",
                    "ext-id", "light-clients-it");
            Ec2Client sdk = io.github.vpcroutefailover.aws.AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")
                    .credentialsProvider(credentials)).build();
            assertThatThrownBy(sdk::describeRouteTables).isInstanceOf(software.amazon.awssdk.services.sts.model.StsException.class);
            long underSdk = sts.seen("AssumeRole");
            sts.resetCounts();
            Ec2Api light = LightClients.ec2(aws.region(), credentials, aws.endpoint("EC2").orElseThrow(), List.of());

            assertThatThrownBy(() -> light.describeRouteTables(DescribeRouteTablesRequest.builder().build())).isInstanceOf(software.amazon.awssdk.services.sts.model.StsException.class);
            assertThat(underSdk).as("the STS client's own attempts").isEqualTo(3);
            assertThat(sts.seen("AssumeRole")).as("AssumeRole calls under the light client").isEqualTo(underSdk);
        }
    }

    private static AttributeValue s(String v) {
        return AttributeValue.fromS(v);
    }

    private static Map<String, AttributeValue> key(String pk) {
        return Map.of(OwnershipTable.PK, s(pk), OwnershipTable.SK, s("x"));
    }

    private static Map<String, AttributeValue> item(String pk, String v) {
        return Map.of(OwnershipTable.PK, s(pk), OwnershipTable.SK, s("x"), "v", s(v));
    }
}
