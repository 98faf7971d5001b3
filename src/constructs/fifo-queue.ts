import { Construct } from "constructs";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueueRedriveAllowPolicy } from "@cdktf/provider-aws/lib/sqs-queue-redrive-allow-policy";
import { visibilityTimeoutFor } from "../visibility-timeout";

export interface FifoQueueWithDlqProps {
  /** Queue name, ending in `.fifo`. */
  readonly name: string;
  /** Dead-letter queue name, ending in `.fifo`. */
  readonly deadLetterQueueName: string;
  /** Longest time a consumer may hold a message; the visibility timeout is derived from it. */
  readonly maxProcessingSeconds: number;
  /** Receives before a message moves to the dead-letter queue. @default 3 */
  readonly maxReceiveCount?: number;
  /** How long the queue keeps a message. @default 345600 (4 days, the SQS default) */
  readonly messageRetentionSeconds?: number;
}

/**
 * A FIFO queue with content-based deduplication and its FIFO dead-letter queue: both encrypted with SQS-managed
 * keys (SSE-SQS), redrive after `maxReceiveCount` receives, and a redrive-allow policy so only this queue may use
 * the DLQ. The DLQ keeps messages 14 days (the SQS maximum), longer than the source queue, so a message that
 * failed near the end of its retention is not lost on arrival.
 */
export class FifoQueueWithDlq extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: FifoQueueWithDlqProps) {
    super(scope, id);
    for (const name of [props.name, props.deadLetterQueueName]) {
      if (!name.endsWith(".fifo")) throw new Error(`FIFO queue name "${name}" must end in .fifo`);
    }
    this.deadLetterQueue = new SqsQueue(this, "dlq", {
      name: props.deadLetterQueueName,
      fifoQueue: true,
      contentBasedDeduplication: true,
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 1_209_600,
    });
    this.queue = new SqsQueue(this, "queue", {
      name: props.name,
      fifoQueue: true,
      contentBasedDeduplication: true,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: visibilityTimeoutFor(props.maxProcessingSeconds),
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
  }
}
