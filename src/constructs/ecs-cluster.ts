import { Construct } from "constructs";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsClusterCapacityProviders } from "@cdktf/provider-aws/lib/ecs-cluster-capacity-providers";
import { ServiceDiscoveryPrivateDnsNamespace } from "@cdktf/provider-aws/lib/service-discovery-private-dns-namespace";

export interface FargateClusterProps {
  /** Cluster name. */
  readonly name: string;
  /** VPC of the Cloud Map namespace. */
  readonly vpcId: string;
  /** Private DNS namespace, the cluster's Service Connect default. @default `default.<name>.local` */
  readonly namespaceName?: string;
  /**
   * Container Insights: "enabled", or "enhanced" for task- and container-level metrics (more CloudWatch cost).
   * The blueprint's scaling metric (RunningTaskCount) needs at least "enabled". @default "enabled"
   */
  readonly containerInsights?: "enabled" | "enhanced";
}

/**
 * An ECS cluster for Fargate: Container Insights on, capacity providers FARGATE and FARGATE_SPOT (default strategy:
 * FARGATE, so a service without a strategy runs on demand), and a Cloud Map private DNS namespace set as the
 * cluster's Service Connect default.
 */
export class FargateCluster extends Construct {
  readonly cluster: EcsCluster;
  readonly namespace: ServiceDiscoveryPrivateDnsNamespace;

  constructor(scope: Construct, id: string, props: FargateClusterProps) {
    super(scope, id);
    this.namespace = new ServiceDiscoveryPrivateDnsNamespace(this, "namespace", {
      name: props.namespaceName ?? `default.${props.name}.local`,
      description: `Service Connect namespace of the ${props.name} ECS cluster`,
      vpc: props.vpcId,
    });
    this.cluster = new EcsCluster(this, "cluster", {
      name: props.name,
      setting: [{ name: "containerInsights", value: props.containerInsights ?? "enabled" }],
      serviceConnectDefaults: { namespace: this.namespace.arn },
    });
    new EcsClusterCapacityProviders(this, "capacity_providers", {
      clusterName: this.cluster.name,
      capacityProviders: ["FARGATE", "FARGATE_SPOT"],
      defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE", base: 1, weight: 1 }],
    });
  }
}
