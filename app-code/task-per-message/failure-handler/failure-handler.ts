/**
 * The failure path of the task-per-message pattern: on a job task's STOPPED event, re-enqueue the job with
 * attempt + 1, or dead-letter it after MAX_ATTEMPTS (see ../failure-decision.ts for the rules). A send that fails
 * throws, so Lambda retries the asynchronous invocation and, after its retries, hands the event to the
 * function's own dead-letter target: a job is never dropped without a trace.
 */
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { Env, optionalString, readNumber, requireString } from "../../shared/env";
import type { Log } from "../../worker/src/log";
import { decideStoppedTask, DecisionOptions, StopDecision, TaskStateDetail } from "../failure-decision";
import { ATTEMPT_ATTRIBUTE, DEFAULT_STARTED_BY, jobBody, MAX_FAIL_ATTEMPTS, RETRY_OF_ATTRIBUTE } from "../job-message";

export interface FailureHandlerConfig extends DecisionOptions {
  /** `QUEUE_URL`: the job queue, for retries. */
  queueUrl: string;
  /** `DLQ_URL`: the job queue's dead-letter queue, for jobs out of attempts. */
  dlqUrl: string;
}

export function loadFailureHandlerConfig(env: Env): FailureHandlerConfig {
  return {
    queueUrl: requireString(env, "QUEUE_URL"),
    dlqUrl: requireString(env, "DLQ_URL"),
    containerName: requireString(env, "CONTAINER_NAME"),
    maxAttempts: readNumber(env, "MAX_ATTEMPTS", { default: 3, min: 1, max: MAX_FAIL_ATTEMPTS, integer: true }),
    startedBy: optionalString(env, "STARTED_BY", DEFAULT_STARTED_BY),
  };
}

/** The EventBridge envelope; only `detail` is read (plus `id` for the logs). */
export interface TaskStateChangeEvent {
  id?: string;
  "detail-type"?: string;
  detail: TaskStateDetail;
}

export interface FailureHandlerDeps {
  sqs: Pick<SQSClient, "send">;
  log: Log;
}

const text = (StringValue: string) => ({ DataType: "String", StringValue });
const number = (n: number) => ({ DataType: "Number", StringValue: String(n) });

export async function handleTaskStopped(event: TaskStateChangeEvent, config: FailureHandlerConfig, deps: FailureHandlerDeps): Promise<StopDecision> {
  const { sqs, log } = deps;
  const decision = decideStoppedTask(event.detail, config);
  const taskArn = event.detail.taskArn ?? "unknown";
  const send = (QueueUrl: string, MessageBody: string, MessageAttributes: Record<string, { DataType: string; StringValue: string }>) =>
    sqs.send(new SendMessageCommand({ QueueUrl, MessageBody, MessageAttributes }));
  switch (decision.action) {
    case "ignore":
      log.info("event ignored", { eventId: event.id, taskArn, reason: decision.reason });
      break;
    case "succeeded":
      log.info("job succeeded", { taskArn, jobId: decision.job?.id, attempt: decision.attempt });
      break;
    case "retry":
      await send(config.queueUrl, jobBody(decision.job), { [ATTEMPT_ATTRIBUTE]: number(decision.nextAttempt), [RETRY_OF_ATTRIBUTE]: text(taskArn) });
      log.warn("job failed; re-enqueued", { taskArn, jobId: decision.job.id, attempt: decision.attempt, nextAttempt: decision.nextAttempt, reason: decision.reason });
      break;
    case "dead-letter":
      // `failedAttempts`, not `attempt`: a job redriven from the DLQ starts again at attempt 1.
      await send(config.dlqUrl, jobBody(decision.job), { failedAttempts: number(decision.attempt), failureReason: text(decision.reason), taskArn: text(taskArn) });
      log.error("job failed on its last attempt; sent to the DLQ", { taskArn, jobId: decision.job.id, attempt: decision.attempt, reason: decision.reason });
      break;
    case "dead-letter-event":
      await send(config.dlqUrl, JSON.stringify(event), { failureReason: text(decision.reason), taskArn: text(taskArn) });
      log.error("job task failed and its job is unreadable; the event was sent to the DLQ", { taskArn, reason: decision.reason });
      break;
  }
  return decision;
}
