package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.aws.light.CannedXmlHttp;
import io.github.vpcroutefailover.aws.light.Ec2Api;
import io.github.vpcroutefailover.aws.light.LightClients;
import io.github.vpcroutefailover.aws.light.LightEc2Client;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
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
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.model.DescribeInstanceStatusResponse;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;

/**
 * The light client's DescribeInstances is read from the XML answer ({@link Ec2Instances#map(software.amazon.awssdk.protocols.query.unmarshall.XmlElement)}),
 * every other client's from the SDK's models: on the same bytes both readings must give the same instances.
 * (Against moto, with the SDK's generated client: LightClientsIT.)
 */
class Ec2InstancesXmlTest {
    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";

    @Test
    void anAwsShapedAnswerReadsTheSameAsThroughTheSdkModels() {
        String body = CannedXmlHttp.resource("/io/github/vpcroutefailover/handler/priming/DescribeInstances.xml");
        List<ObservedInstance> xml = new Ec2Instances(light(req -> body, new ArrayList<>())).describeInstances(List.of("i-0123456789abcdef0"));
        List<ObservedInstance> sdk = new Ec2Instances(CannedXmlHttp.viaModels(light(req -> body, new ArrayList<>()))).describeInstances(List.of("i-0123456789abcdef0"));

        assertThat(xml).isEqualTo(sdk).singleElement().satisfies(i -> {
            assertThat(i.instanceId()).isEqualTo("i-0123456789abcdef0");
            assertThat(i.state()).isEqualTo("running");
            assertThat(i.zone()).isEqualTo("us-east-1a");
            assertThat(i.launchTime()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
            assertThat(i.tags()).containsOnly(Map.entry("Name", "nat-a"), Map.entry("role", "nat"));
            assertThat(i.enis()).containsExactly(new ObservedEni("eni-0123456789abcdef0", "i-0123456789abcdef0", 0, "us-east-1a",
                    "subnet-0123456789abcdef0", "10.0.0.10", false, "in-use"));
        });
    }

    @Test
    void absentMembersReadAsTheSdkReadsThemAndEveryPageIsRead() {
        // Page 1: an instance with nothing optional, one with an empty tag value, a second ENI without attachment
        // or sourceDestCheck, and an unknown member; page 2 after the token; an empty token ends the paging.
        String page1 = answer("""
                <reservationSet><item><reservationId>r-1</reservationId><instancesSet>
                  <item><instanceId>i-bare</instanceId></item>
                  <item><instanceId>i-full</instanceId><instanceState><code>80</code><name>stopped</name></instanceState>
                    <placement><availabilityZone>eu-west-1b</availabilityZone></placement><launchTime>2025-03-04T05:06:07Z</launchTime>
                    <someFutureMember><x>1</x></someFutureMember>
                    <tagSet><item><key>empty</key><value></value></item><item><key>novalue</key></item></tagSet>
                    <networkInterfaceSet>
                      <item><networkInterfaceId>eni-2</networkInterfaceId><attachment><deviceIndex>1</deviceIndex></attachment>
                        <sourceDestCheck>true</sourceDestCheck><status>in-use</status></item>
                      <item><networkInterfaceId>eni-3</networkInterfaceId></item>
                    </networkInterfaceSet></item>
                </instancesSet></item></reservationSet><nextToken>page-2</nextToken>""");
        String page2 = answer("""
                <reservationSet><item><instancesSet><item><instanceId>i-next</instanceId></item></instancesSet></item>
                <item><instancesSet/></item></reservationSet><nextToken></nextToken>""");
        Function<String, String> pages = req -> req.contains("NextToken=page-2") ? page2 : page1;
        List<String> requests = new ArrayList<>();

        List<ObservedInstance> xml = new Ec2Instances(light(pages, requests)).findInstances("vpc-1", Map.of("role", "nat"));
        List<ObservedInstance> sdk = new Ec2Instances(CannedXmlHttp.viaModels(light(pages, new ArrayList<>()))).findInstances("vpc-1", Map.of("role", "nat"));

        assertThat(xml).isEqualTo(sdk).extracting(ObservedInstance::instanceId).containsExactly("i-bare", "i-full", "i-next");
        assertThat(requests).as("two pages, the second with the first's token").hasSize(2);
        assertThat(requests.get(1)).contains("NextToken=page-2");
        ObservedInstance bare = xml.get(0);
        assertThat(bare.state()).isEqualTo("unknown");
        assertThat(bare.zone()).isNull();
        assertThat(bare.launchTime()).isNull();
        assertThat(bare.tags()).isEmpty();
        assertThat(bare.enis()).isEmpty();
        assertThat(xml.get(1).tags()).containsOnly(Map.entry("empty", ""), Map.entry("novalue", ""));
        assertThat(xml.get(1).enis()).extracting(ObservedEni::deviceIndex, ObservedEni::sourceDestCheck).containsExactly(
                org.assertj.core.groups.Tuple.tuple(1, true), org.assertj.core.groups.Tuple.tuple(-1, true));
    }

    @Test
    void impairedInstancesReadTheSameFromXmlAsFromTheModelsOverEveryPage() {
        String page1 = "<DescribeInstanceStatusResponse xmlns=\"" + NS + "\"><instanceStatusSet>"
                + status("i-ok", "ok", "ok") + status("i-sick", "impaired", "ok") + status("i-host", "ok", "impaired")
                + status("i-init", "initializing", "insufficient-data") + "<item><instanceId>i-bare</instanceId></item>"
                + "</instanceStatusSet><nextToken>t2</nextToken></DescribeInstanceStatusResponse>";
        String page2 = "<DescribeInstanceStatusResponse xmlns=\"" + NS + "\"><instanceStatusSet>" + status("i-late", "impaired", "impaired")
                + "</instanceStatusSet></DescribeInstanceStatusResponse>";
        Function<String, String> pages = req -> req.contains("NextToken=t2") ? page2 : page1;
        List<String> ids = List.of("i-ok", "i-sick", "i-host", "i-init", "i-bare", "i-late");
        Ec2Api viaModels = CannedXmlHttp.viaModels(light(pages, new ArrayList<>()));

        assertThat(new Ec2Instances(light(pages, new ArrayList<>())).impairedInstances(ids))
                .isEqualTo(new Ec2Instances(viaModels).impairedInstances(ids))
                .containsExactlyInAnyOrder("i-sick", "i-host", "i-late");
    }

    private static String status(String id, String instance, String system) {
        return "<item><instanceId>" + id + "</instanceId><instanceStatus><status>" + instance + "</status></instanceStatus>"
                + "<systemStatus><status>" + system + "</status></systemStatus></item>";
    }

    @Test
    void anErrorAnswerIsTheSdksExceptionAndATruncatedOneAClientError() {
        LightEc2Client refusing = light(req -> { throw CannedXmlHttp.Refused.ec2Unauthorized(); }, new ArrayList<>());
        assertThatThrownBy(() -> new Ec2Instances(refusing).describeInstances(List.of("i-1")))
                .isInstanceOfSatisfying(Ec2Exception.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnauthorizedOperation");
                    assertThat(e.statusCode()).isEqualTo(403);
                });
        LightEc2Client truncated = light(req -> "<DescribeInstancesResponse xmlns=\"" + NS + "\"><reservationSet><item>", new ArrayList<>());
        assertThatThrownBy(() -> new Ec2Instances(truncated).describeInstances(List.of("i-1"))).isInstanceOf(SdkClientException.class);
    }

    @Test
    void oddMemberValuesReadAsTheSdkReadsThem() {
        // Booleans as Boolean.parseBoolean reads them, a state without a name, a repeated member (the first wins).
        StringBuilder enis = new StringBuilder();
        for (String v : new String[] {"FALSE", "False", "", " false", "0", "yes", "TRUE", "true"}) {
            enis.append("<item><networkInterfaceId>eni-").append(v.trim().isEmpty() ? "blank" : v.trim()).append("</networkInterfaceId>")
                    .append("<sourceDestCheck>").append(v).append("</sourceDestCheck></item>");
        }
        String body = answer("<reservationSet><item><instancesSet>"
                + "<item><instanceId>i-1</instanceId><instanceId>i-second</instanceId><instanceState><code>0</code></instanceState>"
                + "<networkInterfaceSet>" + enis + "</networkInterfaceSet></item>"
                + "</instancesSet></item></reservationSet>");

        List<ObservedInstance> xml = new Ec2Instances(light(req -> body, new ArrayList<>())).describeInstances(List.of("i-1"));

        assertThat(xml).isEqualTo(new Ec2Instances(CannedXmlHttp.viaModels(light(req -> body, new ArrayList<>()))).describeInstances(List.of("i-1")));
        assertThat(xml.get(0).instanceId()).isEqualTo("i-1");
        assertThat(xml.get(0).enis()).extracting(ObservedEni::sourceDestCheck)
                .containsExactly(false, false, false, false, false, false, true, true);
    }

    @Test
    void anUnreadableMemberIsAClientErrorOnBothPaths() {
        String body = answer("<reservationSet><item><instancesSet><item><instanceId>i-1</instanceId><networkInterfaceSet><item>"
                + "<attachment><deviceIndex>first</deviceIndex></attachment></item></networkInterfaceSet></item></instancesSet></item>"
                + "</reservationSet>");
        assertThatThrownBy(() -> new Ec2Instances(light(req -> body, new ArrayList<>())).describeInstances(List.of("i-1")))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("Ec2.DescribeInstances");
        assertThatThrownBy(() -> new Ec2Instances(CannedXmlHttp.viaModels(light(req -> body, new ArrayList<>()))).describeInstances(List.of("i-1")))
                .isInstanceOf(SdkClientException.class);
    }

    @Test
    void aBodyThatIsNotTheAnswerIsAnErrorNotAnEmptyList() {
        // Stricter than the SDK's models on purpose: an empty 200 or a proxy's HTML page must not read as "no instances".
        for (String body : new String[] {"", "<html><body>Service Unavailable</body></html>",
                "<DescribeInstanceStatusResponse xmlns=\"" + NS + "\"/>"}) {
            assertThatThrownBy(() -> new Ec2Instances(light(req -> body, new ArrayList<>())).describeInstances(List.of("i-1")))
                    .as(body).isInstanceOf(SdkClientException.class).hasMessageContaining("DescribeInstancesResponse");
        }
    }

    @Test
    void aRepeatedPageTokenEndsTheReadInsteadOfLooping() {
        String body = answer("<reservationSet><item><instancesSet><item><instanceId>i-1</instanceId></item></instancesSet></item>"
                + "</reservationSet><nextToken>same</nextToken>");
        List<String> requests = new ArrayList<>();
        assertThatThrownBy(() -> new Ec2Instances(light(req -> body, requests)).describeInstances(List.of("i-1")))
                .isInstanceOf(SdkClientException.class).hasMessageContaining("same");
        assertThat(requests).as("the first page, then the page for 'same', which answers 'same' again").hasSize(2);
    }

    private static String answer(String inner) {
        return "<DescribeInstancesResponse xmlns=\"" + NS + "\"><requestId>r</requestId>" + inner + "</DescribeInstancesResponse>";
    }

    private static LightEc2Client light(Function<String, String> answerOf, List<String> requests) {
        SdkHttpClient http = CannedXmlHttp.http(answerOf, requests);
        return (LightEc2Client) LightClients.ec2(Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")),
                URI.create("https://ec2.test.invalid"), List.of(), http);
    }
}
