import { Construct } from "constructs";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsIamRole } from "@cdktf/provider-aws/lib/data-aws-iam-role";
import { DataAwsRouteTables } from "@cdktf/provider-aws/lib/data-aws-route-tables";
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
 *
 * The public subnets and the private route tables are looked up only by the stacks that ask for them
 * (`publicSubnets()`, `privateRouteTables()`), so the others' output does not change.
 */
export class CoreInfraLookup extends Construct {
  readonly vpc: DataAwsVpc;
  readonly privateSubnets: DataAwsSubnets;
  readonly cluster: DataAwsEcsCluster;
  readonly executionRole: DataAwsIamRole;
  private readonly names: ReturnType<typeof coreInfraNames>;
  private publicSubnetLookup?: DataAwsSubnets;
  private routeTableLookup?: DataAwsRouteTables;

  constructor(scope: Construct, id: string, props: CoreInfraLookupProps) {
    super(scope, id);
    const names = coreInfraNames(props.coreInfraName);
    this.names = names;
    this.vpc = new DataAwsVpc(this, "vpc", { filter: [{ name: "tag:Name", values: [names.vpc] }] });
    this.privateSubnets = this.subnets("private_subnets", names.privateSubnetPattern);
    this.cluster = new DataAwsEcsCluster(this, "cluster", { clusterName: names.cluster });
    this.executionRole = new DataAwsIamRole(this, "execution_role", { name: names.executionRole });
  }

  /** core-infra's public subnets (one per AZ), by their `Name` pattern inside the VPC. */
  publicSubnets(): DataAwsSubnets {
    this.publicSubnetLookup ??= this.subnets("public_subnets", this.names.publicSubnetPattern);
    return this.publicSubnetLookup;
  }

  /** The route table of the private subnets, by its `Name` tag inside the VPC (as a list: what gateway endpoints take). */
  privateRouteTables(): DataAwsRouteTables {
    const name = this.names.privateRouteTable;
    this.routeTableLookup ??= new DataAwsRouteTables(this, "private_route_tables", {
      vpcId: this.vpc.id,
      filter: [{ name: "tag:Name", values: [name] }],
      lifecycle: {
        postcondition: [
          { condition: "${length(self.ids) > 0}", errorMessage: `No route table named ${name} in VPC ${this.names.vpc}: deploy the core-infra stack first.` },
        ],
      },
    });
    return this.routeTableLookup;
  }

  private subnets(id: string, pattern: string): DataAwsSubnets {
    return new DataAwsSubnets(this, id, {
      filter: [
        { name: "vpc-id", values: [this.vpc.id] },
        { name: "tag:Name", values: [pattern] },
      ],
      lifecycle: {
        postcondition: [
          {
            condition: "${length(self.ids) > 0}",
            errorMessage: `No subnet named ${pattern} in VPC ${this.names.vpc}: deploy the core-infra stack first.`,
          },
        ],
      },
    });
  }
}
