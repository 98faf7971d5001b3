import { setTimeout as sleep } from "node:timers/promises";
import { SendMessageBatchCommand, SendMessageBatchRequestEntry, SQSClient } from "@aws-sdk/client-sqs";
import { ConfigError, Env, readNumber, requireString } from "../shared/env";
import { createWorkMessages, WorkMessageOptions } from "../shared/work-message";

export const MAX_MESSAGES_PER_RUN = 100_000;

export interface ProducerConfig extends WorkMessageOptions {
  queueUrl: string;
  /** Messages per invocation unless the event says `{"count": N}`. Default 50. */
  messagesPerRun: number;
}

export function loadProducerConfig(env: Env): ProducerConfig {
  const durationMinSeconds = readNumber(env, "DURATION_MIN_SECONDS", { default: 5, min: 0, max: 43_200 });
  const durationMaxSeconds = readNumber(env, "DURATION_MAX_SECONDS", { default: durationMinSeconds, min: 0, max: 43_200 });
  if (durationMaxSeconds < durationMinSeconds) {
    throw new ConfigError(
      `DURATION_MAX_SECONDS=${durationMaxSeconds} is invalid: expected at least DURATION_MIN_SECONDS (${durationMinSeconds})`,
    );
  }
  return {
    queueUrl: requireString(env, "QUEUE_URL"),
    messagesPerRun: readNumber(env, "MESSAGES_PER_RUN", { default: 50, min: 1, max: MAX_MESSAGES_PER_RUN, integer: true }),
    durationMinSeconds,
    durationMaxSeconds,
    groupCount: readNumber(env, "MESSAGE_GROUP_COUNT", { default: 10, min: 1, max: 10_000, integer: true }),
  };
}

/** The message count for one invocation: the event's `count` if present (validated), else the configured one. */
export function countFromEvent(event: unknown, config: ProducerConfig): number {
  const count = (event as { count?: unknown } | null | undefined)?.count;
  if (count === undefined) return config.messagesPerRun;
  if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > MAX_MESSAGES_PER_RUN) {
    throw new ConfigError(`event.count=${JSON.stringify(count)} is invalid: expected an integer from 1 up to ${MAX_MESSAGES_PER_RUN}`);
  }
  return count;
}

export interface SendResult {
  requested: number;
  sent: number;
  failed: number;
  /** SendMessageBatch calls, retries included. */
  calls: number;
  /** Entry-level retries (entries SQS reported as failed, or whole calls that threw). */
  retriedEntries: number;
}

export interface SendOptions {
  /** Attempts per entry, the first included. Default 5. */
  maxAttempts?: number;
  /** SendMessageBatch calls in flight at once. Default 10. */
  parallelCalls?: number;
  /** First retry delay, doubled per attempt. Default 100 ms. */
  retryBaseMs?: number;
}

/**
 * Sends entries 10 per SendMessageBatch call, several calls in flight. Entries that fail (reported in `Failed`,
 * or the whole call throwing after the SDK's own retries) are retried with backoff; their deduplication ids make
 * a retry of an entry that did arrive harmless on a FIFO queue.
 */
export async function sendInBatches(
  sqs: SQSClient,
  queueUrl: string,
  entries: readonly SendMessageBatchRequestEntry[],
  options: SendOptions = {},
): Promise<SendResult> {
  const { maxAttempts = 5, parallelCalls = 10, retryBaseMs = 100 } = options;
  const result: SendResult = { requested: entries.length, sent: 0, failed: 0, calls: 0, retriedEntries: 0 };
  const batches: SendMessageBatchRequestEntry[][] = [];
  for (let i = 0; i < entries.length; i += 10) {
    batches.push(entries.slice(i, i + 10).map((e, j) => ({ ...e, Id: String(j) })));
  }

  const sendBatch = async (batch: SendMessageBatchRequestEntry[]): Promise<void> => {
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt++) {
      result.calls++;
      let failedIds: Set<string>;
      try {
        const res = await sqs.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: pending }));
        failedIds = new Set((res.Failed ?? []).map((f) => f.Id ?? ""));
      } catch {
        failedIds = new Set(pending.map((e) => e.Id ?? ""));
      }
      result.sent += pending.length - failedIds.size;
      pending = pending.filter((e) => failedIds.has(e.Id ?? ""));
      if (pending.length === 0) return;
      if (attempt >= maxAttempts) {
        result.failed += pending.length;
        return;
      }
      result.retriedEntries += pending.length;
      await sleep(retryBaseMs * 2 ** (attempt - 1));
    }
  };

  let next = 0;
  const lanes = Array.from({ length: Math.min(parallelCalls, batches.length) }, async () => {
    while (next < batches.length) await sendBatch(batches[next++]);
  });
  await Promise.all(lanes);
  return result;
}

/** One producer run: builds `count` messages from the config and sends them. */
export function produce(sqs: SQSClient, config: ProducerConfig, count: number, options?: SendOptions): Promise<SendResult> {
  return sendInBatches(sqs, config.queueUrl, createWorkMessages(count, config), options);
}
