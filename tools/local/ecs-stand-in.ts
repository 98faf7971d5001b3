/**
 * A loopback HTTP server standing in for the ECS API calls that cannot run here (RunTask, ListTasks,
 * DescribeServices), speaking the SDK's JSON 1.1 protocol, so the launcher and the publisher run with their
 * real ECS client (serialisation, retries, timeouts) against it via `AWS_ENDPOINT_URL_ECS`.
 *
 * It checks what ECS checks and the code must get right (overrides ≤ 8,192 characters, clientToken ≤ 64
 * characters, launch type XOR capacity provider strategy, count ≤ 10), is idempotent on clientToken like ECS, and
 * can throttle or return `failures` on demand. `stopTask` ends a task and returns the `ECS Task State Change`
 * event ECS would send to EventBridge.
 */
import { randomUUID } from "node:crypto";
import { createServer, Server } from "node:http";
import { text } from "node:stream/consumers";
import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import type { TaskStateChangeEvent } from "../../app-code/task-per-message/failure-handler/failure-handler";
import type { TaskStateDetail } from "../../app-code/task-per-message/failure-decision";
import { listenOnLoopback } from "./loopback-server";

export const STAND_IN_ACCOUNT = "123456789012";
export const STAND_IN_REGION = "us-east-1";

export interface StandInTask {
  taskArn: string;
  clientToken?: string;
  input: RunTaskCommandInput;
  lastStatus: "RUNNING" | "STOPPED";
  exitCode?: number;
  stopCode?: string;
  stoppedReason?: string;
}

/** What a RunTask call does: start a task (the default), throttle, or answer with a failure. */
export type RunTaskBehaviour = "start" | "throttle" | { failure: string };

export interface EcsStandInOptions {
  /** Asked for every RunTask that is not an idempotent repeat; `call` counts from 1. */
  runTask?: (input: RunTaskCommandInput, call: number) => RunTaskBehaviour;
  /** Told about every new task (the local run starts the job process here). */
  onTaskStarted?: (task: StandInTask) => void;
  /** runningCount per service name, for DescribeServices. */
  services?: Record<string, number>;
}

export interface EcsStandIn {
  /** `http://127.0.0.1:<port>`: use as AWS_ENDPOINT_URL_ECS or the client's endpoint. */
  url: string;
  tasks: Map<string, StandInTask>;
  /** Every request, in order: operation and parsed body. */
  calls: Array<{ operation: string; input: Record<string, unknown> }>;
  callsOf(operation: string): Array<Record<string, unknown>>;
  setRunningCount(service: string, runningCount: number): void;
  /** Stops a running task and returns the STOPPED event for it. */
  stopTask(taskArn: string, stop: { exitCode?: number; stopCode: string; stoppedReason?: string }): TaskStateChangeEvent;
  close(): Promise<void>;
}

const TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

function family(taskDefinition: string): string {
  // arn:aws:ecs:region:account:task-definition/family:revision, or family:revision, or family.
  return (taskDefinition.split("/").pop() ?? taskDefinition).split(":")[0];
}

function validateRunTask(input: RunTaskCommandInput): void {
  if (!input.taskDefinition) throw new ApiError("InvalidParameterException", "taskDefinition is required");
  if (input.launchType && input.capacityProviderStrategy?.length) {
    throw new ApiError("InvalidParameterException", "Specifying both a launch type and capacity provider strategy is not supported.");
  }
  if ((input.count ?? 1) < 1 || (input.count ?? 1) > 10) throw new ApiError("InvalidParameterException", "count must be from 1 to 10");
  if (input.clientToken !== undefined && !/^[\x21-\x7e]{1,64}$/.test(input.clientToken)) {
    throw new ApiError("InvalidParameterException", "clientToken: up to 64 characters in the range 33-126");
  }
  const overrides = JSON.stringify(input.overrides ?? {}).length;
  if (overrides > 8192) throw new ApiError("InvalidParameterException", `Container Overrides length must be at most 8192 (got ${overrides})`);
  if (!input.networkConfiguration?.awsvpcConfiguration?.subnets?.length) {
    throw new ApiError("InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
}

export async function startEcsStandIn(options: EcsStandInOptions = {}): Promise<EcsStandIn> {
  const tasks = new Map<string, StandInTask>();
  const byToken = new Map<string, StandInTask>();
  const services = new Map(Object.entries(options.services ?? {}));
  const calls: EcsStandIn["calls"] = [];
  let runTaskCalls = 0;

  const runTask = (input: RunTaskCommandInput) => {
    validateRunTask(input);
    const repeat = input.clientToken ? byToken.get(input.clientToken) : undefined;
    if (repeat) return { tasks: [describe(repeat)], failures: [] };
    const behaviour = options.runTask?.(input, ++runTaskCalls) ?? "start";
    if (behaviour === "throttle") throw new ApiError("ThrottlingException", "Rate exceeded");
    if (typeof behaviour === "object") return { tasks: [], failures: [{ arn: input.taskDefinition, reason: behaviour.failure }] };
    const task: StandInTask = {
      taskArn: `arn:aws:ecs:${STAND_IN_REGION}:${STAND_IN_ACCOUNT}:task/stand-in/${randomUUID().replace(/-/g, "")}`,
      clientToken: input.clientToken,
      input,
      lastStatus: "RUNNING",
    };
    tasks.set(task.taskArn, task);
    if (input.clientToken) byToken.set(input.clientToken, task);
    options.onTaskStarted?.(task);
    return { tasks: [describe(task)], failures: [] };
  };

  const listTasks = (input: { startedBy?: string; desiredStatus?: string; maxResults?: number; nextToken?: string }) => {
    const wanted = input.desiredStatus ?? "RUNNING";
    const arns = [...tasks.values()]
      .filter((t) => (input.startedBy === undefined || t.input.startedBy === input.startedBy) && (t.lastStatus === "STOPPED" ? "STOPPED" : "RUNNING") === wanted)
      .map((t) => t.taskArn);
    const start = Number(input.nextToken ?? 0);
    const end = start + (input.maxResults ?? 100);
    return { taskArns: arns.slice(start, end), ...(end < arns.length ? { nextToken: String(end) } : {}) };
  };

  const describeServices = (input: { cluster?: string; services?: string[] }) => {
    const found = (input.services ?? []).filter((s) => services.has(s));
    return {
      services: found.map((name) => ({ serviceName: name, clusterArn: input.cluster, status: "ACTIVE", runningCount: services.get(name), pendingCount: 0 })),
      failures: (input.services ?? []).filter((s) => !services.has(s)).map((s) => ({ arn: s, reason: "MISSING" })),
    };
  };

  const handlers: Record<string, (input: any) => unknown> = { RunTask: runTask, ListTasks: listTasks, DescribeServices: describeServices };

  const server: Server = createServer((req, res) => {
    void text(req).then((body) => {
      const operation = String(req.headers["x-amz-target"] ?? "").replace(TARGET_PREFIX, "");
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      calls.push({ operation, input });
      let status = 200;
      let reply: unknown;
      try {
        const handler = handlers[operation];
        if (!handler) throw new ApiError("UnknownOperationException", `not a stand-in for ${operation}`);
        reply = handler(input);
      } catch (err) {
        const e = err instanceof ApiError ? err : new ApiError("ServerException", String(err), 500);
        status = e.status;
        reply = { __type: e.type, message: e.message };
      }
      res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify(reply));
    });
  });
  const { url, close } = await listenOnLoopback(server);

  return {
    url,
    tasks,
    calls,
    callsOf: (operation) => calls.filter((c) => c.operation === operation).map((c) => c.input),
    setRunningCount: (service, runningCount) => void services.set(service, runningCount),
    stopTask(taskArn, stop) {
      const task = tasks.get(taskArn);
      if (!task) throw new Error(`no task ${taskArn}`);
      Object.assign(task, { lastStatus: "STOPPED", ...stop });
      return taskStateChangeEvent(task);
    },
    close,
  };
}

function describe(task: StandInTask) {
  const { input } = task;
  return {
    taskArn: task.taskArn,
    clusterArn: input.cluster,
    taskDefinitionArn: input.taskDefinition,
    group: `family:${family(input.taskDefinition ?? "")}`,
    startedBy: input.startedBy,
    lastStatus: task.lastStatus,
    desiredStatus: task.lastStatus,
    overrides: input.overrides,
    tags: input.tags,
  };
}

/** The event ECS sends to EventBridge when a task stops (the fields the failure handler reads, and some more). */
export function taskStateChangeEvent(task: StandInTask): TaskStateChangeEvent & Record<string, unknown> {
  const containerNames = (task.input.overrides?.containerOverrides ?? []).map((o) => o.name ?? "");
  const detail: TaskStateDetail & Record<string, unknown> = {
    ...describe(task),
    stopCode: task.stopCode,
    stoppedReason: task.stoppedReason,
    stoppedAt: new Date().toISOString(),
    containers: containerNames.map((name) => ({
      name,
      lastStatus: "STOPPED",
      ...(task.exitCode !== undefined ? { exitCode: task.exitCode } : {}),
    })),
  };
  return {
    id: randomUUID(),
    "detail-type": "ECS Task State Change",
    detail,
    version: "0",
    source: "aws.ecs",
    account: STAND_IN_ACCOUNT,
    region: STAND_IN_REGION,
    resources: [task.taskArn],
    time: new Date().toISOString(),
  };
}
