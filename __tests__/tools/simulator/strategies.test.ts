import { visibilityTimeoutFor } from "../../../src/visibility-timeout";
import { loadSettings } from "../../../src/settings";
import {
  BLUEPRINT_INTENDED,
  builtInStrategies,
  projectStrategy,
  rateSeconds,
  validateStrategy,
} from "../../../tools/simulator/strategies";

test("project-defaults is what the stack deploys with the same settings", () => {
  const s = loadSettings({});
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
  expect(projectStrategy(loadSettings({ context: { targetSetterEnabled: "false" } })).targetSetter).toBeUndefined();
});

test.each(["5", "61", "28000"])("the visibility timeout is the queue's for maxMessageDurationSeconds %s", (seconds) => {
  const e = projectStrategy(loadSettings({ context: { maxMessageDurationSeconds: seconds } }));
  expect(e.worker.visibilityTimeoutSeconds).toBe(visibilityTimeoutFor(Number(seconds)));
});

test("schedules: rate() expressions in seconds; a cron schedule cannot be simulated", () => {
  expect([rateSeconds("rate(1 minute)"), rateSeconds("rate(10 minutes)"), rateSeconds("rate(2 hours)")]).toEqual([60, 600, 7200]);
  expect(() => projectStrategy(loadSettings({ context: { targetSetterSchedule: "cron(0 * * * ? *)" } }))).toThrow(
    'targetSetterSchedule "cron(0 * * * ? *)" cannot be simulated; allowed here: rate(N minutes|hours|days)',
  );
});

test("the built-in strategies are valid, (a) to (e) in order", () => {
  const all = builtInStrategies(loadSettings({}));
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
