package io.github.vpcroutefailover.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.vpcroutefailover.domain.fleet.FleetConfig;
import io.github.vpcroutefailover.domain.fleet.KeyScope;
import io.github.vpcroutefailover.domain.fleet.VpcSite;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class FleetConfigLoaderTest {
    private static final String TWO = """
            version: 1
            checks:
              ec2: {type: ec2-status}
            vpcs:
              - vpc: vpc-0aaaaaaaaaaaaaaaa
                targets:
                  nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [ec2]}
                  nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [ec2]}
                routes:
                  - name: egress-a
                    destination: 0.0.0.0/0
                    routeTables: [{tags: {tier: private}}]
                    targets: [nat-a, nat-b]
              - vpc: vpc-0bbbbbbbbbbbbbbbb
                region: us-east-2
                roleArn: arn:aws:iam::222233334444:role/path/vrf-member
                externalId: vrf-ext-1
                checks:
                  web: {type: tcp, port: 443}
                targets:
                  fw-a: {eni: eni-0aaaaaaaaaaaaaaaa, checks: [ec2, web]}
                routes:
                  - name: egress-b
                    destination: 0.0.0.0/0
                    routeTables: [{main: true}]
                    targets: [fw-a]
            """;

    @Test
    void aSingleVpcFileIsAFleetOfOneHomeSite() {
        FleetConfig fleet = FleetConfigLoader.load(Path.of("../samples/config/nat-two-az.yaml"));
        assertThat(fleet.single()).isTrue();
        assertThat(fleet.sites()).hasSize(1);
        VpcSite site = fleet.sites().get(0);
        assertThat(site.roleArn()).isNull();
        assertThat(site.config()).isEqualTo(ConfigLoader.load(Path.of("../samples/config/nat-two-az.yaml")));
        assertThat(site.scope("111122223333", "eu-west-1")).isEqualTo(KeyScope.HOME);
        assertThat(fleet.needsHomeAccount()).isFalse();
    }

    @Test
    void severalVpcsEachWithItsOwnTargetsAndRoutesShareTheTopLevelChecks() {
        FleetConfig fleet = FleetConfigLoader.parse(TWO, "two.yaml");
        assertThat(fleet.single()).isFalse();
        assertThat(fleet.sites()).extracting(VpcSite::vpcId).containsExactly("vpc-0aaaaaaaaaaaaaaaa", "vpc-0bbbbbbbbbbbbbbbb");
        VpcSite a = fleet.sites().get(0);
        VpcSite b = fleet.sites().get(1);
        assertThat(a.config().checks()).containsOnlyKeys("ec2");
        assertThat(b.config().checks()).containsOnlyKeys("ec2", "web");
        assertThat(a.config().targets()).containsOnlyKeys("nat-a", "nat-b");
        assertThat(b.config().targets()).containsOnlyKeys("fw-a");
        assertThat(b.account()).isEqualTo("222233334444");
        assertThat(b.externalId()).isEqualTo("vrf-ext-1");
        assertThat(b.region()).isEqualTo("us-east-2");
        assertThat(a.scope("111122223333", "eu-west-1")).isEqualTo(KeyScope.HOME);
        assertThat(b.scope("111122223333", "eu-west-1")).isEqualTo(new KeyScope("222233334444", "us-east-2"));
        assertThat(fleet.roleArns()).containsExactly("arn:aws:iam::222233334444:role/path/vrf-member");
        assertThat(fleet.siteOfRoute("egress-b")).contains(b);
        assertThat(fleet.needsHomeAccount()).isTrue();
    }

    @Test
    void aRoleIntoTheControllersOwnAccountAndRegionKeepsTheHomeKeys() {
        VpcSite b = FleetConfigLoader.parse(TWO, "two.yaml").sites().get(1);
        assertThat(b.scope("222233334444", "us-east-2")).isEqualTo(KeyScope.HOME);
    }

    @Test
    void everyProblemOfEveryEntryIsReportedWithItsFullPathAndLine() {
        String yaml = """
                version: 1
                checks:
                  ec2: {type: ec2-status, rise: 0}
                vpcs:
                  - vpc: vpc-0aaaaaaaaaaaaaaaa
                    roleArn: arn:aws:iam::12345:role/x
                    targets:
                      nat-a: {instance: i-0aaaaaaaaaaaaaaaa, checks: [ec2]}
                    routes:
                      - name: egress
                        destination: 10.0.0.1/24
                        routeTables: [{main: true}]
                        targets: [nat-a]
                  - vpc: vpc-0bbbbbbbbbbbbbbbb
                    externalId: lonely
                    regoin: eu-west-1
                    targets:
                      nat-b: {instance: i-0bbbbbbbbbbbbbbbb, checks: [ec2]}
                    routes:
                      - name: egress
                        destination: 0.0.0.0/0
                        routeTables: [{main: true}]
                        targets: [nat-b]
                  - vpc: vpc-0aaaaaaaaaaaaaaaa
                    targets:
                      nat-c: {instance: i-0cccccccccccccccc, checks: [ec2]}
                """;
        assertThatThrownBy(() -> FleetConfigLoader.parse(yaml, "bad.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(p -> p.line() + " " + p.path())
                        .containsExactlyInAnyOrder(
                                "3 checks.ec2.rise",
                                "6 vpcs[0].roleArn",
                                "11 vpcs[0].routes[0].destination",
                                "15 vpcs[1].externalId",
                                "16 vpcs[1].regoin"))
                .hasMessageContaining("did you mean 'region'");
    }

    @Test
    void duplicateVpcsAndRouteNamesAcrossVpcsAreRefused() {
        String yaml = """
                version: 1
                vpcs:
                  - vpc: vpc-0aaaaaaaaaaaaaaaa
                    targets: {gw: {natGateway: nat-0aaaaaaaaaaaaaaaa}}
                    routes: [{name: egress, destination: 0.0.0.0/0, routeTables: [{main: true}], targets: [gw]}]
                  - vpc: vpc-0bbbbbbbbbbbbbbbb
                    targets: {gw: {natGateway: nat-0bbbbbbbbbbbbbbbb}}
                    routes: [{name: egress, destination: 0.0.0.0/0, routeTables: [{main: true}], targets: [gw]}]
                  - vpc: vpc-0aaaaaaaaaaaaaaaa
                    targets: {gw: {natGateway: nat-0cccccccccccccccc}}
                """;
        assertThatThrownBy(() -> FleetConfigLoader.parse(yaml, "dup.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::path)
                        .containsExactlyInAnyOrder("vpcs[1].routes[0].name", "vpcs[2].vpc"))
                .hasMessageContaining("already used in vpcs[0]")
                .hasMessageContaining("already listed at vpcs[0]");
    }

    @Test
    void mixingTheTwoFormatsSaysWhereThingsGo() {
        String yaml = """
                version: 1
                vpc: vpc-0aaaaaaaaaaaaaaaa
                targets: {gw: {natGateway: nat-0aaaaaaaaaaaaaaaa}}
                vpcs:
                  - vpc: vpc-0bbbbbbbbbbbbbbbb
                    checks:
                      ec2: {type: ec2-status}
                    targets: {gw: {natGateway: nat-0bbbbbbbbbbbbbbbb}}
                """;
        assertThatThrownBy(() -> FleetConfigLoader.parse(yaml, "mixed.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::path).containsExactlyInAnyOrder("vpc", "targets"))
                .hasMessageContaining("not both")
                .hasMessageContaining("each VPC lists its own 'targets'");
    }

    @Test
    void anOwnCheckMayNotShadowASharedOne() {
        String yaml = """
                version: 1
                checks: {ec2: {type: ec2-status}}
                vpcs:
                  - vpc: vpc-0bbbbbbbbbbbbbbbb
                    checks: {ec2: {type: ec2-status, statusChecks: false}}
                    targets: {gw: {natGateway: nat-0bbbbbbbbbbbbbbbb}}
                """;
        assertThatThrownBy(() -> FleetConfigLoader.parse(yaml, "shadow.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems())
                        .extracting(ConfigProblem::path).containsExactly("vpcs[0].checks.ec2"));
    }

    @Test
    void hostileValuesAreRefusedWithoutBeingEchoedWhole() {
        String huge = "arn:aws:iam::111122223333:role/" + "x".repeat(5000) + "\u0007";
        String yaml = "version: 1\nvpcs:\n  - vpc: vpc-0bbbbbbbbbbbbbbbb\n    roleArn: \"" + huge.replace("\u0007", "\\a") + "\"\n"
                + "    externalId: 5\n    targets: {gw: {natGateway: nat-0bbbbbbbbbbbbbbbb}}\n";
        assertThatThrownBy(() -> FleetConfigLoader.parse(yaml, "hostile.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.problems()).extracting(ConfigProblem::path).containsExactlyInAnyOrder("vpcs[0].roleArn", "vpcs[0].externalId");
                    assertThat(e.getMessage()).hasSizeLessThan(1000).doesNotContain("\u0007");
                });
    }

    @Test
    void emptyAndOversizedListsAreRefused() {
        assertThatThrownBy(() -> FleetConfigLoader.parse("version: 1\nvpcs: []\n", "empty.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("vpcs"));
        StringBuilder many = new StringBuilder("version: 1\nvpcs:\n");
        for (int i = 0; i <= FleetConfigLoader.MAX_VPCS; i++) {
            many.append("  - vpc: vpc-").append(String.format("%08x", i)).append("\n    targets: {gw: {natGateway: nat-0bbbbbbbbbbbbbbbb}}\n");
        }
        assertThatThrownBy(() -> FleetConfigLoader.parse(many.toString(), "many.yaml"))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).extracting(ConfigProblem::path).containsExactly("vpcs"))
                .hasMessageContaining("split them");
    }

    @Test
    void externalIdsAndRegionsFollowAwsRules() {
        assertThat(FleetConfigLoader.EXTERNAL_ID.matcher("a").matches()).isFalse();
        assertThat(FleetConfigLoader.EXTERNAL_ID.matcher("ab cd").matches()).isFalse();
        assertThat(FleetConfigLoader.EXTERNAL_ID.matcher("Ab+=,.@:/_-9").matches()).isTrue();
        assertThat(FleetConfigLoader.REGION.matcher("us-gov-west-1").matches()).isTrue();
        assertThat(FleetConfigLoader.REGION.matcher("EU-WEST-1").matches()).isFalse();
        for (String arn : List.of("arn:aws:iam::111122223333:role/x", "arn:aws-cn:iam::111122223333:role/a/b/c",
                "arn:aws:iam::111122223333:role/" + "n".repeat(64))) {
            assertThat(FleetConfigLoader.ROLE_ARN.matcher(arn).matches()).as(arn).isTrue();
        }
        for (String arn : List.of("arn:aws:iam::111122223333:user/x", "arn:aws:iam::111122223333:role/",
                "arn:aws:sts::111122223333:role/x", "arn:aws:iam::111122223333:role/" + "n".repeat(65))) {
            assertThat(FleetConfigLoader.ROLE_ARN.matcher(arn).matches()).as(arn).isFalse();
        }
    }

    @Test
    void theSampleFleetParses() {
        FleetConfig fleet = FleetConfigLoader.load(Path.of("../samples/config/fleet-two-accounts.yaml"));
        assertThat(fleet.sites()).extracting(VpcSite::account).containsExactly(null, "222233334444", "333344445555");
        assertThat(fleet.sites().get(2).region()).isEqualTo("us-east-2");
        assertThat(fleet.sites().get(2).config().checks()).containsOnlyKeys("ec2", "nat-agent", "fw-http");
        assertThat(fleet.roleArns()).hasSize(2);
    }
}
