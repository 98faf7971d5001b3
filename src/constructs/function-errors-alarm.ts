import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

export interface FunctionErrorsAlarmProps {
  readonly alarmName: string;
  /** The Lambda function watched. */
  readonly functionName: string;
  /** Minutes summed per evaluation. @default 5 */
  readonly periodMinutes?: number;
  /** Notified (SNS topic ARNs). @default none */
  readonly actions?: string[];
}

/**
 * An alarm on a Lambda function's `Errors` (invocations that threw or timed out): above 0 in a period. For a
 * function whose errors mean work waits or repeats (a launcher whose whole batch comes back, a failure handler whose
 * event goes to its failure queue). A quiet function emits no datapoint, which is not a problem.
 */
export class FunctionErrorsAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: FunctionErrorsAlarmProps) {
    super(scope, id);
    const minutes = props.periodMinutes ?? 5;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 1440) {
      throw new Error(`FunctionErrorsAlarm ${props.alarmName}: periodMinutes ${minutes} is invalid: expected an integer from 1 up to 1440`);
    }
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: props.alarmName,
      alarmDescription: `The Lambda function ${props.functionName} failed invocations (threw or timed out) in the last ${minutes} minutes: read its log group.`,
      namespace: "AWS/Lambda",
      metricName: "Errors",
      dimensions: { FunctionName: props.functionName },
      statistic: "Sum",
      period: minutes * 60,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: props.actions,
    });
  }
}
