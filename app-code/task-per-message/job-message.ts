/**
 * The job contract of the task-per-message pattern, pure (no SDK calls):
 * - the SQS message body the launcher reads: `{"id", "input", "duration"?, "failAttempts"?}`;
 * - the container environment the launcher passes as RunTask overrides and the job container reads;
 * - the same environment read back from a STOPPED task's event, so the failure handler can re-enqueue the job.
 *
 * The job carries a reference to its data (`input`, e.g. an S3 URI), never the data: RunTask overrides are limited
 * to 8,192 characters in total, JSON punctuation included. Reasons quote values of a body only through `preview`
 * (bounded, never throws).
 */
import { parseJsonObject } from "../shared/json-body";
import { preview } from "../shared/preview";

export interface Job {
  /** Names the job in logs and task tags: 1-128 characters allowed in ECS tag values. */
  id: string;
  /** Reference to the job's input (an S3 URI, a URL, a key), not the input itself. */
  input: string;
  /** Seconds of simulated work in the demo job container. Default 0. */
  duration: number;
  /** Demo: the job container fails (exit 1) while its attempt is at most this. Default 0 (never fails). */
  failAttempts: number;
}

/** The launch a job belongs to: which attempt, which SQS message started it. */
export interface JobLaunch {
  /** 1 for the first launch; the failure handler re-enqueues with attempt + 1. */
  attempt: number;
  /** SQS message id of the message that launched it. */
  messageId: string;
  /** For a re-enqueued job: the ARN of the stopped task it retries (message attribute `retryOf`). */
  retryOf?: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

/** ECS RunTask: "A total of 8192 characters are allowed for overrides", JSON formatting included. */
export const MAX_OVERRIDES_CHARS = 8192;
/** Longest simulated work a job may ask for (a day); real jobs have no such field. */
export const MAX_JOB_DURATION_SECONDS = 86_400;
/** Upper bound of `failAttempts` (a demo knob; anything above the retry limit means "always fails"). */
export const MAX_FAIL_ATTEMPTS = 100;
/** ECS tag values: up to 256 characters of letters, digits, spaces and `_ . : / = + - @`; ids stay at 128. */
const JOB_ID_PATTERN = /^[A-Za-z0-9 _.:/=+\-@]{1,128}$/;
const FIELDS = ["id", "input", "duration", "failAttempts"] as const;

/** RunTask `startedBy` of the launcher: ListTasks counts by it, the failure handler recognises its tasks by it. */
export const DEFAULT_STARTED_BY = "sqs-task-launcher";

/** Message attribute carrying the attempt number (absent on a producer's first message). */
export const ATTEMPT_ATTRIBUTE = "attempt";
/** Message attribute naming the stopped task a re-enqueued job retries. */
export const RETRY_OF_ATTRIBUTE = "retryOf";

/** RunTask clientToken: up to 64 characters in the range 33-126. */
const CLIENT_TOKEN_PATTERN = /^[\x21-\x7e]{1,64}$/;

/**
 * RunTask's idempotency token for a launch: the message id for a first launch (a Lambda retry of the batch gets
 * the task already started); for a retry, derived from the failed task, so that a STOPPED event delivered twice
 * (EventBridge delivers at least once) re-enqueues two messages that still start only one task.
 */
export function clientTokenFor(launch: JobLaunch): Parsed<string> {
  const token = launch.retryOf === undefined ? launch.messageId : `retry-${launch.retryOf.split("/").pop()}`;
  if (!CLIENT_TOKEN_PATTERN.test(token)) {
    return { ok: false, reason: `client token ${preview(token)} is invalid: expected 1-64 characters from ! to ~` };
  }
  return { ok: true, value: token };
}

/** Names of the container environment variables a job travels in. */
export const JOB_ENV = {
  id: "JOB_ID",
  input: "JOB_INPUT",
  duration: "JOB_DURATION_SECONDS",
  failAttempts: "JOB_FAIL_ATTEMPTS",
  attempt: "JOB_ATTEMPT",
  messageId: "JOB_MESSAGE_ID",
} as const;

/** Validates a job's fields (from a message body or from an environment read back). Never throws. */
export function validateJob(fields: Record<string, unknown>): Parsed<Job> {
  const unknown = Object.keys(fields).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) return { ok: false, reason: `unknown field(s) ${unknown.slice(0, 5).map((k) => preview(k, 40)).join(", ")}${unknown.length > 5 ? ", …" : ""} (allowed: ${FIELDS.join(", ")})` };
  const { id, input, duration = 0, failAttempts = 0 } = fields;
  if (id === undefined) return { ok: false, reason: "id is missing" };
  if (typeof id !== "string" || !JOB_ID_PATTERN.test(id) || /^aws:/i.test(id)) {
    return { ok: false, reason: `id ${preview(id)} is invalid: expected 1-128 letters, digits, spaces or _ . : / = + - @, not starting with aws:` };
  }
  if (input === undefined) return { ok: false, reason: "input is missing" };
  if (typeof input !== "string" || input.trim() === "") return { ok: false, reason: `input ${preview(input)} is not a non-empty string` };
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0 || duration > MAX_JOB_DURATION_SECONDS) {
    return { ok: false, reason: `duration ${preview(duration)} is invalid: expected seconds from 0 up to ${MAX_JOB_DURATION_SECONDS}` };
  }
  if (typeof failAttempts !== "number" || !Number.isInteger(failAttempts) || failAttempts < 0 || failAttempts > MAX_FAIL_ATTEMPTS) {
    return { ok: false, reason: `failAttempts ${preview(failAttempts)} is invalid: expected an integer from 0 up to ${MAX_FAIL_ATTEMPTS}` };
  }
  return { ok: true, value: { id, input, duration, failAttempts } };
}

/** Parses and validates an SQS message body. Never throws: a bad body is a result the launcher reports. */
export function parseJobBody(body: string | undefined): Parsed<Job> {
  const parsed = parseJsonObject(body);
  return parsed.ok ? validateJob(parsed.value) : parsed;
}

/** The body that re-enqueues or dead-letters a job: the same schema the producer sends. */
export function jobBody(job: Job): string {
  return JSON.stringify({ id: job.id, input: job.input, duration: job.duration, failAttempts: job.failAttempts });
}

/** Reads the attempt message attribute (Lambda's SQS record shape: `stringValue`). Absent means 1. */
export function parseAttempt(value: string | undefined, label = `message attribute ${ATTEMPT_ATTRIBUTE}`): Parsed<number> {
  if (value === undefined) return { ok: true, value: 1 };
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 1 || n > MAX_FAIL_ATTEMPTS + 1) {
    return { ok: false, reason: `${label}=${preview(value)} is invalid: expected an integer from 1 up to ${MAX_FAIL_ATTEMPTS + 1}` };
  }
  return { ok: true, value: n };
}

export interface KeyValue {
  name: string;
  value: string;
}

/** The job and its launch as container environment variables (RunTask `containerOverrides[].environment`). */
export function jobEnvironment(job: Job, launch: JobLaunch): KeyValue[] {
  return [
    { name: JOB_ENV.id, value: job.id },
    { name: JOB_ENV.input, value: job.input },
    { name: JOB_ENV.duration, value: String(job.duration) },
    { name: JOB_ENV.failAttempts, value: String(job.failAttempts) },
    { name: JOB_ENV.attempt, value: String(launch.attempt) },
    { name: JOB_ENV.messageId, value: launch.messageId },
  ];
}

export interface JobOverrides {
  containerOverrides: Array<{ name: string; environment: KeyValue[] }>;
}

/** RunTask `overrides` for the job container, and its size as ECS counts it (the JSON text). */
export function jobOverrides(containerName: string, job: Job, launch: JobLaunch): { overrides: JobOverrides; chars: number } {
  const overrides = { containerOverrides: [{ name: containerName, environment: jobEnvironment(job, launch) }] };
  return { overrides, chars: JSON.stringify(overrides).length };
}

/**
 * The job and launch back from an environment (a STOPPED task's overrides, or the job container's own
 * process.env). Accepts either a name/value list or a plain record.
 */
export function jobFromEnvironment(env: ReadonlyArray<Partial<KeyValue>> | Record<string, string | undefined>): Parsed<{ job: Job; launch: JobLaunch }> {
  const get = Array.isArray(env)
    ? (name: string) => (env as ReadonlyArray<Partial<KeyValue>>).find((e) => e.name === name)?.value
    : (name: string) => (env as Record<string, string | undefined>)[name];
  const missing = [JOB_ENV.id, JOB_ENV.input, JOB_ENV.attempt].filter((n) => get(n) === undefined);
  if (missing.length > 0) return { ok: false, reason: `environment lacks ${missing.join(", ")}` };
  const number = (name: string) => {
    const raw = get(name);
    return raw === undefined || raw === "" ? undefined : Number(raw);
  };
  const job = validateJob({
    id: get(JOB_ENV.id),
    input: get(JOB_ENV.input),
    ...(number(JOB_ENV.duration) !== undefined ? { duration: number(JOB_ENV.duration) } : {}),
    ...(number(JOB_ENV.failAttempts) !== undefined ? { failAttempts: number(JOB_ENV.failAttempts) } : {}),
  });
  if (!job.ok) return { ok: false, reason: `${job.reason} (in ${JOB_ENV.id}..${JOB_ENV.messageId})` };
  const attempt = parseAttempt(get(JOB_ENV.attempt), JOB_ENV.attempt);
  if (!attempt.ok) return attempt;
  return { ok: true, value: { job: job.value, launch: { attempt: attempt.value, messageId: get(JOB_ENV.messageId) ?? "" } } };
}
