import { AppMetricConfig, loadAppMetricConfig } from "../../shared/app-metric";
import { Env, optionalString, readBoolean, readNumber, requireString } from "../../shared/env";
import { LONG_POLL_MARGIN_SECONDS } from "../../shared/sdk-timeouts";
import { RECEIVE_BACKOFF_MAX_MS } from "./receive-backoff";

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
  /**
   * Request timeout of every SQS call the worker makes (one client for receive, delete and visibility), so it must
   * exceed the long-poll wait. Default: the wait + 10 s.
   */
  sqsRequestTimeoutSeconds: number;
  /** Heartbeat file for the container health check (shared/heartbeat.ts); none written when unset. */
  heartbeatFile?: string;
  /**
   * The poll loop counts as stalled (health check fails, protection dropped) when it has completed no SQS call for
   * this long. At least the SQS request timeout + 3 s (the longest quiet gap of a live loop: one attempt that times
   * out, the SDK's retry delay, the receive backoff). Default: the request timeout + 30 s.
   */
  heartbeatMaxAgeSeconds: number;
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
  const receiveWaitSeconds = readNumber(env, "RECEIVE_WAIT_SECONDS", { default: 20, min: 0, max: 20, integer: true });
  const sqsRequestTimeoutSeconds = readNumber(env, "SQS_REQUEST_TIMEOUT_SECONDS", {
    default: receiveWaitSeconds + LONG_POLL_MARGIN_SECONDS,
    min: receiveWaitSeconds,
    exclusiveMin: true,
    max: 300,
    why: `a receive waits up to RECEIVE_WAIT_SECONDS = ${receiveWaitSeconds} s for its answer`,
  });
  const quietGapSeconds = sqsRequestTimeoutSeconds + Math.ceil(RECEIVE_BACKOFF_MAX_MS / 1000) + 1;
  return {
    queueUrl,
    queueName: optionalString(env, "QUEUE_NAME", queueUrl.split("/").pop() ?? queueUrl),
    ...loadAppMetricConfig(env),
    concurrency: readNumber(env, "WORKER_CONCURRENCY", { default: 1, min: 1, max: 10, integer: true }),
    maxDurationSeconds: readNumber(env, "MAX_DURATION_SECONDS", { default: 900, min: 0, max: 43_200, exclusiveMin: true }),
    stopTimeoutSeconds: readNumber(env, "STOP_TIMEOUT_SECONDS", { default: 120, min: 1, max: 120 }),
    metricFlushSeconds: readNumber(env, "METRIC_FLUSH_SECONDS", { default: 60, min: 0, max: 3600, exclusiveMin: true }),
    receiveWaitSeconds,
    sqsRequestTimeoutSeconds,
    heartbeatFile: env.HEARTBEAT_FILE?.trim() || undefined,
    heartbeatMaxAgeSeconds: readNumber(env, "HEARTBEAT_MAX_AGE_SECONDS", {
      default: sqsRequestTimeoutSeconds + 30,
      min: quietGapSeconds,
      max: 3600,
      why: `a live loop may be quiet for SQS_REQUEST_TIMEOUT_SECONDS = ${sqsRequestTimeoutSeconds} s + 3 s`,
    }),
    ecsAgentUri: env.ECS_AGENT_URI?.trim() || undefined,
    taskProtection: readBoolean(env, "TASK_PROTECTION", true),
  };
}
