/**
 * The processors one worker image can run, by the name `WORKER_PROCESSOR` gives (see ../processor.ts). A pattern
 * adds its processor here.
 */
import { Env, readChoice } from "../../../shared/env";
import { ProcessorFactory } from "../processor";
import { createRecursiveFanoutProcessor } from "./recursive-fanout";
import { createSleepProcessor } from "./sleep";
import { createUnixTimeParityProcessor } from "./unix-time-parity";

export const PROCESSORS = {
  sleep: createSleepProcessor,
  "unix-time-parity": createUnixTimeParityProcessor,
  "recursive-fanout": createRecursiveFanoutProcessor,
} satisfies Record<string, ProcessorFactory>;

export type ProcessorName = keyof typeof PROCESSORS;

export const DEFAULT_PROCESSOR: ProcessorName = "sleep";

/** The factory `WORKER_PROCESSOR` names; an unknown name is a ConfigError listing the known ones. */
export function processorFromEnv(env: Env): ProcessorFactory {
  const names = Object.keys(PROCESSORS) as ProcessorName[];
  return PROCESSORS[readChoice(env, "WORKER_PROCESSOR", names, DEFAULT_PROCESSOR)];
}
