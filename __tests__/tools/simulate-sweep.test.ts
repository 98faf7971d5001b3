import { testSettings } from "../helpers";
import { SimulationResult } from "../../tools/simulator/model";
import { builtInStrategies } from "../../tools/simulator/strategies";
import { BUILT_IN_WORKLOADS } from "../../tools/simulator/workloads";
import {
  checkGoals,
  DEFAULT_SWEEP_STRATEGIES,
  DEFAULT_SWEEP_WORKLOADS,
  goalsTable,
  main,
  onlyDimensions,
  runSweep,
  SWEEP,
  SweepInput,
  sweepTables,
} from "../../tools/simulate-sweep";

const strategies = builtInStrategies({
  "sqs-dynamic-target-tracking": testSettings("sqs-dynamic-target-tracking"),
  "sqs-queue-depth-tracking": testSettings("sqs-queue-depth-tracking"),
  "sqs-scale-to-zero": testSettings("sqs-scale-to-zero"),
  "sqs-task-per-message": testSettings("sqs-task-per-message"),
  "sqs-recursive-fanout": testSettings("sqs-recursive-fanout"),
}).filter((s) => DEFAULT_SWEEP_STRATEGIES.includes(s.name));

test("the sweep moves one assumption at a time over the values the issue names", () => {
  expect(SWEEP.map((d) => d.values)).toEqual([
    [0, 15, 30, 45, 59],
    [0, 1, 2],
    [30, 60, 90, 120],
    [1, 2, 3, 4, 5],
  ]);
  expect(SWEEP[2].apply(90)).toEqual({ model: { startupDelaySeconds: 90 }, seed: 1 });
  expect(SWEEP[3].apply(4)).toEqual({ model: {}, seed: 4 });
});

test("one run per value, workload and strategy; a table per assumption with a cell per value", () => {
  const input: SweepInput = { workloads: ["blueprint"], strategies, horizonSeconds: 1800, model: {}, dimensions: [SWEEP[0], SWEEP[1]] };
  const results = runSweep(input);
  expect(results.map((d) => d.length)).toEqual([5, 3]);
  expect(results[0][4][0].map((r) => r.strategy)).toEqual(DEFAULT_SWEEP_STRATEGIES);
  const tables = sweepTables(input, results);
  expect(tables).toContain("| workload | strategy | 0 s | 15 s | 30 s | 45 s | 59 s |");
  expect(tables).toContain("| workload | strategy | 0 min | 1 min | 2 min |");
  expect(tables.split("\n").filter((l) => l.startsWith("| blueprint | project-defaults |"))).toHaveLength(2);
});

/** A result with only the figures the goals read. */
const fake = (strategy: string, workload: string, over: number, taskHours: number): SimulationResult =>
  ({ strategy, workload, overGoalShare: over, taskHours, workHours: 100 }) as SimulationResult;

test("the goals: each is checked at every offset, and a miss at one offset is a miss", () => {
  const input: SweepInput = { workloads: ["diurnal"], strategies, horizonSeconds: 60, model: {}, dimensions: [SWEEP[0]] };
  const offsets = SWEEP[0].values.map((_, i) => [
    [fake("blueprint-intended", "diurnal", 0.1, 120), fake("project-defaults", "diurnal", i === 4 ? 0.011 : 0.002, 140), fake("reactive-reference", "diurnal", 0.001, 120)],
  ]);
  const checks = checkGoals(input, [offsets]);
  const byGoal = Object.fromEntries(checks.map((c) => [c.goal, c]));
  expect(byGoal["≥ 99 % within the goal at every offset"]).toMatchObject({ met: false, figures: "0.20 % / 0.20 % / 0.20 % / 0.20 % / 1.10 %" });
  expect(byGoal["≤ 1.5 × lower bound (median over offsets)"]).toMatchObject({ met: true, figures: expect.stringMatching(/^1\.40×/) });
  expect(byGoal["≤ the reactive reference + 1 point over the goal"].met).toBe(true);
  expect(byGoal["≤ 1.3 × the reactive reference's task-hours"]).toMatchObject({ met: true, figures: "1.17× / 1.17× / 1.17× / 1.17× / 1.17×" });
  expect(goalsTable(checks, SWEEP[0].values)).toContain("| **no** |");
  // Without the three strategies there is nothing to compare.
  expect(checkGoals({ ...input, strategies: strategies.slice(0, 1) }, [offsets])).toEqual([]);
});

test("--only picks the assumptions to sweep; the other options are simulate's", () => {
  expect(onlyDimensions(["--only", "offset,seed", "--workload", "bursty"])).toEqual({ rest: ["--workload", "bursty"], dimensions: [SWEEP[0], SWEEP[3]] });
  expect(onlyDimensions(["--only=delay"]).dimensions).toEqual([SWEEP[1]]);
  expect(onlyDimensions([]).dimensions).toBe(SWEEP);
});

test("bad options: exit code 2 and the problem on stderr", () => {
  const error = jest.spyOn(console, "error").mockImplementation(() => undefined);
  try {
    expect(main(["--workload", "weekly"], {})).toBe(2);
    expect(error.mock.calls[0][0]).toContain('--workload: "weekly" is unknown');
    expect(main(["--only", "phase"], {})).toBe(2);
    expect(error.mock.calls[1][0]).toContain('--only: "phase" is unknown; allowed: offset, delay, startup, seed');
  } finally {
    error.mockRestore();
  }
});

test("the sweep's default workloads are the built-in ones issue 11's goals were set on, not the pattern workloads", () => {
  expect(DEFAULT_SWEEP_WORKLOADS.every((w) => (BUILT_IN_WORKLOADS as readonly string[]).includes(w))).toBe(true);
  expect(DEFAULT_SWEEP_WORKLOADS).not.toContain("awstut");
  expect(DEFAULT_SWEEP_WORKLOADS).not.toContain("idle-day");
});
