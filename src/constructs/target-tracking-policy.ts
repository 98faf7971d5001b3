import { Construct } from "constructs";
import {
  AppautoscalingPolicy,
  AppautoscalingPolicyTargetTrackingScalingPolicyConfigurationCustomizedMetricSpecification,
} from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { backlogMetricDimensions } from "../../app-code/shared/backlog-per-task";
import { MetricMath, MetricQuery } from "../../app-code/shared/target-bpi";

/** The metrics a queue worker's metric math reads, by the scope its queries name (app-code/shared/target-bpi.ts). */
export interface QueueWorkerMetricRefs {
  readonly queueName: string;
  readonly clusterName: string;
  readonly serviceName: string;
  /** The worker's app metric (processing time per message); needed only by queries of scope `app`. */
  readonly appMetric?: { readonly namespace: string; readonly name: string; readonly type: string };
}

/** What a queue worker's target tracking follows. */
export type TrackedQueueMetric =
  /** AWS/SQS ApproximateNumberOfMessagesVisible of the queue itself (Average, Count). */
  | { readonly kind: "queue-depth"; readonly queueName: string }
  /**
   * Metric math from the shared formula module (`scalingMetricMath`: backlog per task, load per task), the same
   * expression the target setter and the simulator evaluate. No datapoint while no task runs (÷ 0).
   */
  | ({ readonly kind: "metric-math"; readonly math: MetricMath } & QueueWorkerMetricRefs)
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

/** Namespace, name and dimensions (in the shared module's order) of one query of a queue worker's metric math. */
export function queryMetric(q: MetricQuery, refs: QueueWorkerMetricRefs): { namespace: string; metricName: string; dimensions: { name: string; value: string }[] } {
  if (q.scope === "service") {
    return {
      namespace: q.namespace,
      metricName: q.metricName,
      dimensions: [
        { name: "ClusterName", value: refs.clusterName },
        { name: "ServiceName", value: refs.serviceName },
      ],
    };
  }
  if (q.scope === "app") {
    if (!refs.appMetric) throw new Error(`query ${q.id} (${q.label}) reads the app metric, but no appMetric was given`);
    return {
      namespace: refs.appMetric.namespace,
      metricName: refs.appMetric.name,
      dimensions: [
        { name: "Type", value: refs.appMetric.type },
        { name: "QueueName", value: refs.queueName },
      ],
    };
  }
  return { namespace: q.namespace, metricName: q.metricName, dimensions: [{ name: "QueueName", value: refs.queueName }] };
}

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
  if (metric.kind === "queue-depth") {
    return {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: [{ name: "QueueName", value: metric.queueName }],
      statistic: "Average",
      unit: "Count",
    };
  }
  const { math } = metric;
  return {
    metrics: [
      ...math.queries.map((q) => ({ id: q.id, label: q.label, returnData: false, metricStat: { stat: q.stat, metric: queryMetric(q, metric) } })),
      { id: math.expression.id, label: math.expression.label, expression: math.expression.text, returnData: true },
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
