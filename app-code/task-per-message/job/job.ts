/**
 * The demo job a task runs: reads its job from the environment the launcher's overrides set, does `duration`
 * seconds of (simulated) work, and reports through its exit code, which is all the failure path sees:
 * 0 = done; 1 = failed; 2 = bad environment; 143 = stopped by SIGTERM (Spot interruption, StopTask) before the
 * end, non-zero so that the failure handler retries it.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { ConfigError, Env } from "../../shared/env";
import type { Log } from "../../worker/src/log";
import { Job, JobLaunch, jobFromEnvironment } from "../job-message";

export const EXIT_CODES = { done: 0, failed: 1, badEnvironment: 2, interrupted: 143 } as const;

export interface JobRun {
  job: Job;
  launch: JobLaunch;
}

export function loadJobRun(env: Env): JobRun {
  const read = jobFromEnvironment(env);
  if (!read.ok) throw new ConfigError(`job environment is invalid: ${read.reason}`);
  return read.value;
}

export interface JobDeps {
  /** Aborted on SIGTERM. */
  signal: AbortSignal;
  log: Log;
}

/** Runs the job and returns the process exit code. */
export async function runJob(run: JobRun, deps: JobDeps): Promise<number> {
  const { job, launch } = run;
  const context = { jobId: job.id, input: job.input, attempt: launch.attempt, messageId: launch.messageId };
  deps.log.info("job started", { ...context, durationSeconds: job.duration });
  try {
    await sleep(job.duration * 1000, undefined, { signal: deps.signal });
  } catch {
    deps.log.warn("job interrupted (SIGTERM); exiting non-zero so that the failure path retries it", context);
    return EXIT_CODES.interrupted;
  }
  if (launch.attempt <= job.failAttempts) {
    deps.log.error("job failed (failAttempts)", { ...context, failAttempts: job.failAttempts });
    return EXIT_CODES.failed;
  }
  deps.log.info("job done", context);
  return EXIT_CODES.done;
}
