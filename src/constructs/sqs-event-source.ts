import { Construct } from "constructs";
import { DataAwsIamPolicyDocumentStatement } from "@cdktf/provider-aws/lib/data-aws-iam-policy-document";
import { LambdaEventSourceMapping } from "@cdktf/provider-aws/lib/lambda-event-source-mapping";
import { sqsEventSourceProblems } from "../lambda-sqs";

export interface SqsEventSourceProps {
  /** The queue Lambda polls. */
  readonly queueArn: string;
  /** The function it invokes (name or ARN). */
  readonly functionName: string;
  /** Records per invocation. @default 10 */
  readonly batchSize?: number;
  /** Seconds Lambda gathers records before invoking; needed (≥ 1) for batches over 10. @default 0 */
  readonly batchingWindowSeconds?: number;
  /** Concurrent invocations this mapping may start, 2..1000. @default 2 */
  readonly maximumConcurrency?: number;
  /** The queue is FIFO (batches ≤ 10, no window). @default false */
  readonly fifo?: boolean;
}

/**
 * An SQS event source mapping with partial batch responses (`ReportBatchItemFailures`: only the records the
 * function lists as failed come back) and a maximum concurrency (Lambda's poller otherwise scales out to 1,000
 * concurrent batches). Its shape is checked against Lambda's limits before anything is written.
 */
export class SqsEventSource extends Construct {
  readonly mapping: LambdaEventSourceMapping;

  constructor(scope: Construct, id: string, props: SqsEventSourceProps) {
    super(scope, id);
    const shape = {
      batchSize: props.batchSize ?? 10,
      batchingWindowSeconds: props.batchingWindowSeconds ?? 0,
      maximumConcurrency: props.maximumConcurrency ?? 2,
      fifo: props.fifo ?? false,
    };
    const problems = sqsEventSourceProblems(shape);
    if (problems.length > 0) throw new Error(`SQS event source ${this.node.path}: ${problems.join("; ")}`);
    this.mapping = new LambdaEventSourceMapping(this, "mapping", {
      eventSourceArn: props.queueArn,
      functionName: props.functionName,
      batchSize: shape.batchSize,
      maximumBatchingWindowInSeconds: shape.batchingWindowSeconds,
      functionResponseTypes: ["ReportBatchItemFailures"],
      scalingConfig: { maximumConcurrency: shape.maximumConcurrency },
    });
  }
}

/** What the function's role needs for Lambda to poll the queue on its behalf. */
export function sqsEventSourceStatement(queueArn: string): DataAwsIamPolicyDocumentStatement {
  return {
    sid: "PolledQueue",
    actions: ["sqs:ChangeMessageVisibility", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ReceiveMessage"],
    resources: [queueArn],
  };
}
