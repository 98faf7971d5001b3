import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import {
  capacityUtilisationMath,
  METRIC_PERIOD_SECONDS,
  MetricMath,
  MetricQuery,
  ScalingMetric,
  scalingMetricMath,
  utilisationStepPolicies,
} from "../../app-code/shared/target-bpi";

export interface BacklogPerTaskScalingProps {
  /** ECS cluster of the service; the m2 metric's ClusterName dimension. */
  readonly clusterName: string;
  /** ECS service to scale; the m2 metric's ServiceName dimension. */
  readonly serviceName: string;
  /** Queue whose messages are the demand; the QueueName dimension of the SQS metrics and of the app metric. */
  readonly queueName: string;
  /** Scaling policy name (the target-setter Lambda finds the policy by it); the step policies get suffixes. */
  readonly policyName: string;
  /** The metric of the target-tracking policy (app-code/shared/target-bpi.ts). @default "backlog-per-task" */
  readonly scalingMetric?: ScalingMetric;
  /** L, a constant of load-per-task's expression and of the step policies' metric. @default 60 */
  readonly desiredLatencySeconds?: number;
  /** Target value at creation; afterwards owned by the target setter. @default 12 */
  readonly initialTargetValue?: number;
  /** @default 1 */
  readonly minCapacity?: number;
  /** @default 10 */
  readonly maxCapacity?: number;
  /** @default 240 */
  readonly scaleInCooldownSeconds?: number;
  /** @default 240 */
  readonly scaleOutCooldownSeconds?: number;
  /**
   * The burst and idle step-scaling policies next to target tracking, with their alarms on the capacity
   * utilisation (shared module). Needs the app metric. @default undefined (none)
   */
  readonly stepScaling?: {
    /** Target utilisation u the steps aim at. */
    readonly utilisation: number;
    /** Messages one task processes at once (C in the utilisation). */
    readonly concurrency: number;
    /** Namespace, name and Type dimension of the app metric the worker publishes. */
    readonly appMetric: { readonly namespace: string; readonly name: string; readonly type: string };
  };
}

/** Terraform path of the attribute the target-setter Lambda owns. */
export const OWNED_TARGET_VALUE = "target_tracking_scaling_policy_configuration[0].target_value";

/**
 * Target tracking for a queue worker service: an Application Auto Scaling target on the service's DesiredCount and
 * a policy on a metric-math expression from app-code/shared/target-bpi.ts (the same module the target setter and
 * the simulator use): `backlog-per-task` (the blueprint's e1 = m1 / m2) or `load-per-task`. m2 is
 * ECS/ContainerInsights RunningTaskCount of this very cluster and service (the blueprint's Lambda rewrites m2 with
 * wrong names, which leaves the policy without data).
 *
 * The target value is created with `initialTargetValue` and then belongs to the target-setter Lambda: Terraform
 * ignores changes to it, so an apply no longer resets what the Lambda computed.
 *
 * With `stepScaling`, two step-scaling policies join it, each on its own CloudWatch alarm (burst: scale out on one
 * datapoint; idle: scale in after three). Their thresholds are fixed (no target value), so nothing updates them.
 */
export class BacklogPerTaskScaling extends Construct {
  readonly target: AppautoscalingTarget;
  readonly policy: AppautoscalingPolicy;
  /** The step policies and their alarms, by name (`burst`, `idle`); empty without stepScaling. */
  readonly stepPolicies: Record<string, { readonly policy: AppautoscalingPolicy; readonly alarm: CloudwatchMetricAlarm }> = {};

  constructor(scope: Construct, id: string, props: BacklogPerTaskScalingProps) {
    super(scope, id);
    const latency = props.desiredLatencySeconds ?? 60;
    const dimensions = (q: MetricQuery) =>
      q.scope === "service"
        ? [
            { name: "ClusterName", value: props.clusterName },
            { name: "ServiceName", value: props.serviceName },
          ]
        : q.scope === "app"
          ? [
              { name: "Type", value: props.stepScaling!.appMetric.type },
              { name: "QueueName", value: props.queueName },
            ]
          : [{ name: "QueueName", value: props.queueName }];
    const metricOf = (q: MetricQuery) => ({
      namespace: q.scope === "app" ? props.stepScaling!.appMetric.namespace : q.namespace,
      metricName: q.scope === "app" ? props.stepScaling!.appMetric.name : q.metricName,
      dimensions: dimensions(q),
    });

    this.target = new AppautoscalingTarget(this, "target", {
      serviceNamespace: "ecs",
      scalableDimension: "ecs:service:DesiredCount",
      resourceId: `service/${props.clusterName}/${props.serviceName}`,
      minCapacity: props.minCapacity ?? 1,
      maxCapacity: props.maxCapacity ?? 10,
    });
    const tracked = scalingMetricMath(props.scalingMetric ?? "backlog-per-task", latency);
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
            ...tracked.queries.map((q) => ({
              id: q.id,
              label: q.label,
              returnData: false,
              metricStat: { stat: q.stat, metric: metricOf(q) },
            })),
            { id: tracked.expression.id, label: tracked.expression.label, expression: tracked.expression.text, returnData: true },
          ],
        },
      },
      lifecycle: { ignoreChanges: [OWNED_TARGET_VALUE] },
    });

    if (!props.stepScaling) return;
    const utilisation: MetricMath = capacityUtilisationMath(latency, props.stepScaling.concurrency);
    for (const step of utilisationStepPolicies(props.stepScaling.utilisation)) {
      const policy = new AppautoscalingPolicy(this, `${step.name}_policy`, {
        name: `${props.policyName}-${step.name}`,
        policyType: "StepScaling",
        serviceNamespace: this.target.serviceNamespace,
        scalableDimension: this.target.scalableDimension,
        resourceId: this.target.resourceId,
        stepScalingPolicyConfiguration: {
          adjustmentType: "PercentChangeInCapacity",
          cooldown: step.cooldownSeconds,
          metricAggregationType: "Average",
          minAdjustmentMagnitude: step.minAdjustmentMagnitude,
          // Bounds relative to the alarm threshold; the provider takes them as strings.
          stepAdjustment: step.steps.map((s) => ({
            ...(s.lower !== undefined ? { metricIntervalLowerBound: String(s.lower) } : {}),
            ...(s.upper !== undefined ? { metricIntervalUpperBound: String(s.upper) } : {}),
            scalingAdjustment: s.percent,
          })),
        },
      });
      const alarm = new CloudwatchMetricAlarm(this, `${step.name}_alarm`, {
        alarmName: `${props.policyName}-${step.name}`,
        alarmDescription: `${step.name === "burst" ? "Scale out at once" : "Scale in at once"}: ${utilisation.expression.label} (app-code/shared/target-bpi.ts)`,
        comparisonOperator: step.comparison,
        threshold: step.threshold,
        evaluationPeriods: step.evaluationPeriods,
        datapointsToAlarm: step.evaluationPeriods,
        treatMissingData: step.treatMissingData,
        alarmActions: [policy.arn],
        metricQuery: [
          ...utilisation.queries.map((q) => ({
            id: q.id,
            label: q.label,
            returnData: false,
            metric: {
              namespace: metricOf(q).namespace,
              metricName: metricOf(q).metricName,
              // An alarm's query takes its dimensions as a map.
              dimensions: Object.fromEntries(dimensions(q).map((d) => [d.name, d.value])),
              period: METRIC_PERIOD_SECONDS,
              stat: q.stat,
            },
          })),
          { id: utilisation.expression.id, label: utilisation.expression.label, expression: utilisation.expression.text, returnData: true },
        ],
      });
      this.stepPolicies[step.name] = { policy, alarm };
    }
  }
}
