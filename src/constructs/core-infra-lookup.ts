import { Construct } from "constructs";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { DataAwsVpc } from "@cdktf/provider-aws/lib/data-aws-vpc";
import { coreInfraNames } from "../naming";

export interface CoreInfraLookupProps {
  /** Name core-infra was deployed with (its `coreInfraName` setting). */
  readonly coreInfraName: string;
}

/**
 * Finds what core-infra made, by exact names and tags (the functions in `naming.ts` that core-infra names them
 * with), so a blueprint stack deploys on its own once core-infra exists: the VPC by its `Name` tag, the private
 * subnets by their `Name` pattern inside that VPC, the ECS cluster and the task execution role by exact name.
 * A missing piece fails the plan with a message that says to deploy core-infra first.
 */
export class CoreInfraLookup extends Construct {
  readonly vpc: DataAwsVpc;
  readonly privateSubnets: DataAwsSubnets;
  readonly cluster: DataAwsEcsCluster;
  readonly executionRole: DataAwsIamRole;

  constructor(scope: Construct, id: string, props: CoreInfraLookupProps) {
    super(scope, id);
    const names = coreInfraNames(props.coreInfraName);
    this.vpc = new DataAwsVpc(this, "vpc", { filter: [{ name: "tag:Name", values: [names.vpc] }] });
    this.privateSubnets = new DataAwsSubnets(this, "private_subnets", {
      filter: [
        { name: "vpc-id", values: [this.vpc.id] },
        { name: "tag:Name", values: [names.privateSubnetPattern] },
      ],
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.ids) > 0}",
            errorMessage: `No subnet named ${names.privateSubnetPattern} in VPC ${names.vpc}: deploy the core-infra stack first.`,
          },
        ],
      },
    });
    this.cluster = new DataAwsEcsCluster(this, "cluster", { clusterName: names.cluster });
    this.executionRole = new DataAwsIamRole(this, "execution_role", { name: names.executionRole });
  }
}
