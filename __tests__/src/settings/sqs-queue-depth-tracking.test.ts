import { loadSettings } from "../../../src/settings";
import { settingsProblemOf } from "../../helpers";

const STACK = "sqs-queue-depth-tracking" as const;

const problemOf = (own: Record<string, unknown>) => settingsProblemOf(STACK, own);

describe("settings of sqs-queue-depth-tracking", () => {
  it("default to the source's numbers: target 3 on queue depth, 1..3 tasks, 512/1024, 90 s visibility, 10-60 s gaps, endpoints on", () => {
    expect(loadSettings().stacks[STACK]).toMatchObject({
      name: "queue-depth",
      scalingMetric: "queue-depth",
      targetValue: 3,
      minCapacity: 1,
      maxCapacity: 3,
      scaleOutCooldownSeconds: 60,
      scaleInCooldownSeconds: 3600,
      cpu: 512,
      memory: 1024,
      workSeconds: 60,
      producerEnabled: true,
      producerGapMinSeconds: 10,
      producerGapMaxSeconds: 60,
      visibilityTimeoutSeconds: 90,
      dlqMaxReceiveCount: 5,
      vpcEndpoints: true,
      taskSubnets: "private",
      metricNamespace: "SQS-Queue-Depth",
      buildWorkerImage: true,
    });
  });

  it("reads its object of the cdktf context and QS_SQS_QUEUE_DEPTH_TRACKING__* variables, which win", () => {
    const settings = loadSettings({
      context: { [STACK]: { maxCapacity: 5, scalingMetric: "backlog-per-task" } },
      env: { QS_SQS_QUEUE_DEPTH_TRACKING__MAX_CAPACITY: "6", QS_SQS_QUEUE_DEPTH_TRACKING__VPC_ENDPOINTS: "false", QS_SQS_QUEUE_DEPTH_TRACKING__TASK_SUBNETS: "public" },
    }).stacks[STACK];
    expect(settings).toMatchObject({ maxCapacity: 6, scalingMetric: "backlog-per-task", vpcEndpoints: false, taskSubnets: "public" });
  });

  it.each([
    ["minimum 0 tasks", { minCapacity: 0 }, `minCapacity (cdktf.json context "${STACK}"."minCapacity") is 0; allowed: an integer from 1 to 5000`],
    ["a metric it does not know", { scalingMetric: "cpu" }, 'scalingMetric (cdktf.json context "sqs-queue-depth-tracking"."scalingMetric") is "cpu"; allowed: queue-depth or backlog-per-task.'],
    ["a target of 0", { targetValue: 0 }, "targetValue (cdktf.json context"],
    ["a CPU Fargate does not have", { cpu: 300 }, "is 300; allowed: a Fargate task CPU: 256, 512, 1024"],
    ["a visibility timeout under 10 s", { visibilityTimeoutSeconds: 5 }, "is 5; allowed: an integer from 10 to 43200."],
    ["max below min", { minCapacity: 3, maxCapacity: 2 }, "minCapacity = 3 (cdktf.json context \"sqs-queue-depth-tracking\".\"minCapacity\") is greater than maxCapacity = 2"],
    ["memory that does not fit the CPU", { cpu: 256, memory: 4096 }, "are no Fargate task size: memory 4096 MiB does not fit cpu 256; allowed: 512, 1024 or 2048."],
    ["a gap range upside down", { producerGapMinSeconds: 30, producerGapMaxSeconds: 20 }, "producerGapMinSeconds = 30 (cdktf.json context"],
    ["endpoints with public subnets", { taskSubnets: "public" }, 'vpcEndpoints = true (default) with taskSubnets = "public" (cdktf.json context "sqs-queue-depth-tracking"."taskSubnets"); allowed: VPC endpoints only with taskSubnets private'],
    ["a misspelt key", { maxCapcity: 2 }, 'cdktf.json context "sqs-queue-depth-tracking"."maxCapcity" is not a setting of stack sqs-queue-depth-tracking; did you mean "maxCapacity"?'],
  ])("rejects %s, naming setting, value and what is allowed", (_kind, own, expected) => {
    expect(problemOf(own)).toContain(expected);
  });
});
