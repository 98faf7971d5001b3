import { Construct } from "constructs";
import {
  AppautoscalingPolicy,
  AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification,
} from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { backlogMetricDimensions } from "../../app-code/shared/backlog-per-task";

/** What a queue worker's target tracking follows. */
export type TrackedQueueMetric =
  /** AWS/SQS ApproximateNumberOfMessagesVisible of the queue itself (Average, Count). */
  | { readonly kind: "queue-depth"; readonly queueName: string }
  /**
   * Metric math e1 = m1 / m2: the queue's visible messages over ECS/ContainerInsights RunningTaskCount of this very
   * cluster and service (no datapoint while no task runs: ÷ 0).
   */
  | { readonly kind: "backlog-per-task"; readonly queueName: string; readonly clusterName: string; readonly serviceName: string }
  /**
   * Backlog per task as a publisher computes and publishes it every minute (app-code/shared/backlog-per-task.ts):
   * the metric `metricName` in `namespace` with dimensions QueueName and ServiceName (Average, no unit).
   */
  | {
      readonly kind: "published-backlog-per-task";
      readonly namespace: string;
      readonly metricName: string;
      readonly queueName: string;
      readonly serviceName: string;
    };

export interface TargetTrackingScalingPolicyProps {
  /** The scalable target (a ServiceScalableTarget). */
  readonly target: AppautoscalingTarget;
  readonly policyName: string;
  readonly metric: TrackedQueueMetric;
  readonly targetValue: number;
  /** @default 300 (Application Auto Scaling's default for ECS) */
  readonly scaleInCooldownSeconds?: number;
  /** @default 300 */
  readonly scaleOutCooldownSeconds?: number;
  /**
   * The target value belongs to someone else after creation (a target-setter Lambda): Terraform creates the policy
   * with `targetValue` and then ignores changes to it, so an apply does not reset it. @default false
   */
  readonly targetValueOwnedElsewhere?: boolean;
}

/** Terraform path of the target value, ignored when it is owned elsewhere. */
export const TARGET_VALUE_PATH = "target_tracking_scaling_policy_configuration[0].target_value";

/** The customized metric specification of a tracked queue metric. */
export function trackedMetricSpecification(
  metric: TrackedQueueMetric,
): AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification {
  if (metric.kind === "published-backlog-per-task") {
    return {
      namespace: metric.namespace,
      metricName: metric.metricName,
      dimensions: backlogMetricDimensions(metric.queueName, metric.serviceName).map((d) => ({ name: d.Name, value: d.Value })),
      statistic: "Average",
      unit: "None",
    };
  }
  const visible = { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: [{ name: "QueueName", value: metric.queueName }] };
  if (metric.kind === "queue-depth") return { ...visible, statistic: "Average", unit: "Count" };
  return {
    metrics: [
      { id: "m1", label: "Visible messages in the queue", returnData: false, metricStat: { stat: "Sum", metric: visible } },
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
              { name: "ClusterName", value: metric.clusterName },
              { name: "ServiceName", value: metric.serviceName },
            ],
          },
        },
      },
      { id: "e1", label: "Backlog per task", expression: "m1 / m2", returnData: true },
    ],
  };
}

/**
 * A target-tracking policy on a queue metric (`aws_appautoscaling_policy`, TargetTrackingScaling). Application
 * Auto Scaling creates and owns its two alarms. Scale-in is left on: a queue worker that protects its task while
 * busy (task scale-in protection) cannot lose a message to it.
 */
export class TargetTrackingScalingPolicy extends AppautoscalingPolicy {
  constructor(scope: Construct, id: string, props: TargetTrackingScalingPolicyProps) {
    if (!(props.targetValue > 0) || !Number.isFinite(props.targetValue)) {
      throw new Error(`target value ${props.targetValue} of policy ${props.policyName} is invalid; allowed: a number > 0`);
    }
    super(scope, id, {
      name: props.policyName,
      policyType: "TargetTrackingScaling",
      serviceNamespace: props.target.serviceNamespace,
      scalableDimension: props.target.scalableDimension,
      resourceId: props.target.resourceId,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: props.targetValue,
        scaleInCooldown: props.scaleInCooldownSeconds ?? 300,
        scaleOutCooldown: props.scaleOutCooldownSeconds ?? 300,
        customizedMetricSpecification: trackedMetricSpecification(props.metric),
      },
      ...(props.targetValueOwnedElsewhere ? { lifecycle: { ignoreChanges: [TARGET_VALUE_PATH] } } : {}),
    });
  }
}
