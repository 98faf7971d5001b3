import type { SQSRecord } from "aws-lambda";

/** An SQS record as Lambda's event source mapping delivers it. */
export function sqsRecord(messageId: string, body: string, messageAttributes: Record<string, string> = {}): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: "1", SentTimestamp: "0", SenderId: "local", ApproximateFirstReceiveTimestamp: "0" },
    messageAttributes: Object.fromEntries(Object.entries(messageAttributes).map(([k, v]) => [k, { stringValue: v, dataType: "Number" }])),
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:us-east-1:123456789012:jobs",
    awsRegion: "us-east-1",
  };
}
