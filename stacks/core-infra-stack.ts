import { Construct } from "constructs";
import { TerraformOutput } from "cdktf";
import { BaseStack } from "../src/base-stack";
import { FargateCluster } from "../src/constructs/ecs-cluster";
import { Network } from "../src/constructs/network";
import { TaskExecutionRole } from "../src/constructs/task-execution-role";
import { coreInfraNames } from "../src/naming";
import { StackSettings } from "../src/settings";

export interface CoreInfraStackProps {
  readonly settings: StackSettings<"core-infra">;
}

/**
 * Shared infrastructure (the blueprint's `core-infra`): VPC with public and private subnets and a single NAT,
 * an ECS cluster for Fargate with its Service Connect namespace, and the task execution role the blueprint
 * stacks look up by name.
 */
export class CoreInfraStack extends BaseStack {
  readonly network: Network;
  readonly cluster: FargateCluster;
  readonly executionRole: TaskExecutionRole;

  constructor(scope: Construct, id: string, props: CoreInfraStackProps) {
    const { settings } = props;
    const names = coreInfraNames(settings.coreInfraName);
    super(scope, id, { settings, blueprintTag: settings.coreInfraName });

    this.network = new Network(this, "network", {
      name: names.vpc,
      cidr: settings.vpcCidr,
      azCount: settings.azCount,
    });
    this.cluster = new FargateCluster(this, "ecs", {
      name: names.cluster,
      vpcId: this.network.vpc.id,
      namespaceName: names.namespace,
    });
    this.executionRole = new TaskExecutionRole(this, "task_execution", { roleName: names.executionRole });

    const { vpc, publicSubnets, privateSubnets } = this.network;
    const { cluster, namespace } = this.cluster;
    const outputs: Record<string, { value: unknown; description: string }> = {
      vpc_id: { value: vpc.id, description: "ID of the core VPC" },
      public_subnets: { value: publicSubnets.map((s) => s.id), description: "IDs of the public subnets" },
      private_subnets: { value: privateSubnets.map((s) => s.id), description: "IDs of the private subnets" },
      private_subnets_cidr_blocks: {
        value: privateSubnets.map((s) => s.cidrBlock),
        description: "CIDR blocks of the private subnets",
      },
      cluster_arn: { value: cluster.arn, description: "ARN of the ECS cluster" },
      cluster_id: { value: cluster.id, description: "ID of the ECS cluster" },
      cluster_name: { value: cluster.name, description: "Name of the ECS cluster" },
      service_discovery_namespaces: {
        value: { arn: namespace.arn, id: namespace.id, name: namespace.name, hosted_zone: namespace.hostedZone },
        description: "Cloud Map namespace of the cluster (Service Connect default)",
      },
      ecs_task_execution_role_arn: {
        value: this.executionRole.role.arn,
        description: "ARN of the ECS task execution role",
      },
      ecs_task_execution_role_name: {
        value: this.executionRole.role.name,
        description: "Name of the ECS task execution role, looked up by the blueprint stacks",
      },
    };
    for (const [name, output] of Object.entries(outputs)) new TerraformOutput(this, name, output);
  }
}
