import { Construct } from "constructs";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { MAX_VISIBILITY_TIMEOUT_SECONDS, visibilityTimeoutFor } from "../visibility-timeout";

export interface WorkQueueProps {
  /** Queue name; ends in `.fifo` exactly when `fifo`. */
  readonly name: string;
  /** Dead-letter queue name; ends in `.fifo` exactly when `fifo`. */
  readonly deadLetterQueueName: string;
  /** A FIFO queue with content-based deduplication (and a FIFO dead-letter queue). @default false */
  readonly fifo?: boolean;
  /**
   * Longest time a consumer may hold a message; the visibility timeout is derived from it (`visibilityTimeoutFor`).
   * Give this or `visibilityTimeoutSeconds`, not both.
   */
  readonly maxProcessingSeconds?: number;
  /** The visibility timeout itself, for consumers that extend it while they work (a heartbeat). */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
  /** How long the queue keeps a message. @default 345600 (4 days, the SQS default) */
  readonly messageRetentionSeconds?: number;
  /**
   * A CloudWatch alarm `<alarm name>` that goes off when the dead-letter queue holds a message (its
   * ApproximateNumberOfMessagesVisible, 1-minute Maximum, above 0), notifying `actions` (e.g. an SNS topic ARN).
   * @default no alarm
   */
  readonly deadLetterAlarm?: { readonly name: string; readonly actions?: string[] };
}

/**
 * A work queue and its dead-letter queue, standard or FIFO (then with content-based deduplication): both encrypted
 * with SQS-managed keys (SSE-SQS), long polling (20 s) by default, redrive after `maxReceiveCount` receives, a
 * redrive-allow policy so only this queue may use the DLQ, and optionally an alarm on the DLQ. The DLQ keeps
 * messages 14 days (the SQS maximum), longer than the source queue, so a message that failed near the end of its
 * retention is not lost on arrival.
 */
export class WorkQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly deadLetterAlarm?: CloudwatchMetricAlarm;

  /** The work queue as consumers and producers take it (QueueWorkerService's `queue`). */
  get ref(): { readonly arn: string; readonly url: string; readonly name: string } {
    return { arn: this.queue.arn, url: this.queue.url, name: this.queue.name };
  }

  constructor(scope: Construct, id: string, props: WorkQueueProps) {
    super(scope, id);
    const fifo = props.fifo ?? false;
    for (const name of [props.name, props.deadLetterQueueName]) {
      if (name.endsWith(".fifo") !== fifo) {
        throw new Error(fifo ? `FIFO queue name "${name}" must end in .fifo` : `standard queue name "${name}" must not end in .fifo`);
      }
    }
    const visibilityTimeout = visibilityTimeoutOf(props);
    const fifoArgs = fifo ? { fifoQueue: true, contentBasedDeduplication: true } : {};
    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      name: props.deadLetterQueueName,
      ...fifoArgs,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      ...fifoArgs,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: visibilityTimeout,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 345_600,
      // Long polling by default: fewer empty receives (and requests billed) for consumers that don't set it.
      receiveWaitTimeSeconds: 20,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: props.maxReceiveCount ?? 3,
      }),
    });
    new SqsQueueRedriveAllowPolicy(this, "dlq_redrive_allow", {
      queueUrl: this.deadLetterQueue.url,
      redriveAllowPolicy: JSON.stringify({ redrivePermission: "byQueue", sourceQueueArns: [this.queue.arn] }),
    });
    if (props.deadLetterAlarm) {
      this.deadLetterAlarm = queueNotEmptyAlarm(this, "dlq_alarm", {
        alarmName: props.deadLetterAlarm.name,
        description: `Messages that failed ${props.maxReceiveCount ?? 3} times wait in ${props.deadLetterQueueName}: inspect them, then redrive or delete.`,
        queueName: this.deadLetterQueue.name,
        actions: props.deadLetterAlarm.actions,
      });
    }
  }
}

function visibilityTimeoutOf(props: WorkQueueProps): number {
  const { maxProcessingSeconds: max, visibilityTimeoutSeconds: fixed } = props;
  if ((max === undefined) === (fixed === undefined)) {
    throw new Error(`queue "${props.name}": give exactly one of maxProcessingSeconds and visibilityTimeoutSeconds`);
  }
  if (fixed !== undefined && (!Number.isInteger(fixed) || fixed < 0 || fixed > MAX_VISIBILITY_TIMEOUT_SECONDS)) {
    throw new Error(`queue "${props.name}": visibilityTimeoutSeconds ${fixed} is outside SQS's 0..${MAX_VISIBILITY_TIMEOUT_SECONDS}`);
  }
  return fixed ?? visibilityTimeoutFor(max!);
}

export interface QueueNotEmptyAlarmOptions {
  readonly alarmName: string;
  readonly description: string;
  /** The queue watched (a dead-letter queue, a failure queue: anything in it needs a person). */
  readonly queueName: string;
  /** Notified (SNS topic ARNs). @default none */
  readonly actions?: string[];
}

/**
 * An alarm in `scope` under `id` that goes off when a queue holds a visible message (ApproximateNumberOfMessagesVisible,
 * 1-minute Maximum, above 0); a quiet empty queue emits no datapoint, which is not a problem.
 */
export function queueNotEmptyAlarm(scope: Construct, id: string, options: QueueNotEmptyAlarmOptions): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: options.alarmName,
    alarmDescription: options.description,
    namespace: "AWS/SQS",
    metricName: "ApproximateNumberOfMessagesVisible",
    dimensions: { QueueName: options.queueName },
    statistic: "Maximum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 0,
    comparisonOperator: "GreaterThanThreshold",
    // An empty queue that has gone quiet stops emitting datapoints: that is not a problem.
    treatMissingData: "notBreaching",
    alarmActions: options.actions,
  });
}
