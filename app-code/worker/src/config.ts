import { AppMetricConfig, loadAppMetricConfig } from "../../shared/app-metric";
import { Env, optionalString, readBoolean, readNumber, requireString } from "../../shared/env";

/** Everything the worker reads from its environment (the task definition sets these). */
export interface WorkerConfig extends AppMetricConfig {
  queueUrl: string;
  /** Dimension `QueueName` of the app metric. Default: the last segment of the queue URL. */
  queueName: string;
  /** Messages processed at the same time, 1..10 (one SQS receive returns at most 10). Default 1. */
  concurrency: number;
  /**
   * The longest one message may take. A job still running 1 s past it is aborted and its message counts as failed;
   * the default processor also rejects a body whose duration exceeds it. Default 900.
   */
  maxDurationSeconds: number;
  /** The task definition's stopTimeout: time between SIGTERM and SIGKILL. Default 120. */
  stopTimeoutSeconds: number;
  /** Interval between metric flushes. Default 60. */
  metricFlushSeconds: number;
  /** Long-poll wait of each receive. Default 20 (the maximum); lower only for local runs and tests. */
  receiveWaitSeconds: number;
  /** ECS agent base URL; task scale-in protection is skipped without it (local runs). */
  ecsAgentUri?: string;
  /**
   * Task scale-in protection while messages are in hand. Default true; false for tasks no service scales in
   * (standalone RunTask tasks, where the agent refuses protection with TASK_NOT_VALID).
   */
  taskProtection: boolean;
}

export function loadWorkerConfig(env: Env): WorkerConfig {
  const queueUrl = requireString(env, "QUEUE_URL");
  return {
    queueUrl,
    queueName: optionalString(env, "QUEUE_NAME", queueUrl.split("/").pop() ?? queueUrl),
    ...loadAppMetricConfig(env),
    concurrency: readNumber(env, "WORKER_CONCURRENCY", { default: 1, min: 1, max: 10, integer: true }),
    maxDurationSeconds: readNumber(env, "MAX_DURATION_SECONDS", { default: 900, min: 0, max: 43_200, exclusiveMin: true }),
    stopTimeoutSeconds: readNumber(env, "STOP_TIMEOUT_SECONDS", { default: 120, min: 1, max: 120 }),
    metricFlushSeconds: readNumber(env, "METRIC_FLUSH_SECONDS", { default: 60, min: 0, max: 3600, exclusiveMin: true }),
    receiveWaitSeconds: readNumber(env, "RECEIVE_WAIT_SECONDS", { default: 20, min: 0, max: 20, integer: true }),
    ecsAgentUri: env.ECS_AGENT_URI?.trim() || undefined,
    taskProtection: readBoolean(env, "TASK_PROTECTION", true),
  };
}
