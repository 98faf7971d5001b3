/**
 * Retries of failed batch entries, against a real SQS server with faults injected into the client's responses:
 * the "failed" entries did arrive, so the retry also proves FIFO deduplication keeps them single.
 */
import { SendMessageBatchCommandOutput } from "@aws-sdk/client-sqs";
import { createWorkMessages } from "../../../app-code/shared/work-message";
import { sendInBatches } from "../../../app-code/message-producer/producer";
import { FauxqsProcess, startFauxqs } from "../../../tools/local/fauxqs";
import { createLocalQueues } from "../../../tools/local/queues";

let fauxqs: FauxqsProcess;
beforeAll(async () => {
  fauxqs = await startFauxqs();
});
afterAll(() => fauxqs.stop());

test("entries reported failed and calls that throw are retried; nothing lost, nothing duplicated", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "retry" });
  let call = 0;
  queues.sqs.middlewareStack.add(
    (next) => async (args) => {
      call++;
      if (call === 3) throw Object.assign(new Error("ThrottlingException"), { name: "ThrottlingException" });
      const out = await next(args);
      if (call === 1) {
        // Claim two delivered entries failed.
        const output = out.output as SendMessageBatchCommandOutput;
        const moved = output.Successful!.splice(0, 2);
        output.Failed = moved.map((s) => ({ Id: s.Id, Code: "InternalError", SenderFault: false }));
      }
      return out;
    },
    { step: "initialize", name: "faults" },
  );
  const entries = createWorkMessages(30, { durationMinSeconds: 1, durationMaxSeconds: 1, groupCount: 3 });

  const result = await sendInBatches(queues.sqs, queues.queueUrl, entries, { parallelCalls: 1, retryBaseMs: 1 });

  // Calls: batch 1 (2 "failed"), their retry, batch 2 (throws), its retry, batch 3.
  expect(result).toEqual({ requested: 30, sent: 30, failed: 0, calls: 5, retriedEntries: 12 });
  const ids = (await queues.main()).bodies.map((b) => (JSON.parse(b) as { id: string }).id).sort();
  expect(ids).toEqual(entries.map((e) => e.MessageDeduplicationId).sort());
});

test("entries still failing after maxAttempts are counted as failed, not thrown away silently", async () => {
  const queues = await createLocalQueues(fauxqs, { name: "down" });
  queues.sqs.middlewareStack.add(
    () => async () => {
      throw new Error("ServiceUnavailable");
    },
    { step: "initialize", name: "down" },
  );
  const entries = createWorkMessages(15, { durationMinSeconds: 1, durationMaxSeconds: 1, groupCount: 1 });

  const result = await sendInBatches(queues.sqs, queues.queueUrl, entries, { maxAttempts: 3, retryBaseMs: 1 });

  expect(result).toEqual({ requested: 15, sent: 0, failed: 15, calls: 6, retriedEntries: 30 });
});
