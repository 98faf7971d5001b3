import { GetQueueAttributesCommand, QueueAttributeName, SQSClient } from "@aws-sdk/client-sqs";

/** A queue's message counts, as SQS reports them (approximate). */
export interface QueueCounts {
  /** ApproximateNumberOfMessages. */
  visible: number;
  /** ApproximateNumberOfMessagesNotVisible. */
  inFlight: number;
  /** ApproximateNumberOfMessagesDelayed. */
  delayed: number;
}

/** Live counts from GetQueueAttributes (not the 1-minute CloudWatch metrics, which lag further). */
export async function sqsQueueCounts(sqs: Pick<SQSClient, "send">, queueUrl: string): Promise<QueueCounts> {
  const res = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"],
    }),
  );
  const n = (name: QueueAttributeName) => Number(res.Attributes?.[name] ?? 0);
  return { visible: n("ApproximateNumberOfMessages"), inFlight: n("ApproximateNumberOfMessagesNotVisible"), delayed: n("ApproximateNumberOfMessagesDelayed") };
}
