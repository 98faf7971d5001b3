import { visibilityTimeoutFor } from "../../../src/visibility-timeout";
import { testSettings } from "../../helpers";
import {
  BLUEPRINT_INTENDED,
  builtInStrategies,
  projectStrategy,
  rateSeconds,
  validateStrategy,
} from "../../../tools/simulator/strategies";

test("project-defaults is what the stack deploys with the same settings", () => {
  const s = testSettings("sqs-dynamic-target-tracking");
  const e = projectStrategy(s);
  expect(e).toMatchObject({
    minCapacity: s.minCapacity,
    maxCapacity: s.maxCapacity,
    policy: {
      kind: "target-tracking",
      metric: "backlog-per-task",
      target: s.initialTargetBpi,
      scaleOutCooldownSeconds: s.scaleOutCooldownSeconds,
      scaleInCooldownSeconds: s.scaleInCooldownSeconds,
    },
    targetSetter: {
      everySeconds: rateSeconds(s.targetSetterSchedule),
      desiredLatencySeconds: s.desiredLatencySeconds,
      defaultDurationSeconds: s.defaultMessageDurationSeconds,
      lookbackMinutes: s.targetSetterLookbackMinutes,
      updateThreshold: s.targetUpdateThreshold,
    },
    worker: {
      concurrency: s.workerConcurrency,
      taskProtection: true,
      extendsVisibility: true,
      maxDurationSeconds: s.maxMessageDurationSeconds,
      releasesInvalid: true,
      maxReceiveCount: s.dlqMaxReceiveCount,
      fifoGroups: s.messageGroupCount,
    },
  });
  expect(projectStrategy(testSettings("sqs-dynamic-target-tracking", { targetSetterEnabled: "false" })).targetSetter).toBeUndefined();
});

test.each(["5", "61", "28000"])("the visibility timeout is the queue's for maxMessageDurationSeconds %s", (seconds) => {
  const e = projectStrategy(testSettings("sqs-dynamic-target-tracking", { maxMessageDurationSeconds: seconds }));
  expect(e.worker.visibilityTimeoutSeconds).toBe(visibilityTimeoutFor(Number(seconds)));
});

test("schedules: rate() expressions in seconds; a cron schedule cannot be simulated", () => {
  expect([rateSeconds("rate(1 minute)"), rateSeconds("rate(10 minutes)"), rateSeconds("rate(2 hours)")]).toEqual([60, 600, 7200]);
  expect(() => projectStrategy(testSettings("sqs-dynamic-target-tracking", { targetSetterSchedule: "cron(0 * * * ? *)" }))).toThrow(
    'targetSetterSchedule "cron(0 * * * ? *)" cannot be simulated; allowed here: rate(N minutes|hours|days)',
  );
});

test("the built-in strategies are valid, (a) to (e) in order", () => {
  const all = builtInStrategies(testSettings("sqs-dynamic-target-tracking"));
  expect(all.map((s) => s.description.slice(0, 3))).toEqual(["(a)", "(b)", "(c)", "(d)", "(e)"]);
  for (const s of all) expect(validateStrategy(s)).toEqual([]);
});

test("a user strategy with bad fields gets one problem per field", () => {
  const bad = { ...BLUEPRINT_INTENDED, name: "Mine", minCapacity: 5, maxCapacity: 2, policy: { ...BLUEPRINT_INTENDED.policy, target: 0 } };
  expect(validateStrategy(bad as never)).toEqual([
    'strategy "Mine": name is "Mine"; allowed: 1-41 lower-case letters, digits and hyphens',
    'strategy "Mine": minCapacity 5 > maxCapacity 2; allowed: min <= max',
    'strategy "Mine": policy.target is 0; allowed: a number > 0',
  ]);
});
