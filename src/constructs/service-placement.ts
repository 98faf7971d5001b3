import { Construct } from "constructs";
import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { CoreInfraLookup } from "./core-infra-lookup";
import { FargateServiceProps } from "./fargate-service";

/** Where a stack's ECS services run: the props of FargateService that come from the account and core-infra. */
export type PlacementProps = Pick<
  FargateServiceProps,
  "accountId" | "partition" | "region" | "clusterArn" | "clusterName" | "vpcId" | "subnetIds" | "executionRoleArn"
>;

export interface ServicePlacement {
  readonly account: DataAwsCallerIdentity;
  readonly partition: DataAwsPartition;
  readonly core: CoreInfraLookup;
  /** For every service of the stack, in core-infra's private subnets. */
  readonly props: PlacementProps;
}

/**
 * The data sources a stack of ECS services on core-infra needs, created in `scope` under fixed ids (`account`,
 * `partition`, `core_infra`), and the service props they give. `region` is the stack's (its provider's).
 */
export function servicePlacement(scope: Construct, coreInfraName: string, region: string): ServicePlacement {
  const account = new DataAwsCallerIdentity(scope, "account");
  const partition = new DataAwsPartition(scope, "partition");
  const core = new CoreInfraLookup(scope, "core_infra", { coreInfraName });
  return {
    account,
    partition,
    core,
    props: {
      accountId: account.accountId,
      partition: partition.partition,
      region,
      clusterArn: core.cluster.arn,
      clusterName: core.cluster.clusterName,
      vpcId: core.vpc.id,
      subnetIds: core.privateSubnets.ids,
      executionRoleArn: core.executionRole.arn,
    },
  };
}
