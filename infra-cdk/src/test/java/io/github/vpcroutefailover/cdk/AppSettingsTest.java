package io.github.vpcroutefailover.cdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppSettingsTest {

    private static AppSettings read(Map<String, Object> context) {
        return AppSettings.fromContext(context::get);
    }

    private static Map<String, Object> ctx(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        m.put("configPath", "routes.yaml");
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        AppSettings s = read(ctx());
        assertThat(s.configPath()).isEqualTo(Path.of("routes.yaml"));
        assertThat(s.stackName()).isEqualTo("VpcRouteFailover");
        assertThat(s.scheduleMinutes()).isEqualTo(1);
        assertThat(s.vpcEndpoints()).isTrue();
        assertThat(s.tableDeletionProtection()).isTrue();
        assertThat(s.reservedConcurrency()).isTrue();
        assertThat(s.logRetentionDays()).isEqualTo(30);
        assertThat(s.alarmPrefix()).isEqualTo("vrf-VpcRouteFailover-");
        assertThat(s.notificationTopic()).isNull();
        assertThat(s.probeSubnets()).isEmpty();
        assertThat(s.asgNames()).isEmpty();
        assertThat(s.functionJar()).isNull();
    }

    @Test
    void commandLineStringsAndCdkJsonValuesBothWork() {
        // -c values arrive as strings; cdk.json values as JSON types (lists, booleans, numbers).
        AppSettings cli = read(ctx("probeSubnets", "subnet-0aaaaaaaaaaaaaaaa:eu-west-1a:rtb-0aaaaaaaaaaaaaaaa, subnet-0bbbbbbbbbbbbbbbb:eu-west-1b:rtb-0bbbbbbbbbbbbbbbb",
                "vpcCidr", "10.0.0.0/16", "asgNames", "nat-asg,other-asg", "vpcEndpoints", "false", "scheduleMinutes", "5"));
        AppSettings json = read(ctx("probeSubnets", List.of("subnet-0aaaaaaaaaaaaaaaa:eu-west-1a:rtb-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb:eu-west-1b:rtb-0bbbbbbbbbbbbbbbb"),
                "vpcCidr", "10.0.0.0/16", "asgNames", List.of("nat-asg", "other-asg"), "vpcEndpoints", false, "scheduleMinutes", 5));
        assertThat(cli).isEqualTo(json);
        assertThat(cli.probeSubnets()).containsExactly(
                new ProbeSubnet("subnet-0aaaaaaaaaaaaaaaa", "eu-west-1a", "rtb-0aaaaaaaaaaaaaaaa"),
                new ProbeSubnet("subnet-0bbbbbbbbbbbbbbbb", "eu-west-1b", "rtb-0bbbbbbbbbbbbbbbb"));
        assertThat(cli.asgNames()).containsExactly("nat-asg", "other-asg");
        assertThat(cli.scheduleMinutes()).isEqualTo(5);
        assertThat(cli.vpcEndpoints()).isFalse();
    }

    @Test
    void everyProblemIsReportedAtOnceWithItsKeyAndTheFix() {
        Map<String, Object> bad = new HashMap<>();
        bad.put("vpcId", "vpc-xyz");
        bad.put("probeSubnets", "subnet-0aaaaaaaaaaaaaaaa");
        bad.put("scheduleMinutes", "0");
        bad.put("vpcEndpoints", "yes");
        bad.put("notificationTopicArn", "my-topic");
        bad.put("logRetentionDays", "31");
        bad.put("asgNames", "bad:name");
        assertThatThrownBy(() -> read(bad)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("configPath: missing; pass the route config, e.g. -c configPath=")
                .hasMessageContaining("vpcId: 'vpc-xyz' is not a VPC id")
                .hasMessageContaining("probeSubnets entry 'subnet-0aaaaaaaaaaaaaaaa' is not subnet-<id>:<availability zone>")
                .hasMessageContaining("vpcCidr: required with probeSubnets")
                .hasMessageContaining("scheduleMinutes: 0 must be a whole number from 1 to 60")
                .hasMessageContaining("vpcEndpoints: 'yes' is not true or false")
                .hasMessageContaining("notificationTopicArn: 'my-topic' is neither 'create' nor an SNS topic ARN")
                .hasMessageContaining("logRetentionDays: 31 is not a retention CloudWatch Logs accepts")
                .hasMessageContaining("asgNames: 'bad:name' is not an Auto Scaling group name")
                .hasMessageStartingWith("invalid CDK context (9 problems)");
    }

    @Test
    void endpointsNeedTheProbeSubnetsRouteTables() {
        // The DynamoDB gateway endpoint is a route in the subnet's route table; without its id it cannot be created.
        assertThatThrownBy(() -> read(ctx("probeSubnets", "subnet-0aaaaaaaaaaaaaaaa:eu-west-1a", "vpcCidr", "10.0.0.0/16")))
                .hasMessageContaining("'subnet-0aaaaaaaaaaaaaaaa' needs its route table");
        assertThat(read(ctx("probeSubnets", "subnet-0aaaaaaaaaaaaaaaa:eu-west-1a", "vpcCidr", "10.0.0.0/16", "vpcEndpoints", "false"))
                .probeSubnets()).containsExactly(new ProbeSubnet("subnet-0aaaaaaaaaaaaaaaa", "eu-west-1a", null));
    }

    @Test
    void aSubnetListedTwiceIsAnError() {
        assertThatThrownBy(() -> read(ctx("vpcCidr", "10.0.0.0/16", "vpcEndpoints", "false",
                "probeSubnets", "subnet-0aaaaaaaaaaaaaaaa:eu-west-1a,subnet-0aaaaaaaaaaaaaaaa:eu-west-1a")))
                .hasMessageContaining("a subnet is listed twice");
    }

    @Test
    void topicMayBeCreatedOrExisting() {
        assertThat(read(ctx("notificationTopicArn", "create")).notificationTopic()).isEqualTo("create");
        assertThat(read(ctx("notificationTopicArn", "arn:aws:sns:eu-west-1:111111111111:ops")).notificationTopic())
                .isEqualTo("arn:aws:sns:eu-west-1:111111111111:ops");
    }

    @Test
    void probeSubnetEntriesAreValidatedPartByPart() {
        assertThatThrownBy(() -> ProbeSubnet.parse("subnet-0aaaaaaaaaaaaaaaa:westeurope"))
                .hasMessageContaining("'westeurope' is not an availability zone name");
        assertThatThrownBy(() -> ProbeSubnet.parse("sn-1:eu-west-1a")).hasMessageContaining("'sn-1' is not a subnet id");
        assertThatThrownBy(() -> ProbeSubnet.parse("subnet-0aaaaaaaaaaaaaaaa:eu-west-1a:rt-1")).hasMessageContaining("'rt-1' is not a route table id");
        assertThat(ProbeSubnet.parse(" subnet-0123abcd:us-gov-west-1a ")).isEqualTo(new ProbeSubnet("subnet-0123abcd", "us-gov-west-1a", null));
    }
}
