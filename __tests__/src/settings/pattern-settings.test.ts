import { loadAppSettings } from "../../../src/app-settings";
import { SettingsError, SettingsSource } from "../../../src/settings";

/** The problems loadAppSettings reports for these sources; fails the test if it does not throw. */
function problems(source: SettingsSource): readonly string[] {
  try {
    loadAppSettings(source);
  } catch (error) {
    if (error instanceof SettingsError) return error.problems;
    throw error;
  }
  throw new Error(`expected a SettingsError for ${JSON.stringify(source)}`);
}

const qdt = (settings: Record<string, unknown>) => ({ context: { "sqs-queue-depth-tracking": settings } });
const stz = (settings: Record<string, unknown>) => ({ context: { "sqs-scale-to-zero": settings } });

describe("settings of sqs-queue-depth-tracking", () => {
  it("default to the source's numbers: target 3 on queue depth, 1..3 tasks, 512/1024, 90 s visibility, 10-60 s gaps, endpoints on", () => {
    expect(loadAppSettings().sqsQueueDepthTracking).toEqual({
      name: "queue-depth",
      scalingMetric: "queue-depth",
      targetValue: 3,
      minCapacity: 1,
      maxCapacity: 3,
      scaleOutCooldownSeconds: 120,
      scaleInCooldownSeconds: 300,
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

  it("reads its group of the cdktf context and QS_SQS_QUEUE_DEPTH_TRACKING__* variables (which win); other stacks keep their defaults", () => {
    const settings = loadAppSettings({
      context: { "sqs-queue-depth-tracking": { maxCapacity: 5, scalingMetric: "backlog-per-task" } },
      env: { QS_SQS_QUEUE_DEPTH_TRACKING__MAX_CAPACITY: "6", QS_SQS_QUEUE_DEPTH_TRACKING__VPC_ENDPOINTS: "false", QS_SQS_QUEUE_DEPTH_TRACKING__TASK_SUBNETS: "public" },
    });
    expect(settings.sqsQueueDepthTracking).toMatchObject({ maxCapacity: 6, scalingMetric: "backlog-per-task", vpcEndpoints: false, taskSubnets: "public" });
    expect(settings.sqsScaleToZero).toEqual(loadAppSettings().sqsScaleToZero);
    expect(settings.maxCapacity).toBe(10);
  });

  it.each([
    ["minimum 0 tasks", { minCapacity: 0 }, 'sqs-queue-depth-tracking.minCapacity (env QS_SQS_QUEUE_DEPTH_TRACKING__MIN_CAPACITY) is 0; allowed: an integer from 1 to 5000'],
    ["a metric it does not know", { scalingMetric: "cpu" }, 'sqs-queue-depth-tracking.scalingMetric (env QS_SQS_QUEUE_DEPTH_TRACKING__SCALING_METRIC) is "cpu"; allowed: queue-depth or backlog-per-task.'],
    ["a target of 0", { targetValue: 0 }, "sqs-queue-depth-tracking.targetValue (env QS_SQS_QUEUE_DEPTH_TRACKING__TARGET_VALUE) is 0; allowed: a number greater than 0"],
    ["a CPU Fargate does not have", { cpu: 300 }, "sqs-queue-depth-tracking.cpu (env QS_SQS_QUEUE_DEPTH_TRACKING__CPU) is 300; allowed: a Fargate task CPU: 256, 512, 1024"],
    ["a visibility timeout under 10 s", { visibilityTimeoutSeconds: 5 }, "visibilityTimeoutSeconds (env QS_SQS_QUEUE_DEPTH_TRACKING__VISIBILITY_TIMEOUT_SECONDS) is 5; allowed: an integer from 10 to 43200."],
    ["max below min", { minCapacity: 3, maxCapacity: 2 }, "minCapacity (3) is greater than maxCapacity (2); allowed: minCapacity <= maxCapacity."],
    ["memory that does not fit the CPU", { cpu: 256, memory: 4096 }, "cpu (256) and memory (4096) are no Fargate task size: memory 4096 MiB does not fit cpu 256; allowed: 512, 1024 or 2048."],
    ["a gap range upside down", { producerGapMinSeconds: 30, producerGapMaxSeconds: 20 }, "producerGapMinSeconds (30) is greater than producerGapMaxSeconds (20); allowed: min <= max."],
    ["endpoints with public subnets", { taskSubnets: "public" }, "vpcEndpoints is true with taskSubnets public; allowed: VPC endpoints only with taskSubnets private"],
    ["a misspelt key", { maxCapcity: 2 }, "sqs-queue-depth-tracking.maxCapcity (cdktf context) is not a setting of stack sqs-queue-depth-tracking; allowed: name, scalingMetric,"],
  ])("rejects %s, naming setting, value and what is allowed", (_kind, settings, expected) => {
    expect(problems(qdt(settings))).toEqual([expect.stringContaining(expected)]);
  });

  it("rejects a group that is not an object and a QS_SQS_QUEUE_DEPTH_TRACKING__ variable that names no setting", () => {
    expect(problems({ context: { "sqs-queue-depth-tracking": 3 } })).toEqual([
      expect.stringContaining("sqs-queue-depth-tracking (cdktf context) is 3; allowed: an object of this stack's settings"),
    ]);
    expect(problems({ env: { QS_SQS_QUEUE_DEPTH_TRACKING__MAX_TASKS: "4" } })).toEqual([
      expect.stringContaining("QS_SQS_QUEUE_DEPTH_TRACKING__MAX_TASKS is not a setting of stack sqs-queue-depth-tracking; allowed: QS_SQS_QUEUE_DEPTH_TRACKING__NAME,"),
    ]);
  });
});

describe("settings of sqs-scale-to-zero", () => {
  it("default to the source's 0..1 tasks of 4 vCPU / 8 GiB on FIFO, with the fixes: 60 s out, queue idle 10 min, 900 s visibility", () => {
    expect(loadAppSettings().sqsScaleToZero).toEqual({
      name: "scale-to-zero",
      queueType: "fifo",
      minCapacity: 0,
      maxCapacity: 1,
      cpu: 4096,
      memory: 8192,
      scaleOutPeriodSeconds: 60,
      scaleOutCooldownSeconds: 300,
      idleSignal: "queue",
      idleMinutes: 10,
      backlogPerTaskTarget: 1,
      visibilityTimeoutSeconds: 900,
      maxJobSeconds: 3600,
      dlqMaxReceiveCount: 3,
      metricNamespace: "SQS-Scale-To-Zero",
      buildWorkerImage: true,
    });
  });

  it("accepts the source's CPU idle signal and its 5-minute scale-out period when the idle window is longer", () => {
    expect(loadAppSettings(stz({ idleSignal: "cpu", scaleOutPeriodSeconds: 120 })).sqsScaleToZero).toMatchObject({ idleSignal: "cpu" });
    expect(loadAppSettings(stz({ scaleOutPeriodSeconds: 300, idleMinutes: 6 })).sqsScaleToZero.scaleOutPeriodSeconds).toBe(300);
  });

  it.each([
    ["a sub-minute alarm period", { scaleOutPeriodSeconds: 30 }, "sqs-scale-to-zero.scaleOutPeriodSeconds (env QS_SQS_SCALE_TO_ZERO__SCALE_OUT_PERIOD_SECONDS) is 30; allowed: a whole number of minutes in seconds"],
    ["a period that is not whole minutes", { scaleOutPeriodSeconds: 90 }, "scaleOutPeriodSeconds (env QS_SQS_SCALE_TO_ZERO__SCALE_OUT_PERIOD_SECONDS) is 90"],
    ["an idle window over a day", { idleMinutes: 1441 }, "sqs-scale-to-zero.idleMinutes (env QS_SQS_SCALE_TO_ZERO__IDLE_MINUTES) is 1441; allowed: an integer from 1 to 1440"],
    ["a queue type it does not know", { queueType: "lifo" }, 'queueType (env QS_SQS_SCALE_TO_ZERO__QUEUE_TYPE) is "lifo"; allowed: fifo or standard.'],
    ["an idle signal it does not know", { idleSignal: "empty-receives" }, 'idleSignal (env QS_SQS_SCALE_TO_ZERO__IDLE_SIGNAL) is "empty-receives"; allowed: queue or cpu.'],
    ["a maximum of 0 tasks", { maxCapacity: 0 }, "maxCapacity (env QS_SQS_SCALE_TO_ZERO__MAX_CAPACITY) is 0; allowed: an integer from 1 to 5000"],
    ["more tasks at the minimum than the maximum", { minCapacity: 2 }, "minCapacity (2) is greater than maxCapacity (1)"],
    ["an idle window not longer than the scale-out period", { scaleOutPeriodSeconds: 600 }, "the idle window (idleMinutes 10 = 600 s) is not longer than scaleOutPeriodSeconds (600)"],
    ["the source's CPU window with the source's 5-minute scale-out alarm", { idleSignal: "cpu", scaleOutPeriodSeconds: 300 }, "the idle window (idleSignal cpu: 180 s) is not longer than scaleOutPeriodSeconds (300)"],
    ["a job longer than the heartbeat can cover", { maxJobSeconds: 43200 }, "maxJobSeconds (43200) is more than the heartbeat can keep a message hidden with visibilityTimeoutSeconds 900; allowed: at most 42750"],
    ["8 vCPU with 8 GiB", { cpu: 8192 }, "cpu (8192) and memory (8192) are no Fargate task size"],
  ])("rejects %s", (_kind, settings, expected) => {
    expect(problems(stz(settings))).toEqual([expect.stringContaining(expected)]);
  });

  it("reports the problems of every group and of the global settings together", () => {
    expect(
      problems({ context: { region: "oregon", "sqs-scale-to-zero": { idleMinutes: 0 }, "sqs-queue-depth-tracking": { maxCapacity: 0 } } }),
    ).toEqual([
      expect.stringContaining('region (env QS_REGION) is "oregon"'),
      expect.stringContaining("sqs-queue-depth-tracking.maxCapacity"),
      expect.stringContaining("sqs-scale-to-zero.idleMinutes"),
    ]);
  });
});
