import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { alarmWindowProblem } from "../scaling/alarm";

export interface FunctionErrorsAlarmProps {
  readonly alarmName: string;
  /** The Lambda function watched. */
  readonly functionName: string;
  /** Minutes summed per evaluation, within CloudWatch's limits (`alarmWindowProblem`). @default 5 */
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
    const problem = alarmWindowProblem(minutes * 60, 1);
    if (problem) throw new Error(`FunctionErrorsAlarm ${props.alarmName}: periodMinutes ${minutes} is invalid: ${problem}`);
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
