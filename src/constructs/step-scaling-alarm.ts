import { Construct } from "constructs";
import { AppautoscalingPolicy } from "@cdktf/provider-aws/lib/appautoscaling-policy";
import { AppautoscalingTarget } from "@cdktf/provider-aws/lib/appautoscaling-target";
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmMetricQuery } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { AlarmRule, alarmWindowProblem, AlarmStatistic } from "../scaling/alarm";
import type { StepAdjustment } from "../scaling/step-adjustment";

/** One CloudWatch metric: namespace, name, dimensions. */
export interface MetricRef {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
}

/** What the alarm watches: one metric, or a metric-math expression over named metrics (each with the rule's period). */
export type AlarmMetric =
  | MetricRef
  | {
      readonly expression: string;
      readonly label: string;
      /** By id, as the expression names them; `stat` defaults to the rule's statistic. */
      readonly metrics: Readonly<Record<string, MetricRef & { readonly stat?: AlarmStatistic; readonly label?: string }>>;
    };

export interface StepScalingPolicyWithAlarmProps {
  /** The scalable target (a ServiceScalableTarget). */
  readonly target: AppautoscalingTarget;
  readonly policyName: string;
  readonly alarmName: string;
  /** What going into ALARM means, for whoever reads the alarm. */
  readonly alarmDescription: string;
  readonly metric: AlarmMetric;
  /** Period, statistic, comparison, threshold, M of N and missing data. */
  readonly rule: AlarmRule;
  readonly adjustmentType: "ChangeInCapacity" | "ExactCapacity" | "PercentChangeInCapacity";
  readonly steps: readonly StepAdjustment[];
  /** @default 300 (Application Auto Scaling's default for ECS) */
  readonly cooldownSeconds?: number;
  /** With PercentChangeInCapacity: the fewest tasks a step adds or removes. @default unset (Application Auto Scaling: 1 after rounding) */
  readonly minAdjustmentMagnitude?: number;
}

/**
 * A step-scaling policy and the one alarm that invokes it (what aws-cdk's `scaleOnMetric` makes per direction):
 * `aws_appautoscaling_policy` (StepScaling) and `aws_cloudwatch_metric_alarm` whose `alarm_actions` is the policy.
 * While the alarm stays in ALARM, CloudWatch invokes the policy again every period; the policy's cooldown decides
 * whether that adds more. The alarm's window is checked against CloudWatch's limits at synth time; the metric
 * aggregation of the policy follows the alarm's statistic.
 */
export class StepScalingPolicyWithAlarm extends Construct {
  readonly policy: AppautoscalingPolicy;
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: StepScalingPolicyWithAlarmProps) {
    super(scope, id);
    const { rule } = props;
    const problem = alarmWindowProblem(rule.periodSeconds, rule.evaluationPeriods, rule.datapointsToAlarm);
    if (problem) throw new Error(`alarm ${props.alarmName}: ${problem}`);
    if (props.steps.length === 0) throw new Error(`policy ${props.policyName}: at least one step adjustment is needed`);

    this.policy = new AppautoscalingPolicy(this, "policy", {
      name: props.policyName,
      policyType: "StepScaling",
      serviceNamespace: props.target.serviceNamespace,
      scalableDimension: props.target.scalableDimension,
      resourceId: props.target.resourceId,
      stepScalingPolicyConfiguration: {
        adjustmentType: props.adjustmentType,
        cooldown: props.cooldownSeconds ?? 300,
        ...(["Average", "Minimum", "Maximum"].includes(rule.statistic) ? { metricAggregationType: rule.statistic } : {}),
        ...(props.minAdjustmentMagnitude !== undefined ? { minAdjustmentMagnitude: props.minAdjustmentMagnitude } : {}),
        stepAdjustment: props.steps.map((s) => ({
          ...(s.lower !== undefined ? { metricIntervalLowerBound: String(s.lower) } : {}),
          ...(s.upper !== undefined ? { metricIntervalUpperBound: String(s.upper) } : {}),
          scalingAdjustment: s.change,
        })),
      },
    });

    const metric = props.metric;
    const single = "metricName" in metric;
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: props.alarmName,
      alarmDescription: props.alarmDescription,
      comparisonOperator: rule.comparison,
      threshold: rule.threshold,
      evaluationPeriods: rule.evaluationPeriods,
      datapointsToAlarm: rule.datapointsToAlarm,
      treatMissingData: rule.treatMissingData,
      ...(single
        ? { namespace: metric.namespace, metricName: metric.metricName, dimensions: { ...metric.dimensions }, statistic: rule.statistic, period: rule.periodSeconds }
        : { metricQuery: metricQueries(metric, rule) }),
      alarmActions: [this.policy.arn],
    });
  }
}

function metricQueries(metric: Exclude<AlarmMetric, MetricRef>, rule: AlarmRule): CloudwatchMetricAlarmMetricQuery[] {
  return [
    ...Object.entries(metric.metrics).map(([id, m]) => ({
      id,
      ...(m.label !== undefined ? { label: m.label } : {}),
      returnData: false,
      metric: {
        namespace: m.namespace,
        metricName: m.metricName,
        dimensions: { ...m.dimensions },
        stat: m.stat ?? rule.statistic,
        period: rule.periodSeconds,
      },
    })),
    { id: "e1", expression: metric.expression, label: metric.label, returnData: true },
  ];
}
