import { Construct } from "constructs";
import { ServiceScalableTarget } from "./service-scalable-target";
import { TargetTrackingScalingPolicy } from "./target-tracking-policy";

export interface BacklogPerTaskScalingProps {
  /** ECS cluster of the service; the m2 metric's ClusterName dimension. */
  readonly clusterName: string;
  /** ECS service to scale; the m2 metric's ServiceName dimension. */
  readonly serviceName: string;
  /** Queue whose visible messages are the backlog; the m1 metric's QueueName dimension. */
  readonly queueName: string;
  /** Scaling policy name (the target-setter Lambda finds the policy by it). */
  readonly policyName: string;
  /** Target backlog per task at creation; afterwards owned by the target setter. @default 12 */
  readonly initialTargetValue?: number;
  /** @default 1 */
  readonly minCapacity?: number;
  /** @default 10 */
  readonly maxCapacity?: number;
  /** @default 240 */
  readonly scaleInCooldownSeconds?: number;
  /** @default 240 */
  readonly scaleOutCooldownSeconds?: number;
}

/**
 * Target tracking on backlog per task: a ServiceScalableTarget on the service's DesiredCount and a
 * TargetTrackingScalingPolicy whose metric is the metric-math expression e1 = m1 / m2, with m1 = AWS/SQS
 * ApproximateNumberOfMessagesVisible of the queue and m2 = ECS/ContainerInsights RunningTaskCount of this very
 * cluster and service (the blueprint's Lambda rewrites m2 with wrong names, which leaves the policy without data).
 *
 * The target value is created with `initialTargetValue` and then belongs to the target-setter Lambda: Terraform
 * ignores changes to it, so an apply no longer resets what the Lambda computed.
 */
export class BacklogPerTaskScaling extends Construct {
  readonly target: ServiceScalableTarget;
  readonly policy: TargetTrackingScalingPolicy;

  constructor(scope: Construct, id: string, props: BacklogPerTaskScalingProps) {
    super(scope, id);
    this.target = new ServiceScalableTarget(this, "target", {
      clusterName: props.clusterName,
      serviceName: props.serviceName,
      minCapacity: props.minCapacity ?? 1,
      maxCapacity: props.maxCapacity ?? 10,
    });
    this.policy = new TargetTrackingScalingPolicy(this, "policy", {
      target: this.target,
      policyName: props.policyName,
      metric: { kind: "backlog-per-task", queueName: props.queueName, clusterName: props.clusterName, serviceName: props.serviceName },
      targetValue: props.initialTargetValue ?? 12,
      scaleInCooldownSeconds: props.scaleInCooldownSeconds ?? 240,
      scaleOutCooldownSeconds: props.scaleOutCooldownSeconds ?? 240,
      targetValueOwnedElsewhere: true,
    });
  }
}
