import { Construct } from "constructs";
import {
  capacityUtilisationMath,
  METRIC_PERIOD_SECONDS,
  ScalingMetric,
  scalingMetricMath,
  utilisationStepPolicies,
} from "../../app-code/shared/target-bpi";
import { ServiceScalableTarget } from "./service-scalable-target";
import { queryMetric, QueueWorkerMetricRefs, TargetTrackingScalingPolicy } from "./target-tracking-policy";
import { AlarmMetric, StepScalingPolicyWithAlarm } from "./step-scaling-alarm";

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

/**
 * Target tracking for a queue worker service: a ServiceScalableTarget on the service's DesiredCount and a
 * TargetTrackingScalingPolicy on a metric-math expression from app-code/shared/target-bpi.ts (the same module the
 * target setter and the simulator use): `backlog-per-task` (the blueprint's e1 = m1 / m2) or `load-per-task`. m2 is
 * ECS/ContainerInsights RunningTaskCount of this very cluster and service (the blueprint's Lambda rewrites m2 with
 * wrong names, which leaves the policy without data).
 *
 * The target value is created with `initialTargetValue` and then belongs to the target-setter Lambda: Terraform
 * ignores changes to it, so an apply no longer resets what the Lambda computed.
 *
 * With `stepScaling`, two StepScalingPolicyWithAlarm join it (burst: scale out on one datapoint; idle: scale in
 * after two), on the capacity utilisation. Their thresholds are fixed (no target value), so nothing updates them.
 */
export class BacklogPerTaskScaling extends Construct {
  readonly target: ServiceScalableTarget;
  readonly policy: TargetTrackingScalingPolicy;
  /** The step policies and their alarms, by name (`burst`, `idle`); empty without stepScaling. */
  readonly stepPolicies: Record<string, StepScalingPolicyWithAlarm> = {};

  constructor(scope: Construct, id: string, props: BacklogPerTaskScalingProps) {
    super(scope, id);
    const latency = props.desiredLatencySeconds ?? 60;
    const refs: QueueWorkerMetricRefs = {
      queueName: props.queueName,
      clusterName: props.clusterName,
      serviceName: props.serviceName,
      appMetric: props.stepScaling?.appMetric,
    };
    this.target = new ServiceScalableTarget(this, "target", {
      clusterName: props.clusterName,
      serviceName: props.serviceName,
      minCapacity: props.minCapacity ?? 1,
      maxCapacity: props.maxCapacity ?? 10,
    });
    this.policy = new TargetTrackingScalingPolicy(this, "policy", {
      target: this.target,
      policyName: props.policyName,
      metric: { kind: "metric-math", math: scalingMetricMath(props.scalingMetric ?? "backlog-per-task", latency), ...refs },
      targetValue: props.initialTargetValue ?? 12,
      scaleInCooldownSeconds: props.scaleInCooldownSeconds ?? 240,
      scaleOutCooldownSeconds: props.scaleOutCooldownSeconds ?? 240,
      targetValueOwnedElsewhere: true,
    });

    if (!props.stepScaling) return;
    const utilisation = capacityUtilisationMath(latency, props.stepScaling.concurrency);
    const metric: AlarmMetric = {
      expression: utilisation.expression.text,
      label: utilisation.expression.label,
      metrics: Object.fromEntries(
        utilisation.queries.map((q) => {
          const m = queryMetric(q, refs);
          // An alarm's query takes its dimensions as a map.
          return [q.id, { label: q.label, namespace: m.namespace, metricName: m.metricName, dimensions: Object.fromEntries(m.dimensions.map((d) => [d.name, d.value])), stat: q.stat }];
        }),
      ),
    };
    for (const step of utilisationStepPolicies(props.stepScaling.utilisation)) {
      this.stepPolicies[step.name] = new StepScalingPolicyWithAlarm(this, step.name, {
        target: this.target,
        policyName: `${props.policyName}-${step.name}`,
        alarmName: `${props.policyName}-${step.name}`,
        alarmDescription: `${step.name === "burst" ? "Scale out at once" : "Scale in at once"}: ${utilisation.expression.label} (app-code/shared/target-bpi.ts)`,
        metric,
        rule: {
          periodSeconds: METRIC_PERIOD_SECONDS,
          // The queries carry their own statistics; Average is the policy's aggregation of the expression.
          statistic: "Average",
          comparison: step.comparison,
          threshold: step.threshold,
          evaluationPeriods: step.evaluationPeriods,
          datapointsToAlarm: step.evaluationPeriods,
          treatMissingData: step.treatMissingData,
        },
        adjustmentType: "PercentChangeInCapacity",
        steps: step.steps.map((s) => ({ lower: s.lower, upper: s.upper, change: s.percent })),
        cooldownSeconds: step.cooldownSeconds,
        minAdjustmentMagnitude: step.minAdjustmentMagnitude,
      });
    }
  }
}
