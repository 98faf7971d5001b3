/**
 * A stand-in for Lambda's SQS event source mapping with ReportBatchItemFailures, for the local runs: long-poll a
 * batch, hand it to the handler as an SQSEvent, delete the records the response does not list as failed. Failed
 * records stay in flight until their visibility timeout, as with the real mapping; a handler that throws fails the
 * whole batch.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { DeleteMessageBatchCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";

export interface EventSourceOptions {
  sqs: SQSClient;
  queueUrl: string;
  queueArn: string;
  /** Records per invocation (the mapping's batch size). Default 10. */
  batchSize?: number;
  /** Invocations at a time (the mapping's maximum concurrency). Default 2. */
  concurrency?: number;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>;
}

export interface EventSource {
  invocations: number;
  /** Receive or delete calls that failed (the loop goes on after a short pause). */
  errors: number;
  /** Records the handler reported as failed, in total. */
  failedRecords: number;
  stop(): Promise<void>;
}

export function toSqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId ?? "",
    receiptHandle: message.ReceiptHandle ?? "",
    body: message.Body ?? "",
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? "1",
      SentTimestamp: attributes.SentTimestamp ?? "0",
      SenderId: attributes.SenderId ?? "local",
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? "0",
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, a]) => [name, { stringValue: a.StringValue, dataType: a.DataType ?? "String" }]),
    ),
    md5OfBody: message.MD5OfBody ?? "",
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(":")[3] ?? "us-east-1",
  };
}

export function startEventSource(options: EventSourceOptions): EventSource {
  const { sqs, queueUrl } = options;
  let running = true;
  const state: EventSource = { invocations: 0, errors: 0, failedRecords: 0, stop: async () => undefined };

  const pollOnce = async () => {
    const res = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: options.batchSize ?? 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ["All"],
        MessageAttributeNames: ["All"],
      }),
    );
    const messages = res.Messages ?? [];
    if (messages.length === 0) return;
    state.invocations++;
    let failed: Set<string>;
    try {
      const response = await options.handler({ Records: messages.map((m) => toSqsRecord(m, options.queueArn)) });
      failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
    } catch {
      failed = new Set(messages.map((m) => m.MessageId ?? ""));
    }
    state.failedRecords += failed.size;
    const done = messages.filter((m) => !failed.has(m.MessageId ?? ""));
    if (done.length > 0) {
      await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })) }));
    }
  };

  const lanes = Array.from({ length: options.concurrency ?? 2 }, async () => {
    while (running) {
      await pollOnce().catch(async () => {
        state.errors++;
        await new Promise((r) => setTimeout(r, 200));
      });
    }
  });
  state.stop = async () => {
    running = false;
    await Promise.all(lanes);
  };
  return state;
}
