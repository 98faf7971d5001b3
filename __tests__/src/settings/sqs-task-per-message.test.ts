import { loadSettings } from "../../../src/settings";
import { settingsProblemOf, settingsProblems, testSettings } from "../../helpers";

const STACK = "sqs-task-per-message" as const;
const problemOf = (own: Record<string, unknown>) => settingsProblemOf(STACK, own);

describe("settings of sqs-task-per-message", () => {
  it("default to a 30 s launcher, batches of 10, 2 invocations at a time, 10 running jobs, 3 attempts, 10 receives", () => {
    expect(loadSettings().stacks[STACK]).toMatchObject({
      name: "task-per-message",
      launcherTimeoutSeconds: 30,
      batchSize: 10,
      batchingWindowSeconds: 0,
      maximumConcurrency: 2,
      maxRunningTasks: 10,
      maxAttempts: 3,
      dlqMaxReceiveCount: 10,
      capacityProvider: "FARGATE",
      cpu: 256,
      memory: 512,
      buildWorkerImage: true,
    });
  });

  it("takes Spot, bigger jobs and batches over 10 with a window", () => {
    expect(testSettings(STACK, { capacityProvider: "FARGATE_SPOT", cpu: 4096, memory: 16384, batchSize: 100, batchingWindowSeconds: 5 })).toMatchObject({
      capacityProvider: "FARGATE_SPOT",
      cpu: 4096,
      batchSize: 100,
    });
  });

  it.each([
    ["a batch over 10 without a batching window", { batchSize: 50 }, "batchSize 50 needs a batching window: expected batchingWindowSeconds of at least 1 for batches over 10"],
    ["a maximum concurrency below Lambda's 2", { maximumConcurrency: 1 }, "is 1; allowed: an integer from 2 to 1000"],
    ["a capacity provider that is not Fargate's", { capacityProvider: "EC2" }, 'is "EC2"; allowed: FARGATE or FARGATE_SPOT'],
    ["a launcher timeout over Lambda's 15 minutes", { launcherTimeoutSeconds: 901 }, "is 901; allowed: an integer from 10 to 900"],
    ["no attempt", { maxAttempts: 0 }, "is 0; allowed: an integer from 1 to 100"],
    ["a task size Fargate does not run", { cpu: 1024, memory: 512 }, "are no Fargate task size"],
  ])("rejects %s", (_kind, own, expected) => {
    expect(problemOf(own)).toContain(expected);
  });

  it("reads QS_SQS_TASK_PER_MESSAGE__* variables and names them in messages", () => {
    expect(testSettings(STACK, {}, { QS_SQS_TASK_PER_MESSAGE__MAX_RUNNING_TASKS: "50" }).maxRunningTasks).toBe(50);
    expect(settingsProblems({ env: { QS_SQS_TASK_PER_MESSAGE__MAX_RUNNING_TASKS: "0" } })).toEqual([
      'maxRunningTasks (env QS_SQS_TASK_PER_MESSAGE__MAX_RUNNING_TASKS) is "0"; allowed: an integer from 1 to 5000.',
    ]);
  });
});
