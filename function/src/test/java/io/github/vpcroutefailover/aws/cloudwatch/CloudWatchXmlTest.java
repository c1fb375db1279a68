package io.github.vpcroutefailover.aws.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.cloudwatch.CloudWatchReads.Alarm;
import io.github.vpcroutefailover.aws.cloudwatch.CloudWatchReads.MetricData;
import io.github.vpcroutefailover.aws.light.CannedXmlHttp;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.light.LightCloudWatchClient;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.InvalidNextTokenException;

/**
 * The light client's DescribeAlarms and GetMetricData are read from the XML answer, every other client's from the
 * SDK's models: on the same bytes both readings must give the same records. (Against moto: CloudWatchHealthSourcesIT.)
 */
class CloudWatchXmlTest {
    private static final String NS = "http://monitoring.amazonaws.com/doc/2010-08-01/";
    private static final String PRIMING = "/io/github/vpcroutefailover/handler/priming/";
    private static final DescribeAlarmsRequest ALARMS = DescribeAlarmsRequest.builder().alarmNames("a", "b").build();
    private static final GetMetricDataRequest DATA = GetMetricDataRequest.builder().startTime(Instant.parse("2026-01-01T00:00:00Z"))
            .endTime(Instant.parse("2026-01-01T00:05:00Z")).metricDataQueries(q -> q.id("m0").expression("SEARCH('x', 'Average', 60)")).build();

    private static List<Alarm> alarmsBothWays(Function<String, String> answer) {
        List<Alarm> xml = new ArrayList<>();
        CloudWatchReads.alarms(light(answer, new ArrayList<>()), ALARMS, xml::add);
        List<Alarm> sdk = new ArrayList<>();
        CloudWatchReads.alarms(viaModels(light(answer, new ArrayList<>())), ALARMS, sdk::add);
        assertThat(xml).isEqualTo(sdk);
        return xml;
    }

    private static List<MetricData> dataBothWays(Function<String, String> answer) {
        List<MetricData> xml = new ArrayList<>();
        CloudWatchReads.metricData(light(answer, new ArrayList<>()), DATA, xml::add);
        List<MetricData> sdk = new ArrayList<>();
        CloudWatchReads.metricData(viaModels(light(answer, new ArrayList<>())), DATA, sdk::add);
        assertThat(xml).isEqualTo(sdk);
        return xml;
    }

    @Test
    void theAwsShapedAnswersReadTheSameAsThroughTheSdkModels() {
        assertThat(alarmsBothWays(req -> CannedXmlHttp.resource(PRIMING + "DescribeAlarms.xml")))
                .contains(new Alarm("nat-packet-loss", "OK", "Threshold Crossed: 1 datapoint [0.0 (01/01/26 00:00:00)] was not greater than the threshold (1.0)."));
        assertThat(dataBothWays(req -> CannedXmlHttp.resource(PRIMING + "GetMetricData.xml")))
                .containsExactly(new MetricData("m0", List.of(Instant.parse("2026-01-01T00:00:00Z")), List.of(1.0)));
    }

    @Test
    void oddMembersAndEveryPageReadTheSame() {
        Map<String, String> alarmPages = Map.of(
                "", answer("DescribeAlarms", "<MetricAlarms><member><AlarmName>a</AlarmName><StateValue>ALARM</StateValue><StateReason>r</StateReason>"
                        + "<Unknown><x/></Unknown></member><member><AlarmName>b</AlarmName><StateValue>INSUFFICIENT_DATA</StateValue></member>"
                        + "<member><AlarmName>c</AlarmName><StateValue>alarm</StateValue><StateValue>OK</StateValue></member></MetricAlarms>"
                        + "<CompositeAlarms><member><AlarmName>composite</AlarmName><StateValue>ALARM</StateValue></member></CompositeAlarms>"
                        + "<NextToken>p2</NextToken>"),
                "p2", answer("DescribeAlarms", "<MetricAlarms><member><AlarmName>d</AlarmName><StateValue></StateValue></member></MetricAlarms><NextToken></NextToken>"));
        List<Alarm> alarms = alarmsBothWays(paged(alarmPages));
        assertThat(alarms).extracting(Alarm::name).as("metric alarms of both pages; composite alarms are not read").containsExactly("a", "b", "c", "d");
        assertThat(alarms.get(2).state()).as("the first of a repeated member, as the SDK reads it").isEqualTo("alarm");

        Map<String, String> dataPages = Map.of(
                "", answer("GetMetricData", "<MetricDataResults><member><Id>m0</Id><StatusCode>PartialData</StatusCode>"
                        + "<Timestamps><member>2026-01-01T00:02:00Z</member><member>2026-01-01T00:01:00.500Z</member></Timestamps>"
                        + "<Values><member>1.0</member><member>NaN</member></Values></member>"
                        + "<member><Id>m1</Id><Timestamps/><Values/></member></MetricDataResults><Messages/><NextToken>p2</NextToken>"),
                "p2", answer("GetMetricData", "<MetricDataResults><member><Id>m0</Id><Timestamps><member>2026-01-01T00:00:00Z</member></Timestamps>"
                        + "<Values><member>-2E-3</member></Values></member></MetricDataResults>"));
        List<MetricData> data = dataBothWays(paged(dataPages));
        assertThat(data).extracting(MetricData::id).containsExactly("m0", "m1", "m0");
        assertThat(data.get(0).values()).containsExactly(1.0, Double.NaN);
        assertThat(data.get(0).timestamps()).containsExactly(Instant.parse("2026-01-01T00:02:00Z"), Instant.parse("2026-01-01T00:01:00.500Z"));
        assertThat(data.get(0).then(data.get(2)).values()).containsExactly(1.0, Double.NaN, -0.002);
    }

    @Test
    void errorsAreTheSdksExceptionsAndAnswersThatAreNotAnswersAreErrors() {
        String throttled = "<ErrorResponse xmlns=\"" + NS + "\"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error>"
                + "<RequestId>r</RequestId></ErrorResponse>";
        assertThatThrownBy(() -> CloudWatchReads.alarms(light(req -> { throw new CannedXmlHttp.Refused(403, throttled); }, new ArrayList<>()), ALARMS, a -> { }))
                .isInstanceOfSatisfying(CloudWatchException.class, e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
        String badToken = throttled.replace("AccessDenied", "InvalidNextToken");
        assertThatThrownBy(() -> CloudWatchReads.metricData(light(req -> { throw new CannedXmlHttp.Refused(400, badToken); }, new ArrayList<>()), DATA, d -> { }))
                .isInstanceOf(InvalidNextTokenException.class);
        assertThatThrownBy(() -> CloudWatchReads.alarms(light(req -> "<DescribeAlarmsResponse><DescribeAlarmsResult><MetricAlarms>", new ArrayList<>()), ALARMS, a -> { }))
                .isInstanceOf(SdkClientException.class);
        assertThatThrownBy(() -> CloudWatchReads.alarms(light(req -> "<html>proxy</html>", new ArrayList<>()), ALARMS, a -> { }))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("DescribeAlarmsResponse");
        List<String> requests = new ArrayList<>();
        String same = answer("GetMetricData", "<MetricDataResults/><NextToken>same</NextToken>");
        assertThatThrownBy(() -> CloudWatchReads.metricData(light(req -> same, requests), DATA, d -> { }))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("CloudWatch.GetMetricData").hasMessageContaining("same");
        assertThat(requests).hasSize(2);
    }

    @Test
    void aValueOrTimeThatDoesNotReadAndUnpairedListsAreClientErrors() {
        for (String bad : List.of("<Timestamps><member>yesterday</member></Timestamps><Values><member>1</member></Values>",
                "<Timestamps><member>2026-01-01T00:00:00Z</member></Timestamps><Values><member>one</member></Values>",
                "<Timestamps><member>2026-01-01T00:00:00Z</member></Timestamps><Values/>")) {
            String body = answer("GetMetricData", "<MetricDataResults><member><Id>m0</Id>" + bad + "</member></MetricDataResults>");
            assertThatThrownBy(() -> CloudWatchReads.metricData(light(req -> body, new ArrayList<>()), DATA, d -> { }))
                    .as(bad).isInstanceOf(SdkClientException.class).hasMessageContaining("GetMetricData");
        }
    }

    @Test
    void theRequestsAreTheSdksFormBodies() {
        List<String> requests = new ArrayList<>();
        CloudWatchReads.alarms(light(req -> answer("DescribeAlarms", "<MetricAlarms/>"), requests), ALARMS, a -> { });
        assertThat(requests).singleElement().asString().contains("Action=DescribeAlarms", "AlarmNames.member.1=a", "AlarmNames.member.2=b");
    }

    private static Function<String, String> paged(Map<String, String> byToken) {
        return form -> {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("NextToken=([^&]*)").matcher(form);
            String body = byToken.get(m.find() ? m.group(1) : "");
            if (body == null) {
                throw new AssertionError("no page for " + form);
            }
            return body;
        };
    }

    private static String answer(String operation, String inner) {
        return "<" + operation + "Response xmlns=\"" + NS + "\"><" + operation + "Result>" + inner + "</" + operation + "Result>"
                + "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></" + operation + "Response>";
    }

    /** A CloudWatch client that is not the light one: the sources read the SDK's models (its paginators call these). */
    private static CloudWatchClient viaModels(LightCloudWatchClient light) {
        return new CloudWatchClient() {
            @Override
            public DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest request) {
                return light.describeAlarms(request);
            }

            @Override
            public GetMetricDataResponse getMetricData(GetMetricDataRequest request) {
                return light.getMetricData(request);
            }

            @Override
            public String serviceName() {
                return SERVICE_NAME;
            }

            @Override
            public void close() {
            }
        };
    }

    private static LightCloudWatchClient light(Function<String, String> answerOf, List<String> requests) {
        return (LightCloudWatchClient) LightClients.cloudWatch(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
                URI.create("https://monitoring.test.invalid"), List.of(), CannedXmlHttp.http(answerOf, requests));
    }
}
