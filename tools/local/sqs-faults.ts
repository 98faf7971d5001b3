/**
 * SDK middleware for the local runs and tests of the fan-out: watch what a client sends with SendMessageBatch,
 * fail some calls before they reach the server (a worker dying between claiming children and posting them), and
 * duplicate some entries (SQS standard queues deliver at least once).
 */
import type { SendMessageBatchCommandInput, SendMessageBatchRequestEntry, SendMessageBatchResult, SQSClient } from "@aws-sdk/client-sqs";

export interface SendFaults {
  /** Called with each SendMessageBatch call's entries (counted from 1); true fails the call without sending it. */
  failCall?: (entries: SendMessageBatchRequestEntry[], call: number) => boolean;
  /** True sends that entry twice (as a second entry with its own id). */
  duplicate?: (entry: SendMessageBatchRequestEntry) => boolean;
  /** Told the entries that reached the queue (before duplication), after each successful call. */
  onSent?: (entries: SendMessageBatchRequestEntry[]) => void;
}

export class InjectedFault extends Error {
  constructor() {
    super("injected fault: SendMessageBatch not sent");
    this.name = "InjectedFault";
  }
}

export function addSendFaults(client: Pick<SQSClient, "middlewareStack">, faults: SendFaults): void {
  let calls = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== "SendMessageBatchCommand") return next(args);
      const input = args.input as SendMessageBatchCommandInput & { Entries: SendMessageBatchRequestEntry[] };
      const original = input.Entries;
      if (faults.failCall?.(original, ++calls)) throw new InjectedFault();
      const copies = original.filter((e) => faults.duplicate?.(e)).map((e, i) => ({ ...e, Id: `dup-${i}` }));
      const result = await next({ ...args, input: { ...input, Entries: [...original, ...copies] } });
      const failed = new Set(((result.output as SendMessageBatchResult).Failed ?? []).map((f) => f.Id));
      faults.onSent?.(original.filter((e) => !failed.has(e.Id)));
      return result;
    },
    { step: "initialize", name: "sendFaults" },
  );
}
