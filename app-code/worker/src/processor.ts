/**
 * The plug-in point of the queue worker: what one message means and how it is processed.
 *
 * One worker program (worker.ts) does everything a queue worker on ECS needs whatever the work is: long-poll
 * receive with backoff, FIFO group order, visibility heartbeat, task scale-in protection, SIGTERM drain, one
 * DeleteMessageBatch per batch, the duration metric, liveness, and an error boundary around every message. A
 * pattern supplies only a `Processor`:
 *
 *   - `parse(body)` validates a body and never has to throw: a bad body is `{ok: false, reason}` and goes to the
 *     dead-letter queue after the redrive policy's maxReceiveCount (made visible again at once each time). If it
 *     does throw, the worker treats the throw as that reason. Reasons are logged; keep them short and never echo an
 *     untrusted value unbounded (use `preview` from shared/preview.ts).
 *   - `expectedSeconds(job)` (optional) says how long the job will take. At SIGTERM the worker lets a job run only
 *     if it can end before the stop deadline and releases the others at once; without an estimate a started job
 *     runs until the stop deadline, and a job that has not started yet is released.
 *   - `process(job, ctx)` does the work. Resolving means done: the message is deleted (with the batch) and its
 *     duration recorded. Throwing means failed: only that message is made visible again, after a delay that grows
 *     with its receive count, and after maxReceiveCount attempts SQS moves it to the dead-letter queue; later
 *     messages of the same FIFO group in that batch are released with it, so the group's order holds (as AWS
 *     advises for FIFO partial batch failures). `ctx.signal` is aborted when the job must stop: SIGTERM and it
 *     cannot finish in time, the stop deadline, or MAX_DURATION_SECONDS (+1 s) since it started (then the message
 *     counts as failed). The worker does not wait for a process that ignores its signal: the message is released
 *     and the slot freed, so honour the signal to avoid doing the work twice in parallel.
 *
 * Processing must be idempotent (SQS delivers at least once: a crash, a SIGKILL or an expired visibility timeout
 * repeats a message).
 *
 * How a container picks its processor: `WORKER_PROCESSOR` names an entry of the registry in processors/index.ts
 * (default `sleep`, the blueprint's "wait for `duration` seconds"). One image, one bundle, every processor in it; a
 * new pattern adds its file under processors/ and one line to the registry. A program that embeds the worker with a
 * processor of its own (the chaos tool's recording worker) calls `runWorkerProcess(factory)` from run.ts instead.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { Env } from "../../shared/env";
import { WorkerConfig } from "./config";
import { Log } from "./log";

export type ParseResult<J> = { ok: true; job: J } | { ok: false; reason: string };

export interface ProcessContext {
  /** Aborted when the job must stop (see the header). */
  signal: AbortSignal;
  /** The worker's log with `messageId` added to every line. */
  log: Log;
  messageId: string;
  /** SQS ApproximateReceiveCount: 1 on the first delivery. */
  receiveCount: number;
  /** FIFO MessageGroupId, if any. */
  groupId?: string;
}

export interface Processor<J> {
  /** Shown in the start-up log line. */
  readonly name: string;
  parse(body: string | undefined): ParseResult<J>;
  expectedSeconds?(job: J): number | undefined;
  process(job: J, ctx: ProcessContext): Promise<void>;
}

/** What a processor may use to build itself: its settings from the environment, the worker's config and clients. */
export interface ProcessorSetup {
  env: Env;
  config: WorkerConfig;
  /** The worker's SQS client (with its timeouts), e.g. for posting follow-up messages. */
  sqs: SQSClient;
  log: Log;
}

/**
 * Builds a processor. Called once at start, before the first receive; a ConfigError thrown here stops the container
 * with that message (exit 1), so validate the processor's own settings here.
 */
// `any`: a registry holds processors of different job types; each one is type-checked where it is written.
export type ProcessorFactory = (setup: ProcessorSetup) => Processor<any> | Promise<Processor<any>>;
