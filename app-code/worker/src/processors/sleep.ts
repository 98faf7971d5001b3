/**
 * The default processor (`WORKER_PROCESSOR=sleep`), the blueprint's stand-in for real work: a body
 * `{"id", "duration"}` (shared/work-message.ts) is processed by waiting `duration` seconds.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { parseWorkMessage, WorkMessage } from "../../../shared/work-message";
import { Processor, ProcessorSetup } from "../processor";

export function createSleepProcessor({ config }: Pick<ProcessorSetup, "config">): Processor<WorkMessage> {
  return {
    name: "sleep",
    parse(body) {
      const parsed = parseWorkMessage(body, config.maxDurationSeconds);
      return parsed.ok ? { ok: true, job: parsed.message } : parsed;
    },
    expectedSeconds: (job) => job.duration,
    // Rejects with an AbortError when the signal aborts: the worker then releases the message.
    process: (job, { signal }) => sleep(job.duration * 1000, undefined, { signal }),
  };
}
