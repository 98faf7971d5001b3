/**
 * What to do with a job whose task stopped, from the `ECS Task State Change` event alone. Pure.
 *
 * Once RunTask has accepted a job the launcher's SQS message is deleted, so SQS retries and the queue's DLQ no
 * longer cover it; this decision is the job's retry policy from then on:
 * - success only when the job container exited by itself with code 0 (stopCode `EssentialContainerExited`);
 * - anything else (non-zero exit, Spot interruption, a task that never started, a user or scheduler stop) is a
 *   failure: re-enqueue with attempt + 1, or dead-letter after `maxAttempts`;
 * - a task whose job cannot be read back from its overrides is dead-lettered as the raw event, never dropped.
 */
import { preview } from "../shared/preview";
import { Job, jobFromEnvironment, KeyValue } from "./job-message";

/** The parts of the event's `detail` the decision reads (the event carries many more). */
export interface TaskStateDetail {
  taskArn?: string;
  lastStatus?: string;
  stopCode?: string;
  stoppedReason?: string;
  startedBy?: string;
  group?: string;
  containers?: Array<{ name?: string; exitCode?: number; reason?: string; lastStatus?: string }>;
  overrides?: { containerOverrides?: Array<{ name?: string; environment?: Array<Partial<KeyValue>> }> };
}

export interface DecisionOptions {
  /** The job container's name in the task definition. */
  containerName: string;
  /** Launches per job, the first included; after that many failures the job goes to the DLQ. */
  maxAttempts: number;
  /** The launcher's RunTask `startedBy`; tasks started otherwise are not this queue's jobs. */
  startedBy: string;
}

export type StopDecision =
  | { action: "ignore"; reason: string }
  /** `job` is undefined when the task's overrides do not carry one (nothing to retry either way). */
  | { action: "succeeded"; job?: Job; attempt?: number }
  | { action: "retry"; job: Job; attempt: number; nextAttempt: number; reason: string }
  | { action: "dead-letter"; job: Job; attempt: number; reason: string }
  /** The job could not be read back: the event itself goes to the DLQ. */
  | { action: "dead-letter-event"; reason: string };

/** Why the task did not end in the job container's own clean exit; undefined when it did. */
export function failureReason(detail: TaskStateDetail, containerName: string): string | undefined {
  const container = detail.containers?.find((c) => c.name === containerName);
  const stop = `${detail.stopCode ?? "no stopCode"}${detail.stoppedReason ? ` (${detail.stoppedReason})` : ""}`;
  if (!container) return `task has no container named ${containerName}; stopped: ${stop}`;
  if (detail.stopCode !== "EssentialContainerExited") {
    const exit = container.exitCode === undefined ? "no exit code" : `exit code ${container.exitCode}`;
    return `task stopped by ${stop}, container ${containerName} ${exit}`;
  }
  if (container.exitCode === undefined || container.exitCode === null) {
    return `container ${containerName} has no exit code${container.reason ? ` (${container.reason})` : ""}`;
  }
  if (container.exitCode !== 0) {
    return `container ${containerName} exited with code ${container.exitCode}${container.reason ? ` (${container.reason})` : ""}`;
  }
  return undefined;
}

export function decideStoppedTask(detail: TaskStateDetail, options: DecisionOptions): StopDecision {
  if (detail.lastStatus !== "STOPPED") return { action: "ignore", reason: `lastStatus is ${preview(detail.lastStatus ?? "missing", 40)}, not STOPPED` };
  if (detail.startedBy !== options.startedBy) {
    return { action: "ignore", reason: `startedBy ${preview(detail.startedBy ?? null)} is not the launcher's ${JSON.stringify(options.startedBy)}` };
  }
  const failure = failureReason(detail, options.containerName);
  const override = detail.overrides?.containerOverrides?.find((o) => o.name === options.containerName);
  const read = jobFromEnvironment(override?.environment ?? []);
  if (failure === undefined) return read.ok ? { action: "succeeded", job: read.value.job, attempt: read.value.launch.attempt } : { action: "succeeded" };
  if (!read.ok) return { action: "dead-letter-event", reason: `${failure}; job not readable from the task's overrides: ${read.reason}` };
  const { job, launch } = read.value;
  if (launch.attempt >= options.maxAttempts) {
    return { action: "dead-letter", job, attempt: launch.attempt, reason: `attempt ${launch.attempt} of ${options.maxAttempts} failed: ${failure}` };
  }
  return { action: "retry", job, attempt: launch.attempt, nextAttempt: launch.attempt + 1, reason: failure };
}
