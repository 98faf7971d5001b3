/**
 * The work message format shared by the producer (which writes it) and the worker (which reads it):
 * a JSON body `{"id": string, "duration": seconds}`.
 */
import { randomUUID } from "node:crypto";
import { preview } from "./preview";

export interface WorkMessage {
  id: string;
  /** Seconds of (simulated) work. */
  duration: number;
}

export type ParseResult = { ok: true; message: WorkMessage } | { ok: false; reason: string };

/**
 * Validates a body. Never throws: a bad body is a result, so the worker can log it and leave the message for the
 * dead-letter queue. Reasons quote values from the body only through `preview` (bounded, cannot throw).
 * `id` is optional (the SQS MessageId identifies the message in logs anyway).
 */
export function parseWorkMessage(body: string | undefined, maxDurationSeconds: number): ParseResult {
  if (body === undefined) return { ok: false, reason: "empty body" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { ok: false, reason: "body is not JSON" };
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return { ok: false, reason: "body is not a JSON object" };
  }
  const { id, duration } = parsed as Record<string, unknown>;
  if (duration === undefined) return { ok: false, reason: "duration is missing" };
  if (typeof duration !== "number") return { ok: false, reason: `duration is not a number: ${preview(duration)}` };
  // JSON.parse turns 1e309 into Infinity.
  if (!Number.isFinite(duration)) return { ok: false, reason: `duration is not a finite number: ${preview(duration)}` };
  if (duration < 0) return { ok: false, reason: `duration is negative: ${duration}` };
  if (duration > maxDurationSeconds) {
    return { ok: false, reason: `duration ${duration} s exceeds the maximum of ${maxDurationSeconds} s` };
  }
  if (id !== undefined && typeof id !== "string" && typeof id !== "number") {
    return { ok: false, reason: `id is neither a string nor a number: ${preview(id)}` };
  }
  return { ok: true, message: { id: id === undefined ? "" : String(id), duration } };
}

export interface WorkMessageOptions {
  /** Shortest duration in seconds. */
  durationMinSeconds: number;
  /** Longest duration in seconds; equal to the minimum for a fixed duration. */
  durationMaxSeconds: number;
  /** Number of FIFO message groups the messages are spread over. */
  groupCount: number;
}

/** One SendMessageBatch entry for a FIFO queue. */
export interface WorkMessageEntry {
  Id: string;
  MessageBody: string;
  MessageGroupId: string;
  MessageDeduplicationId: string;
}

/**
 * Builds `count` FIFO entries. Ids are random UUIDs (122 random bits) and double as deduplication ids, so they
 * never collide inside the 5-minute deduplication window. Groups are assigned round-robin from a random start,
 * so consecutive small runs still spread evenly and FIFO ordering never serialises the work onto one group.
 * Durations are uniform in [min, max], rounded to milliseconds.
 */
export function createWorkMessages(
  count: number,
  options: WorkMessageOptions,
  random: () => number = Math.random,
  newId: () => string = randomUUID,
): WorkMessageEntry[] {
  const { durationMinSeconds: min, durationMaxSeconds: max, groupCount } = options;
  const firstGroup = Math.floor(random() * groupCount);
  const entries: WorkMessageEntry[] = [];
  for (let i = 0; i < count; i++) {
    const id = newId();
    const duration = max > min ? Math.round((min + random() * (max - min)) * 1000) / 1000 : min;
    entries.push({
      // The batch entry Id only needs to be unique within one SendMessageBatch call.
      Id: String(i % 10),
      MessageBody: JSON.stringify({ id, duration } satisfies WorkMessage),
      MessageGroupId: `group-${(firstGroup + i) % groupCount}`,
      MessageDeduplicationId: id,
    });
  }
  return entries;
}
