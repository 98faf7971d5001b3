import { Construct } from "constructs";
import { Fn } from "cdktf";
import { DataAwsAvailabilityZones } from "@cdktf/provider-aws/lib/data-aws-availability-zones";
import { DefaultNetworkAcl } from "@cdktf/provider-aws/lib/default-network-acl";
import { DefaultRouteTable } from "@cdktf/provider-aws/lib/default-route-table";
import { DefaultSecurityGroup } from "@cdktf/provider-aws/lib/default-security-group";
import { Eip } from "@cdktf/provider-aws/lib/eip";
import { InternetGateway } from "@cdktf/provider-aws/lib/internet-gateway";
import { NatGateway } from "@cdktf/provider-aws/lib/nat-gateway";
import { Route } from "@cdktf/provider-aws/lib/route";
import { RouteTable } from "@cdktf/provider-aws/lib/route-table";
import { RouteTableAssociation } from "@cdktf/provider-aws/lib/route-table-association";
import { Subnet } from "@cdktf/provider-aws/lib/subnet";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { cidrSubnet } from "../settings";
import { VpcFlowLogs } from "./flow-logs";

export interface NetworkProps {
  /** Name of the VPC and prefix of every name in it (`<name>-public-<az>`, `<name>-default`, …). */
  readonly name: string;
  /** IPv4 CIDR of the VPC. @default "10.0.0.0/16" */
  readonly cidr?: string;
  /** Availability zones that get one public and one private subnet, the first N of the region. @default 3 */
  readonly azCount?: number;
  /** Days the VPC flow logs are kept. @default 90 */
  readonly flowLogRetentionDays?: number;
}

/** Index of private subnet k among the VPC's /24 networks: public k is k, private k is k + 10 (the blueprint's). */
export const PRIVATE_SUBNET_OFFSET = 10;

/**
 * The blueprint's VPC as plain resources (what terraform-aws-modules/vpc makes for it): DNS support and host
 * names on; per AZ one public and one private /24; an internet gateway; a single NAT gateway with its Elastic IP
 * in the first public subnet; a public route table (0.0.0.0/0 via the IGW) and one private route table
 * (0.0.0.0/0 via the NAT); the VPC's default network ACL, route table and security group taken under management
 * and named `<name>-default`, the default security group with no rules so nothing can use it by accident;
 * flow logs of all traffic to an encrypted CloudWatch log group (see VpcFlowLogs).
 */
export class Network extends Construct {
  readonly vpc: Vpc;
  readonly publicSubnets: Subnet[] = [];
  readonly privateSubnets: Subnet[] = [];
  readonly natGateway: NatGateway;
  readonly flowLogs: VpcFlowLogs;

  constructor(scope: Construct, id: string, props: NetworkProps) {
    super(scope, id);
    const cidr = props.cidr ?? "10.0.0.0/16";
    const azCount = props.azCount ?? 3;
    const prefix = Number(cidr.split("/")[1]);
    const toSlash24 = 24 - prefix;

    const zones = new DataAwsAvailabilityZones(this, "azs", {
      state: "available",
      // Local and Wavelength zones are opt-in; subnets belong in the region's regular zones.
      filter: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
      lifecycle: {
        postcondition: [
          {
            condition: `\${length(self.names) >= ${azCount}}`,
            errorMessage: `azCount is ${azCount} but the region has fewer available availability zones.`,
          },
        ],
      },
    });

    this.vpc = new Vpc(this, "vpc", {
      cidrBlock: cidr,
      enableDnsSupport: true,
      enableDnsHostnames: true,
      tags: { Name: props.name },
    });

    this.flowLogs = new VpcFlowLogs(this, "flow_logs", {
      vpcId: this.vpc.id,
      name: props.name,
      retentionDays: props.flowLogRetentionDays,
    });

    const igw = new InternetGateway(this, "igw", { vpcId: this.vpc.id, tags: { Name: props.name } });

    for (let k = 0; k < azCount; k++) {
      const az = Fn.element(zones.names, k);
      this.publicSubnets.push(
        new Subnet(this, `public_${k}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: cidrSubnet(cidr, toSlash24, k),
          tags: { Name: `${props.name}-public-${az}`, Tier: "public" },
        }),
      );
      this.privateSubnets.push(
        new Subnet(this, `private_${k}`, {
          vpcId: this.vpc.id,
          availabilityZone: az,
          cidrBlock: cidrSubnet(cidr, toSlash24, k + PRIVATE_SUBNET_OFFSET),
          tags: { Name: `${props.name}-private-${az}`, Tier: "private" },
        }),
      );
    }

    const natEip = new Eip(this, "nat_eip", {
      domain: "vpc",
      tags: { Name: `${props.name}-nat` },
      dependsOn: [igw],
    });
    this.natGateway = new NatGateway(this, "nat", {
      allocationId: natEip.id,
      subnetId: this.publicSubnets[0].id,
      tags: { Name: props.name },
      dependsOn: [igw],
    });

    const publicRoutes = new RouteTable(this, "public_route_table", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-public` },
    });
    new Route(this, "public_internet_route", {
      routeTableId: publicRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      gatewayId: igw.id,
    });
    const privateRoutes = new RouteTable(this, "private_route_table", {
      vpcId: this.vpc.id,
      tags: { Name: `${props.name}-private` },
    });
    new Route(this, "private_nat_route", {
      routeTableId: privateRoutes.id,
      destinationCidrBlock: "0.0.0.0/0",
      natGatewayId: this.natGateway.id,
    });
    this.publicSubnets.forEach(
      (subnet, k) =>
        new RouteTableAssociation(this, `public_${k}_route_table`, {
          subnetId: subnet.id,
          routeTableId: publicRoutes.id,
        }),
    );
    this.privateSubnets.forEach(
      (subnet, k) =>
        new RouteTableAssociation(this, `private_${k}_route_table`, {
          subnetId: subnet.id,
          routeTableId: privateRoutes.id,
        }),
    );

    const defaultName = { Name: `${props.name}-default` };
    const allTraffic = { protocol: "-1", ruleNo: 100, action: "allow", cidrBlock: "0.0.0.0/0", fromPort: 0, toPort: 0 };
    new DefaultNetworkAcl(this, "default_network_acl", {
      defaultNetworkAclId: this.vpc.defaultNetworkAclId,
      ingress: [allTraffic],
      egress: [allTraffic],
      tags: defaultName,
      // Subnets move to this ACL by themselves; tracking them here would show a diff after every subnet change.
      lifecycle: { ignoreChanges: ["subnet_ids"] },
    });
    new DefaultRouteTable(this, "default_route_table", {
      defaultRouteTableId: this.vpc.defaultRouteTableId,
      tags: defaultName,
    });
    // No ingress or egress blocks: Terraform removes every rule AWS put on the default group.
    new DefaultSecurityGroup(this, "default_security_group", { vpcId: this.vpc.id, tags: defaultName });
  }
}
