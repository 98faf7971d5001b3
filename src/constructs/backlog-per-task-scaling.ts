import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";

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

/** Terraform path of the attribute the target-setter Lambda owns. */
export const OWNED_TARGET_VALUE = "target_tracking_scaling_policy_configuration[0].target_value";

/**
 * Target tracking on backlog per task: an Application Auto Scaling target on the service's DesiredCount and a
 * policy whose metric is the metric-math expression e1 = m1 / m2, with m1 = AWS/SQS
 * ApproximateNumberOfMessagesVisible of the queue and m2 = ECS/ContainerInsights RunningTaskCount of this very
 * cluster and service (the blueprint's Lambda rewrites m2 with wrong names, which leaves the policy without data).
 *
 * The target value is created with `initialTargetValue` and then belongs to the target-setter Lambda: Terraform
 * ignores changes to it, so an apply no longer resets what the Lambda computed.
 */
export class BacklogPerTaskScaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly policy: AppautoscalingPolicy;

  constructor(scope: Construct, id: string, props: BacklogPerTaskScalingProps) {
    super(scope, id);
    this.target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minCapacity ?? 1,
      maxCapacity: props.maxCapacity ?? 10,
    });
    this.policy = new AppautoscalingPolicy(this, "policy", {
      name: props.policyName,
      policyType: "TargetTrackingScaling",
      serviceNamespace: this.target.serviceNamespace,
      scalableDimension: this.target.scalableDimension,
      resourceId: this.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.initialTargetValue ?? 12,
        scaleInCooldown: props.scaleInCooldownSeconds ?? 240,
        scaleOutCooldown: props.scaleOutCooldownSeconds ?? 240,
        customizedMetricSpecification: {
          metrics: [
            {
              id: "m1",
              label: "Visible messages in the queue",
              returnData: false,
              metricStat: {
                stat: "Sum",
                metric: {
                  namespace: "AWS/SQS",
                  metricName: "ApproximateNumberOfMessagesVisible",
                  dimensions: [{ name: "QueueName", value: props.queueName }],
                },
              },
            },
            {
              id: "m2",
              label: "Running tasks of the service",
              returnData: false,
              metricStat: {
                stat: "Average",
                metric: {
                  namespace: "ECS/ContainerInsights",
                  metricName: "RunningTaskCount",
                  dimensions: [
                    { name: "ClusterName", value: props.clusterName },
                    { name: "ServiceName", value: props.serviceName },
                  ],
                },
              },
            },
            { id: "e1", label: "Backlog per task", expression: "m1 / m2", returnData: true },
          ],
        },
      },
      lifecycle: { ignoreChanges: [OWNED_TARGET_VALUE] },
    });
  }
}
