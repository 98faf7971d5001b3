import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";

export interface MissingDataAlarmProps {
  readonly alarmName: string;
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Record<string, string>;
  /** Minutes without a datapoint before the alarm goes off, 1..60 (one datapoint is expected each minute). @default 5 */
  readonly minutes?: number;
  /** Notified (SNS topic ARNs). @default none */
  readonly actions?: string[];
}

/**
 * An alarm that goes off when a metric published every minute stops arriving: SampleCount below 1 for `minutes`
 * consecutive minutes, missing datapoints counted as breaching. Target tracking does not scale in while its alarm
 * has INSUFFICIENT_DATA, so without this a dead publisher would keep a service at its peak without anyone noticing.
 */
export class MissingDataAlarm extends Construct {
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: MissingDataAlarmProps) {
    super(scope, id);
    const minutes = props.minutes ?? 5;
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 60) {
      throw new Error(`MissingDataAlarm ${props.alarmName}: minutes ${minutes} is invalid: expected an integer from 1 up to 60`);
    }
    this.alarm = new CloudwatchMetricAlarm(this, "alarm", {
      alarmName: props.alarmName,
      alarmDescription: props.description,
      namespace: props.namespace,
      metricName: props.metricName,
      dimensions: props.dimensions,
      statistic: "SampleCount",
      period: 60,
      evaluationPeriods: minutes,
      datapointsToAlarm: minutes,
      threshold: 1,
      comparisonOperator: "LessThanThreshold",
      treatMissingData: "breaching",
      alarmActions: props.actions,
      okActions: props.actions,
    });
  }
}
