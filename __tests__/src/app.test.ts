import * as fs from "node:fs";
import { GLOBAL_SETTINGS, loadSettings, SettingsSource, STACK_SETTINGS, StackName } from "../../src/settings";
import { synthesizeApp } from "../../tools/lib/synth";

/**
 * For each stack, settings of its own group set to values other than the defaults, given both ways (context and
 * environment). A new stack adds its entry here (a test below fails until it does).
 */
const CHANGED: Record<StackName, SettingsSource> = {
  "core-infra": { context: { "core-infra": { azCount: 2 } }, env: { QS_CORE_INFRA__VPC_CIDR: "172.20.0.0/16" } },
  "sqs-dynamic-target-tracking": {
    context: { "sqs-dynamic-target-tracking": { appName: "other-app", desiredLatencySeconds: 30, maxCapacity: 20, producerEnabled: true } },
    env: { QS_SQS_DYNAMIC_TARGET_TRACKING__BUILD_WORKER_IMAGE: "false", QS_SQS_DYNAMIC_TARGET_TRACKING__MAX_MESSAGE_DURATION_SECONDS: "600" },
  },
  "sqs-queue-depth-tracking": {
    context: { "sqs-queue-depth-tracking": { name: "awstut", maxCapacity: 5, scalingMetric: "backlog-per-task" } },
    env: { QS_SQS_QUEUE_DEPTH_TRACKING__VPC_ENDPOINTS: "false", QS_SQS_QUEUE_DEPTH_TRACKING__WORK_SECONDS: "30" },
  },
  "sqs-scale-to-zero": {
    context: { "sqs-scale-to-zero": { name: "nightly", maxCapacity: 4, idleMinutes: 20 } },
    env: { QS_SQS_SCALE_TO_ZERO__QUEUE_TYPE: "standard", QS_SQS_SCALE_TO_ZERO__CPU: "1024", QS_SQS_SCALE_TO_ZERO__MEMORY: "2048" },
  },
  "sqs-task-per-message": {
    context: { "sqs-task-per-message": { name: "videos", maxRunningTasks: 4, capacityProvider: "FARGATE_SPOT" } },
    env: { QS_SQS_TASK_PER_MESSAGE__LAUNCHER_TIMEOUT_SECONDS: "60", QS_SQS_TASK_PER_MESSAGE__MAX_ATTEMPTS: "5" },
  },
  "sqs-recursive-fanout": {
    context: { "sqs-recursive-fanout": { name: "prefixes", maxParallelNodes: 20, treeDepth: 4 } },
    env: { QS_SQS_RECURSIVE_FANOUT__COUNT_IN_FLIGHT: "false", QS_SQS_RECURSIVE_FANOUT__TARGET_BACKLOG_PER_TASK: "10" },
  },
};

/** Every stack's synthesized JSON, as the text written to cdktf.out, by stack name. */
function synthesized(source: SettingsSource): Map<string, string> {
  const { outdir, stacks } = synthesizeApp(source);
  const texts = new Map(stacks.map((s) => [s.name, fs.readFileSync(s.file, "utf8")]));
  fs.rmSync(outdir, { recursive: true, force: true });
  return texts;
}

describe("the app's stacks and their settings", () => {
  const baseline = synthesized({});

  it("are the registered settings groups, one stack each", () => {
    expect([...baseline.keys()].sort()).toEqual(STACK_SETTINGS.map((g) => g.name).sort());
    expect(Object.keys(CHANGED).sort()).toEqual(STACK_SETTINGS.map((g) => g.name).sort());
  });

  it("give each stack the globals and its own group, no setting of another stack", () => {
    const { stacks } = loadSettings();
    for (const group of STACK_SETTINGS) {
      expect(Object.keys(stacks[group.name]).sort()).toEqual([...Object.keys(GLOBAL_SETTINGS.definitions), ...Object.keys(group.definitions)].sort());
    }
  });

  describe.each(STACK_SETTINGS.map((g) => g.name))("changing settings of %s", (changed) => {
    const after = synthesized(CHANGED[changed]);

    it("changes that stack's output (the change is real)", () => {
      expect(after.get(changed)).not.toBe(baseline.get(changed));
    });

    it("leaves every other stack's synthesized JSON byte-identical", () => {
      for (const [stack, text] of baseline) {
        if (stack !== changed) expect({ stack, identical: after.get(stack) === text }).toEqual({ stack, identical: true });
      }
    });
  });
});
