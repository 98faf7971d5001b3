import { Testing } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { CoreInfraStack } from "../../stacks/core-infra-stack";
import { resourcesOf, testSettings, TerraformJson } from "../helpers";

function synthCore(context: Record<string, unknown> = {}): { synthesized: string; json: TerraformJson } {
  const stack = new CoreInfraStack(Testing.app(), "core-infra", { settings: testSettings("core-infra", context) });
  const synthesized = Testing.synth(stack);
  return { synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

/** `${aws_x.name.attr}` for a resource of the synthesized stack. */
const ref = (type: string, name: string, attr = "id") => `\${${type}.${name}.${attr}}`;
const AZ = (k: number) => `\${element(data.aws_availability_zones.network_azs.names, ${k})}`;

describe("core-infra stack", () => {
  const { synthesized, json } = synthCore();

  describe("VPC", () => {
    it("is 10.0.0.0/16 named core-infra with DNS support and host names", () => {
      expect(synthesized).toHaveResourceWithProperties(Vpc, {
        cidr_block: "10.0.0.0/16",
        enable_dns_support: true,
        enable_dns_hostnames: true,
        tags: { Name: "core-infra" },
      });
    });

    it("takes the availability zones from the data source and checks there are enough", () => {
      expect(synthesized).toHaveDataSourceWithProperties(DataAwsAvailabilityZones, {
        state: "available",
        lifecycle: {
          postcondition: [expect.objectContaining({ condition: "${length(self.names) >= 3}" })],
        },
      });
    });
  });

  describe("subnets", () => {
    const subnets = resourcesOf(json, "aws_subnet");

    it("has exactly one public and one private subnet per AZ (3 by default)", () => {
      expect(Object.keys(subnets).sort()).toEqual([
        "network_private_0",
        "network_private_1",
        "network_private_2",
        "network_public_0",
        "network_public_1",
        "network_public_2",
      ]);
    });

    it.each([0, 1, 2])("public subnet %i is the k-th /24 in AZ k, named core-infra-public-<az>", (k) => {
      expect(subnets[`network_public_${k}`]).toMatchObject({
        cidr_block: `10.0.${k}.0/24`,
        availability_zone: AZ(k),
        vpc_id: ref("aws_vpc", "network_vpc"),
        tags: { Name: `core-infra-public-${AZ(k)}` },
      });
    });

    it.each([0, 1, 2])("private subnet %i is /24 number k+10 in AZ k, named core-infra-private-<az>", (k) => {
      expect(subnets[`network_private_${k}`]).toMatchObject({
        cidr_block: `10.0.${k + 10}.0/24`,
        availability_zone: AZ(k),
        vpc_id: ref("aws_vpc", "network_vpc"),
        tags: { Name: `core-infra-private-${AZ(k)}` },
      });
    });

    it("follows the azCount and vpcCidr settings", () => {
      const { json: small } = synthCore({ azCount: 2, vpcCidr: "172.20.0.0/20" });
      const cidrs = Object.values(resourcesOf(small, "aws_subnet")).map((s) => s.cidr_block).sort();
      expect(cidrs).toEqual(["172.20.0.0/24", "172.20.1.0/24", "172.20.10.0/24", "172.20.11.0/24"]);
    });
  });

  describe("routing", () => {
    const routes = resourcesOf(json, "aws_route");
    const associations = Object.values(resourcesOf(json, "aws_route_table_association"));

    it("has an internet gateway in the VPC", () => {
      expect(synthesized).toHaveResourceWithProperties(InternetGateway, { vpc_id: ref("aws_vpc", "network_vpc") });
    });

    it("has one NAT gateway, in the first public subnet, with its own Elastic IP", () => {
      expect(Object.keys(resourcesOf(json, "aws_nat_gateway"))).toHaveLength(1);
      expect(Object.keys(resourcesOf(json, "aws_eip"))).toHaveLength(1);
      expect(synthesized).toHaveResourceWithProperties(Eip, { domain: "vpc" });
      expect(synthesized).toHaveResourceWithProperties(NatGateway, {
        allocation_id: ref("aws_eip", "network_nat_eip"),
        subnet_id: ref("aws_subnet", "network_public_0"),
      });
    });

    it("routes 0.0.0.0/0 of the public route table through the internet gateway", () => {
      expect(routes.network_public_internet_route).toMatchObject({
        route_table_id: ref("aws_route_table", "network_public_route_table"),
        destination_cidr_block: "0.0.0.0/0",
        gateway_id: ref("aws_internet_gateway", "network_igw"),
      });
    });

    it("routes 0.0.0.0/0 of the private route table through the NAT gateway", () => {
      expect(routes.network_private_nat_route).toMatchObject({
        route_table_id: ref("aws_route_table", "network_private_route_table"),
        destination_cidr_block: "0.0.0.0/0",
        nat_gateway_id: ref("aws_nat_gateway", "network_nat"),
      });
      expect(Object.keys(routes)).toHaveLength(2);
    });

    it.each(["public", "private"])("associates every %s subnet with its route table", (tier) => {
      for (const k of [0, 1, 2]) {
        expect(associations).toContainEqual(
          expect.objectContaining({
            subnet_id: ref("aws_subnet", `network_${tier}_${k}`),
            route_table_id: ref("aws_route_table", `network_${tier}_route_table`),
          }),
        );
      }
      expect(associations).toHaveLength(6);
    });
  });

  describe("the VPC's defaults, taken under management", () => {
    it("names the default network ACL core-infra-default and keeps its allow-all rules", () => {
      const rule = { rule_no: 100, action: "allow", protocol: "-1", cidr_block: "0.0.0.0/0", from_port: 0, to_port: 0 };
      expect(synthesized).toHaveResourceWithProperties(DefaultNetworkAcl, {
        default_network_acl_id: ref("aws_vpc", "network_vpc", "default_network_acl_id"),
        ingress: [rule],
        egress: [rule],
        tags: { Name: "core-infra-default" },
      });
    });

    it("names the default route table core-infra-default", () => {
      expect(synthesized).toHaveResourceWithProperties(DefaultRouteTable, {
        default_route_table_id: ref("aws_vpc", "network_vpc", "default_route_table_id"),
        tags: { Name: "core-infra-default" },
      });
    });

    it("names the default security group core-infra-default and leaves it without rules", () => {
      expect(synthesized).toHaveResourceWithProperties(DefaultSecurityGroup, {
        vpc_id: ref("aws_vpc", "network_vpc"),
        tags: { Name: "core-infra-default" },
      });
      const [group] = Object.values(resourcesOf(json, "aws_default_security_group"));
      expect(group.ingress).toBeUndefined();
      expect(group.egress).toBeUndefined();
    });
  });

  describe("ECS", () => {
    it("has the cluster core-infra with Container Insights and the namespace as Service Connect default", () => {
      expect(synthesized).toHaveResourceWithProperties(EcsCluster, {
        name: "core-infra",
        setting: [{ name: "containerInsights", value: "enabled" }],
        service_connect_defaults: { namespace: ref("aws_service_discovery_private_dns_namespace", "ecs_namespace", "arn") },
      });
    });

    it("offers the FARGATE and FARGATE_SPOT capacity providers", () => {
      expect(synthesized).toHaveResourceWithProperties(EcsClusterCapacityProviders, {
        cluster_name: ref("aws_ecs_cluster", "ecs_cluster", "name"),
        capacity_providers: ["FARGATE", "FARGATE_SPOT"],
      });
    });

    it("has the private DNS namespace default.core-infra.local in the VPC", () => {
      expect(synthesized).toHaveResourceWithProperties(ServiceDiscoveryPrivateDnsNamespace, {
        name: "default.core-infra.local",
        vpc: ref("aws_vpc", "network_vpc"),
      });
    });
  });

  describe("task execution role", () => {
    it("has the exact name the blueprint stacks look up", () => {
      expect(synthesized).toHaveResourceWithProperties(IamRole, {
        name: "core-infra-ecs-task-execution",
        assume_role_policy: "${data.aws_iam_policy_document.task_execution_trust.json}",
      });
    });

    it("is trusted by ECS tasks of this account only", () => {
      expect(json.data?.aws_iam_policy_document?.task_execution_trust).toMatchObject({
        statement: [
          {
            effect: "Allow",
            actions: ["sts:AssumeRole"],
            principals: [{ type: "Service", identifiers: ["ecs-tasks.amazonaws.com"] }],
            condition: [
              {
                test: "StringEquals",
                variable: "aws:SourceAccount",
                values: ["${data.aws_caller_identity.task_execution_account.account_id}"],
              },
            ],
          },
        ],
      });
    });

    it("has exactly the AmazonECSTaskExecutionRolePolicy", () => {
      expect(Object.keys(resourcesOf(json, "aws_iam_role_policy_attachment"))).toHaveLength(1);
      expect(synthesized).toHaveResourceWithProperties(IamRolePolicyAttachment, {
        role: ref("aws_iam_role", "task_execution_role", "name"),
        policy_arn:
          "arn:${data.aws_partition.task_execution_partition.partition}:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
      });
    });
  });

  describe("outputs", () => {
    it.each([
      ["vpc_id", ref("aws_vpc", "network_vpc")],
      ["public_subnets", [0, 1, 2].map((k) => ref("aws_subnet", `network_public_${k}`))],
      ["private_subnets", [0, 1, 2].map((k) => ref("aws_subnet", `network_private_${k}`))],
      ["private_subnets_cidr_blocks", [0, 1, 2].map((k) => ref("aws_subnet", `network_private_${k}`, "cidr_block"))],
      ["cluster_arn", ref("aws_ecs_cluster", "ecs_cluster", "arn")],
      ["cluster_id", ref("aws_ecs_cluster", "ecs_cluster")],
      ["cluster_name", ref("aws_ecs_cluster", "ecs_cluster", "name")],
      [
        "service_discovery_namespaces",
        expect.objectContaining({ arn: ref("aws_service_discovery_private_dns_namespace", "ecs_namespace", "arn") }),
      ],
      ["ecs_task_execution_role_arn", ref("aws_iam_role", "task_execution_role", "arn")],
      ["ecs_task_execution_role_name", ref("aws_iam_role", "task_execution_role", "name")],
    ])("%s", (name, value) => {
      expect(json.output?.[name]?.value).toEqual(value);
    });
  });

  describe("provider and state", () => {
    it("tags everything with Blueprint and GithubRepo through the provider's default tags", () => {
      expect(json.provider?.aws).toEqual([
        {
          region: "us-west-2",
          default_tags: [{ tags: { Blueprint: "core-infra", GithubRepo: "github.com/aws-ia/ecs-blueprints" } }],
        },
      ]);
    });

    it("declares the Terraform version it needs, for Terraform to check where it plans", () => {
      expect(json.terraform?.required_version).toBe(">= 1.10");
    });

    it("keeps state in a local file of the project by default, by a relative path", () => {
      expect(json.terraform?.backend).toEqual({ local: { path: "../../../terraform.core-infra.tfstate" } });
    });

    it("uses an encrypted S3 backend with Terraform's native lock file when a bucket is named", () => {
      const { json: s3 } = synthCore({ stateBucket: "my-tf-state", stateRegion: "eu-west-1" });
      expect(s3.terraform?.backend).toEqual({
        s3: {
          bucket: "my-tf-state",
          key: "queue-scaling/core-infra.tfstate",
          region: "eu-west-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
    });
  });

  it("matches the snapshot", () => {
    expect(synthesized).toMatchSnapshot();
  });
});
