import { loadSettings } from "../../../src/settings";
import { OptionsError, parseDuration, parseSimulateArgs } from "../../../tools/simulator/options";
import { builtInStrategies } from "../../../tools/simulator/strategies";

function problems(argv: string[]): string[] {
  try {
    parseSimulateArgs(argv);
  } catch (e) {
    if (e instanceof OptionsError) return [...e.problems];
    throw e;
  }
  throw new Error("expected an OptionsError");
}

test("defaults: every workload and the twelve strategies, 24 h, seed 1, sim-out", () => {
  const o = parseSimulateArgs([]);
  if (o === "help") throw new Error("unexpected help");
  expect(o.workloads).toEqual(["blueprint", "bursty", "diurnal", "duration-shift", "awstut", "idle-day", "long-jobs", "tree"]);
  // Every built-in strategy, in their order (the list itself: strategies.test.ts), from the default settings.
  expect(o.strategies.map((s) => s.name)).toEqual(builtInStrategies(loadSettings({}).stacks).map((s) => s.name));
  expect(o.strategies).toHaveLength(12);
  expect([o.horizonSeconds, o.seed, o.outDir]).toEqual([86400, 1, "sim-out"]);
});

test("durations", () => {
  expect([parseDuration("24h"), parseDuration("90m"), parseDuration("3600s"), parseDuration("600")]).toEqual([86400, 5400, 3600, 600]);
  expect([parseDuration("1d"), parseDuration("10"), parseDuration("-5m")]).toEqual([undefined, undefined, undefined]);
});

test("--set: model options and stack settings; project-defaults follows the stack settings", () => {
  const o = parseSimulateArgs(
    ["--set", "startupDelaySeconds=30", "--set", "scaleOutCooldownSeconds=120", "--strategies", "project-defaults"],
    { QS_SQS_DYNAMIC_TARGET_TRACKING__TARGET_SETTER_SCHEDULE: "rate(5 minutes)" },
  );
  if (o === "help") throw new Error("unexpected help");
  expect(o.model).toEqual({ startupDelaySeconds: 30 });
  const [e] = o.strategies;
  expect(e.policies[0]).toMatchObject({ kind: "target-tracking", metric: "load-per-task", scaleOutCooldownSeconds: 120, scaleInCooldownSeconds: 300 });
  expect(e.targetSetter?.everySeconds).toBe(300);
});

test("every bad option is reported with its value and what is allowed", () => {
  expect(
    problems(["--workload", "weekly", "--duration", "2 days", "--seed", "x", "--set", "metricSampleOffsetSeconds=60", "--strategies", "fastest"]),
  ).toEqual([
    '--workload: "weekly" is unknown; allowed: blueprint, bursty, diurnal, duration-shift, awstut, idle-day, long-jobs, tree, all, or csv:<path>',
    '--duration: "2 days" is not valid; allowed: 1m to 168h, as 24h, 90m, 3600s or a number of seconds',
    '--seed: "x" is not valid; allowed: an integer from 0 to 4294967295',
    '--set metricSampleOffsetSeconds: "60" is not valid; allowed: an integer from 0 to 59',
    '--strategies: "fastest" is unknown; allowed: all, blueprint-published, blueprint-intended, queue-depth, cdk-queue-processing, project-defaults, queue-depth-awstut, sqs-queue-depth-tracking, cdk-scale-to-zero-blog, sqs-scale-to-zero, reactive-reference, sqs-task-per-message, sqs-recursive-fanout',
  ]);
  const [setting] = problems(["--set", "maxCapacity=0"]);
  expect(setting).toMatch(/^--set \(stack setting\): maxCapacity .*"0".*allowed: an integer from 1 to 5000/);
  expect(problems(["--set", "colour=blue"])[0]).toMatch(/^--set: "colour" is unknown; allowed: startupDelaySeconds, /);
  expect(problems(["--bogus"])[0]).toMatch(/bogus/);
});

test("--offsets: a list of sample offsets, each 0-59", () => {
  const o = parseSimulateArgs(["--offsets", "0,30,59,30"]);
  if (o === "help") throw new Error("unexpected help");
  expect(o.offsets).toEqual([0, 30, 59]);
  expect(problems(["--offsets", "0,60"])).toEqual(['--offsets: "0,60" is not valid; allowed: integers from 0 to 59, comma-separated']);
  expect(problems(["--offsets", ""])[0]).toMatch(/^--offsets: "" is not valid/);
});
