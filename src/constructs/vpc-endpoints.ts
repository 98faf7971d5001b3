import { Construct } from "constructs";
import { ITerraformDependable } from "cdktf";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

/** What a Fargate task in a private subnet needs without a NAT: SQS, the image (ECR API + registry), its logs. */
export const BASE_INTERFACE_SERVICES = ["sqs", "ecr.api", "ecr.dkr", "logs"] as const;

export interface VpcEndpointsProps {
  /** Prefix of the security group and the endpoints' `Name` tags. */
  readonly name: string;
  readonly region: string;
  readonly vpcId: string;
  /** Every private subnet the tasks run in: an interface endpoint gets a network interface in each. */
  readonly subnetIds: string[];
  /** Route tables of those subnets, for the S3 gateway endpoint (ECR keeps image layers in S3). */
  readonly routeTableIds: string[];
  /**
   * Interface endpoint services (`com.amazonaws.<region>.<service>`), with private DNS so the SDKs' default
   * endpoints resolve to them. Add `monitoring` where tasks publish metrics, `ssmmessages` where ECS Exec is on.
   * @default BASE_INTERFACE_SERVICES
   */
  readonly interfaceServices?: readonly string[];
}

/** A Terraform-name-safe form of a service name (`ecr.api` -> `ecr_api`). */
const idOf = (service: string) => service.replace(/[^a-z0-9]/g, "_");

/**
 * VPC endpoints that let tasks in private subnets reach AWS without a NAT: one interface endpoint per service with
 * private DNS in every given subnet, behind a security group that admits HTTPS only from the security groups
 * passed to `allowFrom` (the tasks'), and an S3 gateway endpoint on the subnets' route tables. Create it before
 * the services and let them depend on `endpoints`: tasks then start once their endpoints exist, and a destroy
 * stops them before it removes the endpoints.
 *
 * Endpoint policies are left at AWS's default (full access through the endpoint; IAM still decides what a caller
 * may do). The route tables and the private DNS names belong to the whole VPC: a narrower S3 policy (the source
 * allows only ECR's layer bucket) would cut every other workload in these subnets off from S3, and only one
 * interface endpoint per service and VPC may have private DNS, so two stacks in one VPC cannot both use this.
 */
export class VpcEndpoints extends Construct {
  readonly securityGroup: SecurityGroup;
  /** By service name (`sqs`, `ecr.api`, …). */
  readonly interfaceEndpoints: Readonly<Record<string, VpcEndpoint>>;
  readonly s3Gateway: VpcEndpoint;
  /** Every endpoint, for `dependsOn`. */
  readonly endpoints: ITerraformDependable[];

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const services = props.interfaceServices ?? BASE_INTERFACE_SERVICES;
    if (new Set(services).size !== services.length) throw new Error(`interface endpoint services listed twice: ${services.join(", ")}`);

    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-vpc-endpoints`,
      description: `Interface endpoints of ${props.name}: HTTPS from its tasks only`,
      vpcId: props.vpcId,
      // Ingress: one rule resource per client (allowFrom), so clients can be added after the group exists.
      // An endpoint only answers; security groups are stateful, so replies need no egress rule.
      egress: [],
    });

    const endpoints: Record<string, VpcEndpoint> = {};
    for (const service of services) {
      endpoints[service] = new VpcEndpoint(this, idOf(service), {
        vpcId: props.vpcId,
        serviceName: `com.amazonaws.${props.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: props.subnetIds,
        securityGroupIds: [this.securityGroup.id],
        tags: { Name: `${props.name}-${service}` },
      });
    }
    this.interfaceEndpoints = endpoints;

    this.s3Gateway = new VpcEndpoint(this, "s3", {
      vpcId: props.vpcId,
      serviceName: `com.amazonaws.${props.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: props.routeTableIds,
      tags: { Name: `${props.name}-s3` },
    });
    this.endpoints = [...Object.values(endpoints), this.s3Gateway];
  }

  /** Admits HTTPS from one security group (a service's tasks); `id` names the rule. */
  allowFrom(id: string, securityGroupId: string): VpcSecurityGroupIngressRule {
    return new VpcSecurityGroupIngressRule(this, `from_${id}`, {
      securityGroupId: this.securityGroup.id,
      description: `HTTPS from the ${id} tasks`,
      ipProtocol: "tcp",
      fromPort: 443,
      toPort: 443,
      referencedSecurityGroupId: securityGroupId,
    });
  }
}
