package io.github.vpcroutefailover.aws.ec2;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.vpcroutefailover.aws.AwsClients;
import io.github.vpcroutefailover.domain.model.ObservedEni;
import io.github.vpcroutefailover.domain.model.ObservedInstance;
import io.github.vpcroutefailover.testsupport.LocalAws;
import io.github.vpcroutefailover.testsupport.LocalAwsExtension;
import io.github.vpcroutefailover.testsupport.TestNetwork;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.ec2.Ec2Client;

@ExtendWith(LocalAwsExtension.class)
class Ec2InstancesIT {

    private static Ec2Instances adapter(LocalAws aws) {
        return new Ec2Instances(AwsClients.tuneEc2(aws.configure(Ec2Client.builder(), "EC2")).build());
    }

    @Test
    void describesInstancesByIdInOneCallAndSkipsUnknownIds(LocalAws aws) {
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String a = net.instance(0, "role=nat");
            String b = net.instance(1, "role=nat");
            net.stopInstance(b);
            Ec2Instances instances = adapter(aws);
            aws.calls().reset();

            List<ObservedInstance> found = instances.describeInstances(List.of(a, b, "i-0123456789abcdef0"));

            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.DescribeInstances", 1L));
            assertThat(found).extracting(ObservedInstance::instanceId).containsExactlyInAnyOrder(a, b);
            ObservedInstance ia = found.stream().filter(i -> i.instanceId().equals(a)).findFirst().orElseThrow();
            assertThat(ia.running()).isTrue();
            assertThat(ia.zone()).isEqualTo(net.zone(0));
            assertThat(ia.tags()).containsEntry("role", "nat");
            assertThat(ia.enis()).singleElement().satisfies(e -> {
                assertThat(e.eniId()).isEqualTo(net.primaryEni(a));
                assertThat(e.deviceIndex()).isZero();
                assertThat(e.attachedInstanceId()).isEqualTo(a);
                assertThat(e.sourceDestCheck()).isTrue();
                assertThat(e.zone()).isEqualTo(net.zone(0));
            });
            assertThat(found).filteredOn(i -> i.instanceId().equals(b)).singleElement()
                    .satisfies(i -> assertThat(i.state()).isIn("stopping", "stopped"));
            assertThat(instances.describeInstances(List.of())).isEmpty();
        }
    }

    @Test
    void findsNonTerminatedInstancesByTagsInTheVpcOnly(LocalAws aws) {
        try (TestNetwork net = TestNetwork.create(aws, 2)) {
            String dnsA = net.instance(0, "role=dns", "env=prod");
            String dnsB = net.instance(1, "role=dns", "env=prod");
            net.instance(1, "role=dns", "env=test");
            String gone = net.instance(0, "role=dns", "env=prod");
            aws.ec2().terminateInstances(r -> r.instanceIds(gone));
            try (TestNetwork other = TestNetwork.create(aws, 1)) {
                other.instance(0, "role=dns", "env=prod");
                Ec2Instances instances = adapter(aws);

                assertThat(instances.findInstances(net.vpcId(), Map.of("role", "dns", "env", "prod")))
                        .extracting(ObservedInstance::instanceId).containsExactlyInAnyOrder(dnsA, dnsB);
                assertThat(instances.findInstances(net.vpcId(), Map.of("env", "*"))).hasSize(3);
            }
        }
    }

    @Test
    void describesEnisAndDisablesSourceDestCheckWithAndWithoutDryRun(LocalAws aws) {
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            String nat = net.instance(0);
            String eni = net.primaryEni(nat);
            Ec2Instances instances = adapter(aws);

            List<ObservedEni> enis = instances.describeEnis(List.of(eni, "eni-0123456789abcdef0"));
            assertThat(enis).singleElement().satisfies(e -> {
                assertThat(e.attachedInstanceId()).isEqualTo(nat);
                assertThat(e.sourceDestCheck()).isTrue();
                assertThat(e.zone()).isEqualTo(net.zone(0));
            });

            // DryRun validates the permission and changes nothing.
            assertThat(instances.disableSourceDestCheck(eni, true)).isTrue();
            assertThat(instances.describeEnis(List.of(eni)).get(0).sourceDestCheck()).isTrue();

            aws.calls().reset();
            assertThat(instances.disableSourceDestCheck(eni, false)).isTrue();
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.ModifyNetworkInterfaceAttribute", 1L));
            assertThat(instances.describeEnis(List.of(eni)).get(0).sourceDestCheck()).isFalse();
            assertThat(instances.describeInstances(List.of(nat)).get(0).enis().get(0).sourceDestCheck()).isFalse();
        }
    }

    @Test
    void statusChecksOfRunningInstancesAreReadInOneCall(LocalAws aws) {
        try (TestNetwork net = TestNetwork.create(aws, 1)) {
            String a = net.instance(0);
            String b = net.instance(0);
            Ec2Instances instances = adapter(aws);
            aws.calls().reset();
            // moto reports every running instance's checks as "ok"; it cannot simulate an impaired one.
            assertThat(instances.impairedInstances(List.of(a, b))).isEmpty();
            assertThat(aws.calls().snapshot()).isEqualTo(Map.of("Ec2.DescribeInstanceStatus", 1L));
        }
    }
}
