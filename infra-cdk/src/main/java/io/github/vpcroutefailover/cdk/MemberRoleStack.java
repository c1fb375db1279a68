package io.github.vpcroutefailover.cdk;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Aws;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.CfnParameter;
import software.amazon.awscdk.DefaultStackSynthesizer;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.constructs.Construct;

/**
 * The role a central controller assumes in a member account (docs/fleet.md): read the account's VPC route tables,
 * instances and health, and change routes only in the route tables of the listed VPCs. It trusts exactly one
 * principal, the controller's role, and only with the external id.
 *
 * <p>Everything account-specific is a CloudFormation parameter, and the template has no assets and no bootstrap
 * check, so the one synthesized template deploys unchanged to every account of an organization with
 * CloudFormation StackSets (service-managed, automatic deployment to new accounts of an OU).
 */
public class MemberRoleStack extends Stack {
    public static final String DEFAULT_ROLE_NAME = "vrf-member";
    static final List<String> EC2_READ = List.of("ec2:DescribeRouteTables", "ec2:DescribeInstances",
            "ec2:DescribeNetworkInterfaces", "ec2:DescribeInstanceStatus");
    static final List<String> HEALTH_READ = List.of("cloudwatch:GetMetricData", "cloudwatch:DescribeAlarms");

    private final Role role;

    public MemberRoleStack(Construct scope, String id, StackProps props) {
        super(scope, id, StackProps.builder().env(props == null ? null : props.getEnv()).stackName(props == null ? null : props.getStackName())
                .description("VPC Route Failover: the role a central controller assumes in this account")
                // No CDK bootstrap in member accounts: StackSets deploy the plain template.
                .synthesizer(DefaultStackSynthesizer.Builder.create().generateBootstrapVersionRule(false).build()).build());

        CfnParameter controllerRoleArn = CfnParameter.Builder.create(this, "ControllerRoleArn").type("String")
                .description("The controller function's execution role (output ControllerRoleArn of the controller stack)")
                .allowedPattern("arn:aws[a-z-]*:iam::\\d{12}:role/[\\w+=,.@/-]+")
                .constraintDescription("an IAM role ARN, e.g. arn:aws:iam::111122223333:role/VpcRouteFailover-Controller").build();
        CfnParameter externalId = CfnParameter.Builder.create(this, "ExternalId").type("String").noEcho(true)
                .description("The externalId the controller's config gives for VPCs of this account")
                .minLength(2).maxLength(1224).allowedPattern("[\\w+=,.@:/-]+").build();
        CfnParameter vpcIds = CfnParameter.Builder.create(this, "VpcIds").type("CommaDelimitedList")
                .description("VPCs of this account whose route tables the controller may change, e.g. vpc-0aaa,vpc-0bbb").build();
        CfnParameter roleName = CfnParameter.Builder.create(this, "RoleName").type("String").defaultValue(DEFAULT_ROLE_NAME)
                .description("The role's name; the same in every account, so the config's roleArn differs only by account")
                .allowedPattern("[\\w+=,.@-]{1,64}").build();

        // ec2:Vpc wants VPC ARNs: one per listed id, built by joining and splitting (CloudFormation has no map; a join
        // delimiter must be a literal). Partition, region and account are wildcards in the pattern: an identity policy
        // in this account reaches only this account's route tables, and VPC ids are unique.
        List<String> vpcArns = Fn.split(",", Fn.sub("arn:*:ec2:*:*:vpc/${VpcArns}",
                Map.of("VpcArns", Fn.join(",arn:*:ec2:*:*:vpc/", vpcIds.getValueAsList()))));
        String routeTables = "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":route-table/*";
        String enis = "arn:" + Aws.PARTITION + ":ec2:" + Aws.REGION + ":" + Aws.ACCOUNT_ID + ":network-interface/*";

        ManagedPolicy policy = ManagedPolicy.Builder.create(this, "Policy")
                .description("VPC Route Failover member access: observe, and change routes in the listed VPCs only")
                .statements(List.of(
                        statement("ObserveVpcs", EC2_READ, List.of("*"), Map.of()),
                        statement("ReadHealth", HEALTH_READ, List.of("*"), Map.of()),
                        statement("RoutesInListedVpcs", ControllerPermissions.ROUTE_MUTATIONS, List.of(routeTables),
                                Map.of("StringLike", Map.of("ec2:Vpc", vpcArns))),
                        statement("FixSourceDestCheck", List.of("ec2:ModifyNetworkInterfaceAttribute"), List.of(enis),
                                Map.of("StringLike", Map.of("ec2:Vpc", vpcArns)))))
                .build();
        this.role = Role.Builder.create(this, "Role").roleName(roleName.getValueAsString())
                .description("Assumed by the VPC Route Failover controller")
                .assumedBy(new ArnPrincipal(controllerRoleArn.getValueAsString())
                        .withConditions(Map.of("StringEquals", Map.of("sts:ExternalId", externalId.getValueAsString()))))
                .maxSessionDuration(software.amazon.awscdk.Duration.hours(1))
                .managedPolicies(List.of(policy)).build();
        NagRules.memberPolicy(policy);
        CfnOutput.Builder.create(this, "MemberRoleArn").value(role.getRoleArn())
                .description("Give this as roleArn of this account's VPCs in the controller's config").build();
    }

    public Role role() {
        return role;
    }

    private static PolicyStatement statement(String sid, List<String> actions, List<String> resources, Map<String, Object> conditions) {
        PolicyStatement.Builder b = PolicyStatement.Builder.create().sid(sid).effect(Effect.ALLOW).actions(actions).resources(resources);
        if (!conditions.isEmpty()) {
            b.conditions(conditions);
        }
        return b.build();
    }
}
