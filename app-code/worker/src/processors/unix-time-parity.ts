/**
 * The awstut pattern's work (`WORKER_PROCESSOR=unix-time-parity`, PATTERNS.md §1.5): a body holding a UNIX time
 * (shared/unix-time-message.ts) takes `WORK_SECONDS` (default 60, the source's `Interval`) and logs whether the time
 * is even or odd. Unlike the source, which logged first and then slept, the verdict is logged once the work is done,
 * so a line "is even" means the message was processed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { readNumber } from "../../../shared/env";
import { parity, parseUnixTimeBody } from "../../../shared/unix-time-message";
import { Processor, ProcessorSetup } from "../processor";

export interface UnixTimeJob {
  time: number;
}

export function createUnixTimeParityProcessor({ env, config }: Pick<ProcessorSetup, "env" | "config">): Processor<UnixTimeJob> {
  // Fractions of a second only shorten local runs; the task definition sets whole seconds.
  const workSeconds = readNumber(env, "WORK_SECONDS", { default: 60, min: 0, max: config.maxDurationSeconds });
  return {
    name: "unix-time-parity",
    parse(body) {
      const parsed = parseUnixTimeBody(body);
      return parsed.ok ? { ok: true, job: { time: parsed.time } } : parsed;
    },
    expectedSeconds: () => workSeconds,
    async process(job, { signal, log }) {
      // Rejects with an AbortError when the signal aborts: the worker then releases the message.
      await sleep(workSeconds * 1000, undefined, { signal });
      log.info(`${job.time} is ${parity(job.time)}.`, { time: job.time, parity: parity(job.time) });
    },
  };
}
