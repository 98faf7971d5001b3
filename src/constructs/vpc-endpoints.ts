import { Construct } from "constructs";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { VpcEndpoint } from "@cdktf/provider-aws/lib/vpc-endpoint";

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
  /** Security groups of the tasks: the only sources allowed to reach the endpoints (TCP 443). */
  readonly clientSecurityGroupIds: string[];
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
 * private DNS in every given subnet, behind a security group that admits HTTPS from the tasks' security groups
 * only, and an S3 gateway endpoint on the subnets' route tables.
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

  constructor(scope: Construct, id: string, props: VpcEndpointsProps) {
    super(scope, id);
    const services = props.interfaceServices ?? BASE_INTERFACE_SERVICES;
    if (new Set(services).size !== services.length) throw new Error(`interface endpoint services listed twice: ${services.join(", ")}`);
    if (props.clientSecurityGroupIds.length === 0) throw new Error("VpcEndpoints: no client security group; nothing could reach the endpoints");

    this.securityGroup = new SecurityGroup(this, "security_group", {
      name: `${props.name}-vpc-endpoints`,
      description: `Interface endpoints of ${props.name}: HTTPS from its tasks only`,
      vpcId: props.vpcId,
      ingress: [
        { description: "HTTPS from the tasks", protocol: "tcp", fromPort: 443, toPort: 443, securityGroups: props.clientSecurityGroupIds },
      ],
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
  }
}
