/**
 * The launcher's logic: one Fargate task per SQS record, through RunTask. A record fails (and so stays in the
 * queue for another try, then the DLQ) when its job is invalid, when the cap on running job tasks is reached,
 * when RunTask throws (after the SDK's retries) or when RunTask answers with `failures` or without a task.
 * Each failure writes exactly one log line naming the message and the reason.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { BatchProcessor, EventType, processPartialResponse } from "@aws-lambda-powertools/batch";
import { ECSClient, ListTasksCommand, RunTaskCommand, RunTaskCommandInput, RunTaskCommandOutput } from "@aws-sdk/client-ecs";
import { ConfigError, Env, optionalString, readChoice, readNumber, requireList, requireString } from "../../shared/env";
import type { Log } from "../../worker/src/log";
import {
  ATTEMPT_ATTRIBUTE,
  clientTokenFor,
  DEFAULT_STARTED_BY,
  Job,
  JobLaunch,
  JobOverrides,
  jobOverrides,
  MAX_OVERRIDES_CHARS,
  parseAttempt,
  parseJobBody,
  Parsed,
  RETRY_OF_ATTRIBUTE,
} from "../job-message";

export const CAPACITY_PROVIDERS = ["FARGATE", "FARGATE_SPOT"] as const;
export type CapacityProvider = (typeof CAPACITY_PROVIDERS)[number];
/** RunTask `startedBy`: up to 128 letters, digits, hyphens, slashes and underscores. */
const STARTED_BY_PATTERN = /^[A-Za-z0-9/_-]{1,128}$/;

export interface LauncherConfig {
  /** `CLUSTER_ARN`: the cluster the job tasks run in. */
  clusterArn: string;
  /** `TASK_DEFINITION_ARN`: the job's task definition, with its revision. */
  taskDefinitionArn: string;
  /** `CONTAINER_NAME`: the job container the overrides go to. */
  containerName: string;
  /** `SUBNET_IDS`: private subnets, comma-separated. */
  subnetIds: string[];
  /** `SECURITY_GROUP_IDS`: comma-separated. */
  securityGroupIds: string[];
  /** `CAPACITY_PROVIDER`: FARGATE (default) or FARGATE_SPOT. */
  capacityProvider: CapacityProvider;
  /** `MAX_RUNNING_TASKS`: cap on job tasks pending or running at once, 1..5000. Default 10. */
  maxRunningTasks: number;
  /** `STARTED_BY`: RunTask's startedBy, which ListTasks counts and the failure handler checks. */
  startedBy: string;
}

export function loadLauncherConfig(env: Env): LauncherConfig {
  const startedBy = optionalString(env, "STARTED_BY", DEFAULT_STARTED_BY);
  if (!STARTED_BY_PATTERN.test(startedBy)) {
    throw new ConfigError(`STARTED_BY=${JSON.stringify(startedBy)} is invalid: expected 1-128 letters, digits, hyphens, slashes or underscores`);
  }
  return {
    clusterArn: requireString(env, "CLUSTER_ARN"),
    taskDefinitionArn: requireString(env, "TASK_DEFINITION_ARN"),
    containerName: requireString(env, "CONTAINER_NAME"),
    subnetIds: requireList(env, "SUBNET_IDS"),
    securityGroupIds: requireList(env, "SECURITY_GROUP_IDS"),
    capacityProvider: readChoice(env, "CAPACITY_PROVIDER", CAPACITY_PROVIDERS, "FARGATE"),
    maxRunningTasks: readNumber(env, "MAX_RUNNING_TASKS", { default: 10, min: 1, max: 5000, integer: true }),
    startedBy,
  };
}

export interface PreparedLaunch {
  job: Job;
  launch: JobLaunch;
  overrides: JobOverrides;
  clientToken: string;
}

/** Validates a record into a launch, or the reason it cannot be one. Pure. */
export function prepareLaunch(record: Pick<SQSRecord, "messageId" | "body" | "messageAttributes">, containerName: string): Parsed<PreparedLaunch> {
  const job = parseJobBody(record.body);
  if (!job.ok) return job;
  const attempt = parseAttempt(record.messageAttributes?.[ATTEMPT_ATTRIBUTE]?.stringValue);
  if (!attempt.ok) return attempt;
  const retryOf = record.messageAttributes?.[RETRY_OF_ATTRIBUTE]?.stringValue;
  const launch: JobLaunch = { attempt: attempt.value, messageId: record.messageId, ...(retryOf !== undefined ? { retryOf } : {}) };
  const clientToken = clientTokenFor(launch);
  if (!clientToken.ok) return clientToken;
  const { overrides, chars } = jobOverrides(containerName, job.value, launch);
  if (chars > MAX_OVERRIDES_CHARS) {
    return { ok: false, reason: `overrides would be ${chars} characters, over RunTask's limit of ${MAX_OVERRIDES_CHARS}: pass a reference in input, not the data` };
  }
  return { ok: true, value: { job: job.value, launch, overrides, clientToken: clientToken.value } };
}

/** The RunTask request for one job. Pure. */
export function runTaskInput(config: LauncherConfig, prepared: PreparedLaunch): RunTaskCommandInput {
  const { job, launch, overrides, clientToken } = prepared;
  return {
    cluster: config.clusterArn,
    taskDefinition: config.taskDefinitionArn,
    count: 1,
    // A capacity provider strategy and a launch type are mutually exclusive; the strategy also allows Spot.
    capacityProviderStrategy: [{ capacityProvider: config.capacityProvider, weight: 1 }],
    networkConfiguration: {
      awsvpcConfiguration: { subnets: config.subnetIds, securityGroups: config.securityGroupIds, assignPublicIp: "DISABLED" },
    },
    overrides,
    // Idempotent: a retried call (a Lambda retry of the whole batch) returns the task already started.
    clientToken,
    startedBy: config.startedBy,
    tags: [
      { key: "messageId", value: launch.messageId },
      { key: "jobId", value: job.id },
      { key: "attempt", value: String(launch.attempt) },
    ],
    propagateTags: "TASK_DEFINITION",
    enableECSManagedTags: true,
  };
}

/** The started task's ARN, or why RunTask did not start one. Pure. */
export function runTaskResult(res: Pick<RunTaskCommandOutput, "tasks" | "failures">): Parsed<string> {
  if (res.failures && res.failures.length > 0) {
    const reasons = res.failures.map((f) => [f.reason, f.detail].filter(Boolean).join(": ") || "no reason given");
    return { ok: false, reason: `RunTask returned failures: ${reasons.join("; ")}` };
  }
  const arn = res.tasks?.[0]?.taskArn;
  if (!arn) return { ok: false, reason: "RunTask returned no task" };
  return { ok: true, value: arn };
}

export interface LauncherDeps {
  ecs: Pick<ECSClient, "send">;
  log: Log;
}

/** Thrown for a record that must stay in the queue; Powertools' batch processor turns it into an item failure. */
export class RecordFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RecordFailure";
  }
}

/** Job tasks pending or running (desired status RUNNING), counted up to `limit` (no need to page further). */
export async function countRunningTasks(config: LauncherConfig, ecs: LauncherDeps["ecs"], limit: number): Promise<number> {
  let count = 0;
  let nextToken: string | undefined;
  do {
    const res = await ecs.send(
      new ListTasksCommand({ cluster: config.clusterArn, startedBy: config.startedBy, desiredStatus: "RUNNING", maxResults: 100, nextToken }),
    );
    count += res.taskArns?.length ?? 0;
    nextToken = res.nextToken;
  } while (nextToken && count < limit);
  return count;
}

/**
 * A record handler for one invocation. The cap is checked once per invocation (one ListTasks, not one per
 * record) and then counted down locally; records are launched one after the other, so an invocation makes at
 * most one RunTask call at a time. Several concurrent invocations can each admit up to the free slots they saw,
 * so the cap holds within the event source mapping's maximum concurrency × batch size.
 */
export function createRecordHandler(config: LauncherConfig, deps: LauncherDeps): (record: SQSRecord) => Promise<string> {
  const { ecs, log } = deps;
  let freeSlots: number | undefined;
  return async (record) => {
    const messageId = record.messageId;
    const prepared = prepareLaunch(record, config.containerName);
    if (!prepared.ok) {
      log.warn("job message rejected; it stays in the queue until maxReceiveCount moves it to the DLQ", { messageId, reason: prepared.reason });
      throw new RecordFailure(prepared.reason);
    }
    const { job, launch } = prepared.value;
    try {
      freeSlots ??= config.maxRunningTasks - (await countRunningTasks(config, ecs, config.maxRunningTasks));
    } catch (err) {
      const reason = `ListTasks failed: ${String(err)}`;
      log.error("job not launched", { messageId, jobId: job.id, reason });
      throw new RecordFailure(reason);
    }
    if (freeSlots <= 0) {
      const reason = `${config.maxRunningTasks} job tasks already running (MAX_RUNNING_TASKS); retried after the visibility timeout`;
      log.info("job not launched: at the cap", { messageId, jobId: job.id, reason });
      throw new RecordFailure(reason);
    }
    let res: RunTaskCommandOutput;
    try {
      res = await ecs.send(new RunTaskCommand(runTaskInput(config, prepared.value)));
    } catch (err) {
      const reason = `RunTask threw: ${String(err)}`;
      log.error("job not launched", { messageId, jobId: job.id, reason });
      throw new RecordFailure(reason);
    }
    const result = runTaskResult(res);
    if (!result.ok) {
      log.error("job not launched", { messageId, jobId: job.id, reason: result.reason });
      throw new RecordFailure(result.reason);
    }
    freeSlots--;
    log.info("job task started", { messageId, jobId: job.id, attempt: launch.attempt, taskArn: result.value });
    return result.value;
  };
}

const processor = new BatchProcessor(EventType.SQS);

/**
 * One invocation: every record through the record handler, in sequence (RunTask allows 20 calls/s per account
 * and the mapping's maximum concurrency already runs several invocations side by side), answered as a partial
 * batch response. A batch whose records all fail is answered with all of them, not thrown.
 */
export function launchBatch(event: SQSEvent, context: Context | undefined, config: LauncherConfig, deps: LauncherDeps): Promise<SQSBatchResponse> {
  return processPartialResponse(event, createRecordHandler(config, deps), processor, {
    context,
    processInParallel: false,
    throwOnFullBatchFailure: false,
  });
}
