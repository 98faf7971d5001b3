import { sqsEventSourceProblems } from "../lambda-sqs";
import { def, stackSettings, ValuesOf } from "./group";
import { boolean, integer, oneOf, pattern, RESOURCE_NAME } from "./parsers";

const ENV = "QS_SQS_TASK_PER_MESSAGE__";

/** Settings of the stack sqs-task-per-message: one Fargate task per job message, launched by a Lambda. */
export const SQS_TASK_PER_MESSAGE_SETTINGS = stackSettings("sqs-task-per-message", {
  doc: "One Fargate task per job message: the launcher Lambda on the job queue, the job's task definition, the failure path on STOPPED tasks. No ECS service: nothing runs while the queue is empty.",
  definitions: {
    appName: def({
      key: "appName",
      env: `${ENV}APP_NAME`,
      doc: "Prefix of every name: queue `<appName>-jobs` and its DLQ, Lambdas `<appName>-launcher` and `<appName>-failure-handler`, task family `<appName>-job`, ECR repository, rule `<appName>-task-stopped`.",
      allowed: "2-24 characters: lower-case letters, digits and hyphens, starting with a letter, not ending with a hyphen",
      default: "task-per-message",
      parse: pattern(RESOURCE_NAME, 24),
    }),
    launcherTimeoutSeconds: def({
      key: "launcherTimeoutSeconds",
      env: `${ENV}LAUNCHER_TIMEOUT_SECONDS`,
      doc: "Timeout of the launcher Lambda; the job queue's visibility timeout is 6 × it (Lambda's rule for SQS event sources).",
      allowed: "an integer from 10 to 900",
      default: 30,
      parse: integer(10, 900),
    }),
    batchSize: def({
      key: "batchSize",
      env: `${ENV}BATCH_SIZE`,
      doc: "Job messages per launcher invocation (the event source mapping's batch size).",
      allowed: "an integer from 1 to 10000 (over 10 needs batchingWindowSeconds ≥ 1)",
      default: 10,
      parse: integer(1, 10000),
    }),
    batchingWindowSeconds: def({
      key: "batchingWindowSeconds",
      env: `${ENV}BATCHING_WINDOW_SECONDS`,
      doc: "Seconds the event source mapping gathers messages before invoking the launcher.",
      allowed: "an integer from 0 to 300",
      default: 0,
      parse: integer(0, 300),
    }),
    maximumConcurrency: def({
      key: "maximumConcurrency",
      env: `${ENV}MAXIMUM_CONCURRENCY`,
      doc: "Launcher invocations at a time (the mapping's maximum concurrency); each launches its records one after the other, so this bounds the RunTask rate (20 calls/s per account).",
      allowed: "an integer from 2 to 1000",
      default: 2,
      parse: integer(2, 1000),
    }),
    maxRunningTasks: def({
      key: "maxRunningTasks",
      env: `${ENV}MAX_RUNNING_TASKS`,
      doc: "Cap on job tasks pending or running at once; a job over it waits a visibility timeout in the queue. Soft across concurrent launcher invocations (up to one batch over).",
      allowed: "an integer from 1 to 5000",
      default: 10,
      parse: integer(1, 5000),
    }),
    maxAttempts: def({
      key: "maxAttempts",
      env: `${ENV}MAX_ATTEMPTS`,
      doc: "Launches of a job whose task fails (non-zero exit, Spot interruption, failed start) before the failure handler sends it to the DLQ.",
      allowed: "an integer from 1 to 100",
      default: 3,
      parse: integer(1, 100),
    }),
    maxReceiveCount: def({
      key: "maxReceiveCount",
      env: `${ENV}MAX_RECEIVE_COUNT`,
      doc: "Receives of a job message before SQS moves it to the DLQ: malformed jobs, and jobs that waited at the cap or whose RunTask failed that often. Must cover the longest wait for a slot (≈ this × the visibility timeout).",
      allowed: "an integer from 1 to 1000",
      default: 10,
      parse: integer(1, 1000),
    }),
    capacityProvider: def({
      key: "capacityProvider",
      env: `${ENV}CAPACITY_PROVIDER`,
      doc: "Capacity provider of the job tasks: FARGATE, or FARGATE_SPOT (cheaper; an interrupted job exits 143 and is retried).",
      allowed: "FARGATE or FARGATE_SPOT",
      default: "FARGATE" as "FARGATE" | "FARGATE_SPOT",
      parse: oneOf("FARGATE", "FARGATE_SPOT"),
    }),
    jobCpu: def({
      key: "jobCpu",
      env: `${ENV}JOB_CPU`,
      doc: "CPU units of a job task (1024 = 1 vCPU); with jobMemory one of Fargate's sizes.",
      allowed: "256, 512, 1024, 2048, 4096, 8192 or 16384",
      default: "256" as "256" | "512" | "1024" | "2048" | "4096" | "8192" | "16384",
      parse: oneOf("256", "512", "1024", "2048", "4096", "8192", "16384"),
    }),
    jobMemory: def({
      key: "jobMemory",
      env: `${ENV}JOB_MEMORY`,
      doc: "Memory of a job task in MiB, valid for jobCpu on Fargate.",
      allowed: "an integer from 512 to 122880",
      default: 512,
      parse: integer(512, 122880),
    }),
    buildJobImage: def({
      key: "buildJobImage",
      env: `${ENV}BUILD_JOB_IMAGE`,
      doc: "Build the image (the worker image, whose `job.js` is the job) from `app-code/` and push it to ECR during deploy. Needs a Docker engine at apply.",
      allowed: "true or false",
      default: true,
      parse: boolean(),
    }),
  },
  crossChecks: [
    {
      doc: "batchSize, batchingWindowSeconds and maximumConcurrency within Lambda's limits for an SQS event source",
      check: (s, describe) => {
        const problems = sqsEventSourceProblems({ batchSize: s.batchSize, batchingWindowSeconds: s.batchingWindowSeconds, maximumConcurrency: s.maximumConcurrency, fifo: false });
        return problems.length === 0 ? undefined : `${describe("batchSize")} with ${describe("batchingWindowSeconds")}: ${problems.join("; ")}.`;
      },
    },
    {
      doc: "jobMemory valid for jobCpu on Fargate",
      check: (s, describe) => {
        const problem = fargateMemoryProblem(Number(s.jobCpu), s.jobMemory);
        return problem ? `${describe("jobMemory")} with ${describe("jobCpu")}: ${problem}.` : undefined;
      },
    },
  ],
});

/** Fargate's memory choices (MiB) per CPU value (ECS developer guide, task CPU and memory). */
function fargateMemoryProblem(cpu: number, memory: number): string | undefined {
  const gb = (n: number) => n * 1024;
  const range = (from: number, to: number, step: number) => Array.from({ length: (to - from) / step + 1 }, (_, i) => gb(from + i * step));
  const allowed: Record<number, number[]> = {
    256: [512, 1024, 2048],
    512: range(1, 4, 1),
    1024: range(2, 8, 1),
    2048: range(4, 16, 1),
    4096: range(8, 30, 1),
    8192: range(16, 60, 4),
    16384: range(32, 120, 8),
  };
  const choices = allowed[cpu];
  if (!choices || choices.includes(memory)) return undefined;
  return `expected one of ${choices.join(", ")} MiB for ${cpu} CPU units`;
}

export type SqsTaskPerMessageSettings = ValuesOf<typeof SQS_TASK_PER_MESSAGE_SETTINGS.definitions>;
