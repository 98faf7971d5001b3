import { SQSClient } from "@aws-sdk/client-sqs";

/**
 * Counts, through middleware on a worker's own SQS client, how often each message (by body) was deleted: receipt
 * handles from ReceiveMessage answers, matched against DeleteMessageBatch entries.
 */
export function recordDeletes(sqs: SQSClient): Map<string, number> {
  const bodyByHandle = new Map<string, string>();
  const deletes = new Map<string, number>();
  sqs.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { Entries?: Array<{ ReceiptHandle?: string }> };
      if (context.commandName === "DeleteMessageBatchCommand") {
        for (const e of input.Entries ?? []) {
          const body = bodyByHandle.get(e.ReceiptHandle ?? "") ?? "?";
          deletes.set(body, (deletes.get(body) ?? 0) + 1);
        }
      }
      const result = await next(args);
      if (context.commandName === "ReceiveMessageCommand") {
        for (const m of (result.output as { Messages?: Array<{ ReceiptHandle?: string; Body?: string }> }).Messages ?? []) {
          bodyByHandle.set(m.ReceiptHandle ?? "", m.Body ?? "");
        }
      }
      return result;
    },
    { step: "initialize", name: "recordDeletes" },
  );
  return deletes;
}
