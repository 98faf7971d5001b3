/**
 * Settings of the stack sqs-task-per-message (PATTERNS.md §3): context `"sqs-task-per-message": {...}`, environment
 * `QS_SQS_TASK_PER_MESSAGE__*`. See docs/sqs-task-per-message.md.
 */
import { sqsEventSourceProblems } from "../lambda-sqs";
import { def, stackSettings, ValuesOf } from "./group";
import { integer, oneOf } from "./parsers";
import { buildWorkerImageSetting, cpuSetting, dlqMaxReceiveCountSetting, fargateSizeCheck, memorySetting, nameSetting, stackEnv } from "./pattern-common";

export const TASK_PER_MESSAGE_STACK = "sqs-task-per-message";
const env = (key: string) => stackEnv(TASK_PER_MESSAGE_STACK, key);

export const TASK_PER_MESSAGE_SETTINGS = stackSettings(TASK_PER_MESSAGE_STACK, {
  doc: "One Fargate task per job message: the launcher Lambda on the job queue, the job's task definition, the failure path on STOPPED tasks. No ECS service: nothing runs while the queue is empty.",
  definitions: {
    name: nameSetting(TASK_PER_MESSAGE_STACK, "task-per-message"),
    launcherTimeoutSeconds: def({
      key: "launcherTimeoutSeconds",
      env: env("launcherTimeoutSeconds"),
      doc: "Timeout of the launcher Lambda; the job queue's visibility timeout is 6 × it (Lambda's rule for SQS event sources).",
      allowed: "an integer from 10 to 900",
      default: 30,
      parse: integer(10, 900),
    }),
    batchSize: def({
      key: "batchSize",
      env: env("batchSize"),
      doc: "Job messages per launcher invocation (the event source mapping's batch size).",
      allowed: "an integer from 1 to 10000 (over 10 needs batchingWindowSeconds ≥ 1)",
      default: 10,
      parse: integer(1, 10000),
    }),
    batchingWindowSeconds: def({
      key: "batchingWindowSeconds",
      env: env("batchingWindowSeconds"),
      doc: "Seconds the event source mapping gathers messages before invoking the launcher.",
      allowed: "an integer from 0 to 300",
      default: 0,
      parse: integer(0, 300),
    }),
    maximumConcurrency: def({
      key: "maximumConcurrency",
      env: env("maximumConcurrency"),
      doc: "Launcher invocations at a time (the mapping's maximum concurrency); each launches its records one after the other, so this bounds the RunTask rate (20 calls/s per account).",
      allowed: "an integer from 2 to 1000",
      default: 2,
      parse: integer(2, 1000),
    }),
    maxRunningTasks: def({
      key: "maxRunningTasks",
      env: env("maxRunningTasks"),
      doc: "Cap on job tasks pending or running at once; a job over it waits a visibility timeout in the queue. Soft across concurrent launcher invocations (up to one batch over).",
      allowed: "an integer from 1 to 5000",
      default: 10,
      parse: integer(1, 5000),
    }),
    maxAttempts: def({
      key: "maxAttempts",
      env: env("maxAttempts"),
      doc: "Launches of a job whose task fails (non-zero exit, Spot interruption, failed start) before the failure handler sends it to the DLQ.",
      allowed: "an integer from 1 to 100",
      default: 3,
      parse: integer(1, 100),
    }),
    dlqMaxReceiveCount: {
      ...dlqMaxReceiveCountSetting(TASK_PER_MESSAGE_STACK, 10),
      doc: "Receives of a job message before SQS moves it to the DLQ: malformed jobs, and jobs that waited at the cap or whose RunTask failed that often. Must cover the longest wait for a slot (about this × the visibility timeout).",
    },
    capacityProvider: def({
      key: "capacityProvider",
      env: env("capacityProvider"),
      doc: "Capacity provider of the job tasks: FARGATE, or FARGATE_SPOT (cheaper; an interrupted job exits 143 and is retried).",
      allowed: "FARGATE or FARGATE_SPOT",
      default: "FARGATE" as "FARGATE" | "FARGATE_SPOT",
      parse: oneOf("FARGATE", "FARGATE_SPOT"),
    }),
    cpu: cpuSetting(TASK_PER_MESSAGE_STACK, 256, "a job task"),
    memory: memorySetting(TASK_PER_MESSAGE_STACK, 512, "a job task"),
    buildWorkerImage: buildWorkerImageSetting(TASK_PER_MESSAGE_STACK),
  },
  crossChecks: [
    {
      doc: "batchSize, batchingWindowSeconds and maximumConcurrency within Lambda's limits for an SQS event source",
      check: (s, describe) => {
        const problems = sqsEventSourceProblems({ batchSize: s.batchSize, batchingWindowSeconds: s.batchingWindowSeconds, maximumConcurrency: s.maximumConcurrency, fifo: false });
        return problems.length === 0 ? undefined : `${describe("batchSize")} with ${describe("batchingWindowSeconds")}: ${problems.join("; ")}.`;
      },
    },
    fargateSizeCheck,
  ],
});

export type SqsTaskPerMessageSettings = ValuesOf<typeof TASK_PER_MESSAGE_SETTINGS.definitions>;
